# keygate: the two commands are `make demo` and `make test`; everything they need is installed here.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

WASM_TARGET := wasm32-unknown-unknown
TOOLS := $(CURDIR)/.tools

.PHONY: help setup-rust lint test-rust wasm-release demo test

help:
	@echo "make demo   build and run the end-to-end tour"
	@echo "make test   install what is needed and run every test"

setup-rust:
	@rustup target list --installed | grep -qx $(WASM_TARGET) || rustup target add $(WASM_TARGET)

lint: setup-rust
	cargo fmt --all -- --check
	cargo clippy --all-targets -- -D warnings
	cargo clippy --lib --target $(WASM_TARGET) -- -D warnings

test-rust:
	cargo test --all-targets

wasm-release: setup-rust
	cargo build --release --target $(WASM_TARGET)
	@ls -l target/$(WASM_TARGET)/release/keygate.wasm | awk '{print "raw wasm (before wasm-bindgen/wasm-opt): " $$5 " bytes"}'

demo:
	cargo run --quiet --example tour

test: lint test-rust wasm-release
	@echo "make test: all steps passed"
