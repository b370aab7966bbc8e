# The bundler matrix (issue 13): one fresh project per bundler, framework and test runner, built
# with the tool's default config from the `npm pack` tarball of pkg/ and run for real (pages in
# Chromium, servers on loopback, workers in workerd). `node tests/bundlers/run.mjs` installs the
# pinned toolsets (tests/bundlers/toolsets/*/package-lock.json, `npm ci`, skipped when unchanged)
# under $KEYGATE_BUNDLERS_DIR (default /tmp/keygate-bundlers) and prints the case x check table.
# Included by the Makefile (mk/*.mk).
.PHONY: test-bundlers

test-bundlers: build setup-chromium setup-node
	node tests/bundlers/run.mjs

EXTRA_TESTS += test-bundlers
