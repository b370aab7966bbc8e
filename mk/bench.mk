# Benchmarks (issue 7), included by the main Makefile, which defines `build`.
#   make bench        full run (about 2-3 minutes; at most ~7): prints the table, writes
#                     target/bench/results.json, exits 0 whatever the figures (goals are reported)
#   make bench-quick  every count about 1/50 (under ~30 s); never fails on timings, only when the
#                     bench itself breaks. Part of `make test` through EXTRA_TESTS.
#   make bench-size   twiggy breakdown of the shipped wasm (names kept) into target/bench/twiggy/;
#                     installs twiggy into .tools the first time (about 2 minutes).
.PHONY: bench bench-quick bench-size

bench: build
	node bench/run.mjs

bench-quick: build
	BENCH_QUICK=1 node bench/run.mjs

bench-size: wasm-release setup-wasm-bindgen setup-node
	@test -x $(TOOLS)/bin/twiggy || cargo install twiggy --root $(TOOLS)
	node bench/wasm-breakdown.mjs

EXTRA_TESTS += bench-quick
