# Issue 17: the Rust client (src/client.rs, src/transport.rs). Included by the Makefile (mk/*.mk).
#   make test-rust-client   clippy with the client's features, then the reqwest transport against
#                           the emulator (tests/reqwest_emulator.rs starts `node pkg/emulator/cli.js`
#                           itself on a free loopback port; the emulator needs no wasm build and no
#                           node_modules, only Node).
.PHONY: test-rust-client

RUST_CLIENT_FEATURES := reqwest,serde

test-rust-client: setup-rust
	cargo clippy -p keygate --all-targets --features $(RUST_CLIENT_FEATURES) -- -D warnings
	cargo test -p keygate --features $(RUST_CLIENT_FEATURES) --test reqwest_emulator --test client
	cargo test -p keygate --features $(RUST_CLIENT_FEATURES) --doc

EXTRA_TESTS += test-rust-client

# examples/reqwest.rs against the emulator (started here on a free loopback port, stopped after).
.PHONY: example-reqwest
EMU_DEMO_POELIS_KEY := poelis_api_demo-K3yRw9Xq2Lm7Vt4Zp8Ns1Bc6_Hd0Jf

example-reqwest: setup-rust
	@set -e; out=$$(mktemp); node pkg/emulator/cli.js --port 0 --host 127.0.0.1 --json > $$out & pid=$$!; \
	trap 'kill $$pid 2>/dev/null; rm -f $$out' EXIT; \
	for i in $$(seq 100); do [ -s $$out ] && break; sleep 0.1; done; \
	url=$$(node -e 'const fs=require("fs");console.log(JSON.parse(fs.readFileSync(process.argv[1],"utf8").split("\n")[0]).urls.poelis)' $$out); \
	POELIS_BASE_URL=$$url POELIS_API_KEY=$(EMU_DEMO_POELIS_KEY) cargo run --quiet --features $(RUST_CLIENT_FEATURES) --example reqwest

EXTRA_TESTS += example-reqwest

# The crate packaged with the client's features and built from the package alone (mk/dependent.mk
# does the same without features).
.PHONY: test-publish-rust-client
test-publish-rust-client:
	cargo publish --dry-run --allow-dirty -p keygate --features $(RUST_CLIENT_FEATURES)
	cargo publish --dry-run --allow-dirty -p keygate --features $(GLOO_FEATURES) --target $(WASM_TARGET)

EXTRA_TESTS += test-publish-rust-client

# The `gloo` feature (src/gloo.rs) in wasm: clippy for wasm32 with the feature, then
# tests/gloo_emulator.rs (wasm-bindgen-test) against the emulator in Node, headless Chromium (a
# page and a dedicated Web Worker, through Debian's chromedriver) and workerd (tests/rust-worker,
# through miniflare). tests/rust-gloo/run.mjs starts one emulator per runtime and fails loudly
# when a runtime cannot run.
.PHONY: test-rust-gloo setup-chromedriver
GLOO_FEATURES := gloo,serde

setup-chromedriver: setup-chromium
	@command -v chromedriver >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium-driver >/dev/null; }
	@chromedriver --version

# The Rust worker is its own workspace (tests/rust-worker/Cargo.lock), built into target/rust-worker.
RUST_WORKER_TARGET := $(CURDIR)/target/rust-worker

test-rust-gloo: setup-rust setup-wasm-bindgen setup-node setup-chromedriver
	cargo clippy -p keygate --lib --test gloo_emulator --features $(GLOO_FEATURES) --target $(WASM_TARGET) -- -D warnings
	node tests/rust-gloo/run.mjs node chromium chromium-worker
	cd tests/rust-worker && CARGO_TARGET_DIR=$(RUST_WORKER_TARGET) cargo clippy --locked --target $(WASM_TARGET) -- -D warnings
	cd tests/rust-worker && CARGO_TARGET_DIR=$(RUST_WORKER_TARGET) cargo build --locked --target $(WASM_TARGET)
	rm -rf $(RUST_WORKER_TARGET)/glue
	$(WASM_BINDGEN) --target web --no-typescript --out-dir $(RUST_WORKER_TARGET)/glue $(RUST_WORKER_TARGET)/$(WASM_TARGET)/debug/keygate_rust_worker.wasm
	node --test tests/rust-worker/

EXTRA_TESTS += test-rust-gloo

# serde-wasm-bindgen's cost in the npm wasm, measured on a probe (bench/serde-wasm-bindgen): the
# README's "Rust" section says why the npm wasm does not use it. Part of `make bench-size`.
.PHONY: bench-size-swb
SWB_DIR := bench/serde-wasm-bindgen
SWB_TARGET := $(CURDIR)/target/swb-probe

bench-size-swb: setup-rust setup-wasm-bindgen setup-node
	@set -e; for v in manual serde; do \
	  f=""; [ $$v = serde ] && f="--features serde"; \
	  (cd $(SWB_DIR) && CARGO_TARGET_DIR=$(SWB_TARGET) cargo build -q --locked --release --target $(WASM_TARGET) $$f); \
	  rm -rf $(SWB_TARGET)/$$v && $(WASM_BINDGEN) --target web --no-typescript --out-dir $(SWB_TARGET)/$$v --out-name probe \
	    $(SWB_TARGET)/$(WASM_TARGET)/release/keygate_swb_probe.wasm; \
	  $(WASM_OPT) $(WASM_OPT_FLAGS) $(SWB_TARGET)/$$v/probe_bg.wasm -o $(SWB_TARGET)/$$v.wasm; \
	  echo "$$(stat -c %s $(SWB_TARGET)/$$v.wasm) $$(gzip -9c $(SWB_TARGET)/$$v.wasm | wc -c)" > $(SWB_TARGET)/$$v.size; \
	done; \
	read mb mg < $(SWB_TARGET)/manual.size; read sb sg < $(SWB_TARGET)/serde.size; \
	echo "serde-wasm-bindgen probe: by hand (js_sys::Reflect) $$mb B ($$mg B gzip), serde-wasm-bindgen $$sb B ($$sg B gzip): +$$((sb - mb)) B (+$$((sg - mg)) B gzip)"

bench-size: bench-size-swb
