# Fuzzing the core with cargo-fuzz (libFuzzer): see fuzz/README.md.
#
#   make fuzz-smoke                   every target ~10 s (part of `make test`)
#   make fuzz                         every target FUZZ_SECONDS (default 60) s
#   make fuzz FUZZ_TARGETS=plan FUZZ_SECONDS=600
#
# cargo-fuzz is installed from crates.io into .tools/ on first use. Fuzzing needs nightly
# (-Zsanitizer); the repo pins stable, so RUSTUP_TOOLCHAIN overrides rust-toolchain.toml here.
# Without a nightly toolchain, the stable one is used with RUSTC_BOOTSTRAP=1.
# New inputs go to a scratch corpus (`make fuzz`: target/fuzz-corpus/, git-ignored, kept between
# runs; `make fuzz-smoke`: a temporary directory); the committed seeds in fuzz/corpus/<target>/
# are only read. A crash fails the make target; its input is kept in
# fuzz/artifacts/<target>/ (git-ignored).

FUZZ_TARGETS ?= validate headers plan classify retry_after jwt redirect json exchange
FUZZ_SECONDS ?= 60
FUZZ_SMOKE_SECONDS ?= 10
FUZZ_TOOLS ?= $(CURDIR)/.tools
CARGO_FUZZ_VERSION := 0.13.2
CARGO_FUZZ := $(FUZZ_TOOLS)/bin/cargo-fuzz
FUZZ_SCRATCH ?= $(CURDIR)/target/fuzz-corpus
# -a: debug assertions and overflow checks in the fuzzed code.
FUZZ_BUILD_FLAGS ?= -a
# Keys may be 4096 bytes (JWTs); longer inputs reach the too_long paths.
FUZZ_LIBFUZZER_FLAGS ?= -max_len=8192 -timeout=20 -rss_limit_mb=4096 -print_final_stats=1

.PHONY: setup-fuzz fuzz fuzz-smoke

EXTRA_TESTS += fuzz-smoke

setup-fuzz:
	@if [ "$$($(CARGO_FUZZ) --version 2>/dev/null | awk '{print $$2}')" != "$(CARGO_FUZZ_VERSION)" ]; then \
	  echo "installing cargo-fuzz $(CARGO_FUZZ_VERSION) into $(FUZZ_TOOLS) (about a minute)"; \
	  cargo install cargo-fuzz --locked --version $(CARGO_FUZZ_VERSION) --root $(FUZZ_TOOLS); \
	fi

# $(1): seconds per target; $(2): scratch corpus directory (empty: a temporary one, removed after).
define fuzz_all
	@scratch="$(2)"; \
	if [ -z "$$scratch" ]; then scratch=$$(mktemp -d); trap 'rm -rf "$$scratch"' EXIT; fi; \
	if rustup run nightly rustc --version >/dev/null 2>&1; then \
	  toolchain=nightly; bootstrap=; \
	else \
	  echo "fuzz: no nightly toolchain here; using stable with RUSTC_BOOTSTRAP=1"; \
	  toolchain=stable; bootstrap=1; \
	fi; \
	export RUSTUP_TOOLCHAIN=$$toolchain PATH="$(FUZZ_TOOLS)/bin:$$PATH"; \
	if [ -n "$$bootstrap" ]; then export RUSTC_BOOTSTRAP=1; fi; \
	cd fuzz; \
	echo "fuzz: building $(FUZZ_TARGETS) ($$(rustc --version))"; \
	cargo fuzz build $(FUZZ_BUILD_FLAGS); \
	failed=; \
	for t in $(FUZZ_TARGETS); do \
	  mkdir -p "$$scratch/$$t"; \
	  log="$$scratch/$$t.log"; \
	  start=$$(date +%s); \
	  if cargo fuzz run $(FUZZ_BUILD_FLAGS) "$$t" "$$scratch/$$t" "corpus/$$t" -- \
	       -max_total_time=$(1) $(FUZZ_LIBFUZZER_FLAGS) >"$$log" 2>&1; then \
	    runs=$$(sed -n 's/^stat::number_of_executed_units: *//p' "$$log" | tail -1); \
	    cov=$$(grep -o 'cov: [0-9]*' "$$log" | tail -1); \
	    echo "fuzz: $$t clean: $${runs:-?} runs in $$(( $$(date +%s) - start )) s ($${cov:-cov: ?})"; \
	  else \
	    echo "fuzz: $$t FAILED; the end of $$log:"; \
	    tail -n 40 "$$log"; \
	    echo "fuzz: reproduce with: cd fuzz && RUSTUP_TOOLCHAIN=$$toolchain cargo fuzz run $(FUZZ_BUILD_FLAGS) $$t artifacts/$$t/<crash file>"; \
	    failed="$$failed $$t"; \
	  fi; \
	done; \
	if [ -n "$$failed" ]; then echo "fuzz: failed:$$failed"; exit 1; fi; \
	echo "fuzz: all targets clean"
endef

fuzz: setup-fuzz
	$(call fuzz_all,$(FUZZ_SECONDS),$(FUZZ_SCRATCH))

# From the seeds alone, like CI: a grown scratch corpus would take most of the 10 s to replay.
fuzz-smoke: setup-fuzz
	$(call fuzz_all,$(FUZZ_SMOKE_SECONDS),)
