# The toolchain for the release wasm (issue 19), included by the main Makefile.
#
# The release artifact is built with a pinned nightly and `-Zbuild-std` (std rebuilt for size, panics
# compiled to a trap: no panic message formatting is linked), which takes the worker bundle from
# 64.2 to 57.3 KiB gzip. `setup-nightly` installs it through rustup (toolchain, minimal
# profile, plus rust-src). If that install fails, the build falls back LOUDLY to the stable
# toolchain: a banner at setup, another at build time, and scripts/sizes.mjs repeats it and checks
# the stable ceiling instead; with CI=true (or KEYGATE_REQUIRE_NIGHTLY=1) the fallback is an error.
#
#   make build                      release artifact with the pinned nightly (fallback: stable, loud)
#   make build WASM_TOOLCHAIN=stable  the stable build on purpose (no banner)
#   make test-stable-build          builds pkg/ with stable into target/stable, runs the Node
#                                   package tests against it, then rebuilds pkg/ with the release
#                                   toolchain. Part of `make test` through EXTRA_TESTS.
#
# The Makefile's wasm-release recipe calls `$(WASM_CARGO) build ...` and depends on
# `$(WASM_TOOLCHAIN_SETUP)`; everything else lives here.

# Pinned: `rustup toolchain install nightly-2026-05-20` (rustc 1.97.0-nightly e50aa6fba 2026-05-19)
# is the one measured; a newer nightly may rename the unstable flags below.
WASM_NIGHTLY := nightly-2026-05-20
WASM_TOOLCHAIN ?= nightly
# Written by setup-nightly: "nightly-YYYY-MM-DD" when usable, "stable-fallback" when not.
WASM_TOOLCHAIN_STATE := target/wasm-toolchain
WASM_NIGHTLY_ZFLAGS := -Zbuild-std=std,panic_abort -Zbuild-std-features=optimize_for_size
# Only for the wasm target (host build scripts keep their normal flags and cache). No panic
# location strings are kept either (-205 B gzip): a panic aborts without printing one.
WASM_NIGHTLY_RUSTFLAGS := -Zunstable-options -Cpanic=immediate-abort -Zlocation-detail=none

ifeq ($(WASM_TOOLCHAIN),stable)
WASM_TOOLCHAIN_SETUP := setup-stable-wasm
else
WASM_TOOLCHAIN_SETUP := setup-nightly
endif

# A shell function, so the caller appends cargo's arguments as usual: `$(WASM_CARGO) build --release ...`.
WASM_CARGO = wasm_cargo() { \
  if [ "$$(cat $(WASM_TOOLCHAIN_STATE) 2>/dev/null)" = "$(WASM_NIGHTLY)" ]; then \
    echo "wasm toolchain: $(WASM_NIGHTLY) with $(WASM_NIGHTLY_ZFLAGS) ($(WASM_NIGHTLY_RUSTFLAGS))"; \
    CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS="$(WASM_NIGHTLY_RUSTFLAGS)" cargo +$(WASM_NIGHTLY) "$$@" $(WASM_NIGHTLY_ZFLAGS); \
  else \
    if [ "$$(cat $(WASM_TOOLCHAIN_STATE) 2>/dev/null)" = stable-fallback ]; then \
      echo "!!! wasm toolchain: STABLE FALLBACK ($(WASM_NIGHTLY) could not be installed): the artifact is the larger stable build !!!" >&2; \
    else echo "wasm toolchain: stable (WASM_TOOLCHAIN=stable)"; fi; \
    cargo "$$@"; \
  fi; }; wasm_cargo

.PHONY: setup-nightly setup-stable-wasm test-stable-build

setup-stable-wasm: setup-rust
	@mkdir -p $(dir $(WASM_TOOLCHAIN_STATE)) && echo stable > $(WASM_TOOLCHAIN_STATE)

setup-nightly: setup-rust
	@mkdir -p $(dir $(WASM_TOOLCHAIN_STATE))
	@if rustup run $(WASM_NIGHTLY) rustc --version >/dev/null 2>&1 \
	     && [ -d "$$(rustup run $(WASM_NIGHTLY) rustc --print sysroot)/lib/rustlib/src/rust/library" ]; then \
	  echo $(WASM_NIGHTLY) > $(WASM_TOOLCHAIN_STATE); \
	else \
	  echo "installing $(WASM_NIGHTLY) (minimal) and rust-src for the size-optimised wasm build"; \
	  if rustup toolchain install $(WASM_NIGHTLY) --profile minimal && rustup component add rust-src --toolchain $(WASM_NIGHTLY); then \
	    echo $(WASM_NIGHTLY) > $(WASM_TOOLCHAIN_STATE); \
	  else \
	    echo stable-fallback > $(WASM_TOOLCHAIN_STATE); \
	    echo "" >&2; \
	    echo "!!! ================================================================================ !!!" >&2; \
	    echo "!!! $(WASM_NIGHTLY) could not be installed: FALLING BACK to the stable toolchain.   !!!" >&2; \
	    echo "!!! The wasm will be the larger stable build; scripts/sizes.mjs reports it again.      !!!" >&2; \
	    echo "!!! ================================================================================ !!!" >&2; \
	    if [ -n "$${KEYGATE_REQUIRE_NIGHTLY:-}" ] || [ "$${CI:-}" = true ]; then \
	      echo "setup-nightly: CI=true / KEYGATE_REQUIRE_NIGHTLY set: the fallback is an error" >&2; exit 1; \
	    fi; \
	  fi; \
	fi

# The stable build stays tested: the Node package tests (unit, emulator, contract in Node ESM and
# CJS) run against a pkg/ built by stable, in its own target dir so neither build's cache is lost.
# pkg/ is rebuilt with the release toolchain afterwards, also when the tests fail.
STABLE_TARGET_DIR := $(CURDIR)/target/stable
test-stable-build: setup-wasm-bindgen setup-node
	@status=0; \
	CARGO_TARGET_DIR=$(STABLE_TARGET_DIR) $(MAKE) --no-print-directory build WASM_TOOLCHAIN=stable \
	  RAW_WASM=$(patsubst target/%,$(STABLE_TARGET_DIR)/%,$(RAW_WASM)) || status=$$?; \
	if [ $$status = 0 ]; then \
	  node --test tests/js/ tests/emulator/ || status=$$?; \
	  for r in node.mjs node.cjs workerd.mjs; do node tests/runtimes/$$r || status=$$?; done; \
	fi; \
	echo "test-stable-build: restoring pkg/ with the release toolchain"; \
	$(MAKE) --no-print-directory build || status=$$?; \
	if [ $$status != 0 ]; then echo "test-stable-build: FAILED ($$status)" >&2; exit $$status; fi; \
	echo "test-stable-build: the stable build passes the Node package tests"

EXTRA_TESTS += test-stable-build
