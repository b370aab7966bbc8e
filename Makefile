# keygate: the two commands are `make demo` and `make test`; everything they need is installed here.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

WASM_TARGET := wasm32-unknown-unknown
TOOLS := $(CURDIR)/.tools
# wasm-bindgen-cli must match the wasm-bindgen crate in Cargo.lock exactly.
WB_VERSION := $(shell awk '/^name = "wasm-bindgen"$$/{getline; gsub(/"/,"",$$3); print $$3}' Cargo.lock)
WASM_BINDGEN := $(TOOLS)/bin/wasm-bindgen
WASM_OPT := $(CURDIR)/node_modules/.bin/wasm-opt
# The npm package's wasm comes from the keygate-wasm crate (crates/keygate-wasm).
RAW_WASM := target/$(WASM_TARGET)/release/keygate_wasm.wasm
# `keygate/validate`'s wasm (crates/keygate-validate): validation only, inlined in its entries.
RAW_VALIDATE_WASM := $(patsubst %/keygate_wasm.wasm,%/keygate_validate.wasm,$(RAW_WASM))
# `keygate/pace`'s wasm (crates/keygate-pace): the core's pacer only (also keygate/cloudflare's).
RAW_PACE_WASM := $(patsubst %/keygate_wasm.wasm,%/keygate_pace.wasm,$(RAW_WASM))
# wasm-bindgen's output before bundling (scripts/bundle.mjs folds it and pkg/src/core.js into pkg/wasm*/keygate.js).
GLUE := target/glue
PKG := $(CURDIR)/pkg
WASM_OPT_FLAGS := -Oz --strip-debug --strip-producers --strip-target-features --enable-bulk-memory --enable-nontrapping-float-to-int \
  --enable-sign-ext --enable-mutable-globals --enable-reference-types --enable-multivalue

.PHONY: gen setup-chromium help setup-rust tour setup-wasm-bindgen setup-node lint test-rust test-wasm wasm-release build test-js test-load load demo test

