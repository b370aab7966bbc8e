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

EXTRA_TESTS += test-rust-client
