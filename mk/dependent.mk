# Issue 15: keygate as a dependency. Included by the Makefile (mk/*.mk).
#   make test-dependent   tests/dependent (a cdylib with its own #[global_allocator] and exports)
#                         depends on keygate by path, is built for wasm32-unknown-unknown and run
#                         in Node; then `cargo publish --dry-run -p keygate` packages the core and
#                         builds it from the package alone (needs the crates.io index; --allow-dirty: a check of
#                         the packaging, also of uncommitted edits).
.PHONY: test-dependent test-publish

DEPENDENT_TARGET := $(CURDIR)/target/dependent

test-dependent: setup-rust test-publish
	cargo build --release --locked --manifest-path tests/dependent/Cargo.toml --target $(WASM_TARGET) --target-dir $(DEPENDENT_TARGET)
	node tests/dependent/check.mjs $(DEPENDENT_TARGET)/$(WASM_TARGET)/release/keygate_dependent.wasm

test-publish:
	cargo publish --dry-run --allow-dirty -p keygate --target-dir $(CURDIR)/target/publish

EXTRA_TESTS += test-dependent