# Extra test groups live in mk/*.mk; each appends its target to EXTRA_TESTS.
EXTRA_TESTS :=
-include mk/*.mk

help:
	@echo "make demo   build the package and run the tour against the local emulator"
	@echo "make test   install what is needed and run every test"

setup-rust:
	@rustup target list --installed | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)

lint: setup-rust
	cargo fmt --all -- --check
	cargo clippy --workspace --all-targets -- -D warnings
	cargo clippy -p keygate --lib --target $(WASM_TARGET) -- -D warnings
	cargo clippy -p keygate-wasm --all-targets --target $(WASM_TARGET) -- -D warnings
	cargo clippy -p keygate-validate --all-targets --target $(WASM_TARGET) -- -D warnings
	cargo clippy -p keygate-pace --all-targets --target $(WASM_TARGET) -- -D warnings
	@# The crate's docs build without a broken or private intra-doc link (every feature, and none).
	RUSTDOCFLAGS="-D warnings" cargo doc -p keygate --no-deps --all-features
	RUSTDOCFLAGS="-D warnings" cargo doc -p keygate --no-deps

setup-wasm-bindgen:
	@if [ "$$($(WASM_BINDGEN) --version 2>/dev/null | awk '{print $$2}')" != "$(WB_VERSION)" ]; then \
	  echo "installing wasm-bindgen-cli $(WB_VERSION) into $(TOOLS) (about 2 minutes)"; \
	  cargo install wasm-bindgen-cli --version $(WB_VERSION) --root $(TOOLS); \
	fi

setup-node: node_modules/.installed

# Debian's Chromium for the browser tests (playwright-core drives it; no browser download).
setup-chromium:
	@command -v chromium >/dev/null || { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; }
	@chromium --version

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

test-rust:
	cargo test --workspace --all-targets
	cargo test --workspace --doc

test-wasm: setup-wasm-bindgen
	CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUNNER=$(TOOLS)/bin/wasm-bindgen-test-runner \
	  cargo test -p keygate-wasm --target $(WASM_TARGET) --lib

test-js: build
	node --test tests/js/ tests/emulator/
	node_modules/.bin/tsc -p tests/types

wasm-release: setup-rust $(WASM_TOOLCHAIN_SETUP)
	$(WASM_CARGO) build --release --target $(WASM_TARGET) -p keygate-wasm -p keygate-validate -p keygate-pace
	@ls -l $(RAW_WASM) | awk '{print "raw wasm (before wasm-bindgen/wasm-opt): " $$5 " bytes"}'

# The files generated from the Rust provider description (scripts/gen.mjs lists them; committed).
gen: setup-node
	node scripts/gen.mjs

build: wasm-release setup-wasm-bindgen setup-node gen
	rm -rf $(PKG)/wasm $(PKG)/wasm-cjs $(GLUE) $(PKG)/src/core.cjs $(PKG)/index.d.cts $(PKG)/validate.d.cts $(PKG)/pace.d.cts
	@# --encode-into always (the three wasm-bindgen calls): no TextEncoder.encodeInto polyfill (every runtime keygate supports has it).
	$(WASM_BINDGEN) --target web --weak-refs --encode-into always --no-typescript --out-dir $(GLUE)/web --out-name keygate $(RAW_WASM)
	@# The closure adapters' table slots (no keygate wasm makes closures) pointed at one: scripts/dead-table.mjs.
	node scripts/dead-table.mjs $(GLUE)/web/keygate_bg.wasm $(GLUE)/web/keygate.js
	mkdir -p $(PKG)/wasm
	$(WASM_OPT) $(WASM_OPT_FLAGS) $(GLUE)/web/keygate_bg.wasm -o $(PKG)/wasm/keygate_bg.wasm
	$(WASM_BINDGEN) --target web --weak-refs --encode-into always --no-typescript --out-dir $(GLUE)/validate --out-name validate $(RAW_VALIDATE_WASM)
	node scripts/dead-table.mjs $(GLUE)/validate/validate_bg.wasm $(GLUE)/validate/validate.js
	$(WASM_OPT) $(WASM_OPT_FLAGS) $(GLUE)/validate/validate_bg.wasm -o $(GLUE)/validate/validate.opt.wasm
	$(WASM_BINDGEN) --target web --weak-refs --encode-into always --no-typescript --out-dir $(GLUE)/pace --out-name pace $(RAW_PACE_WASM)
	node scripts/dead-table.mjs $(GLUE)/pace/pace_bg.wasm $(GLUE)/pace/pace.js
	$(WASM_OPT) $(WASM_OPT_FLAGS) $(GLUE)/pace/pace_bg.wasm -o $(GLUE)/pace/pace.opt.wasm
	node scripts/bundle.mjs $(GLUE)/web $(PKG)/wasm/keygate_bg.wasm $(GLUE)/validate $(GLUE)/validate/validate.opt.wasm $(GLUE)/pace $(GLUE)/pace/pace.opt.wasm
	@# CommonJS consumers get CommonJS types: the same declarations, read as a .d.cts.
	sed 's#"./providers.js"#"./providers.cjs"#g' $(PKG)/index.d.ts > $(PKG)/index.d.cts
	sed 's#"./providers.js"#"./providers.cjs"#g; s#"./index.js"#"./index.cjs"#g' $(PKG)/validate.d.ts > $(PKG)/validate.d.cts
	sed 's#"./index.js"#"./index.cjs"#g' $(PKG)/pace.d.ts > $(PKG)/pace.d.cts
	@node scripts/sizes.mjs

demo: build
	@node examples/demo.mjs

tour:
	cargo run --quiet --example tour

# Load through the package against the emulator: `make load` is the full 10,000 at 100 concurrent
# from Node plus 1,000 through a workerd worker; `make test` runs 1,000 from Node and the workerd run.
load: build
	node tests/load/load.mjs
	node tests/load/workerd-load.mjs
	node tests/load/pace-load.mjs

test-load: build
	LOAD_N=1000 node tests/load/load.mjs
	node tests/load/workerd-load.mjs
	PACE_LOAD=reduced node tests/load/pace-load.mjs

test: lint test-rust test-wasm test-js test-load $(EXTRA_TESTS)
	@echo "make test: all steps passed"
