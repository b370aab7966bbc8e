# The contract matrix (issue 5): one suite, tests/contract/cases.js, run in Node (ESM and
# CommonJS), Deno, Bun, Chromium (window and module Web Worker) and workerd (miniflare) against the
# provider emulator. `node tests/runtimes/run.mjs` prints the runtime x group table and fails if
# any cell failed or any runtime did not report. Included by the Makefile (mk/*.mk).
.PHONY: test-matrix setup-matrix

# deno, bun, playwright-core and miniflare come from the workspace devDependencies (setup-node).
# workerd: miniflare finds the binary in @cloudflare/workerd-linux-64 through require("workerd"),
# so the workerd package's postinstall (skipped by npm 11) is not needed; should the binary not
# run, its postinstall is what places it.
setup-matrix: setup-node
	@for t in deno bun; do test -x node_modules/.bin/$$t || { echo "node_modules/.bin/$$t is missing: run make setup-node"; exit 1; }; done
	@node_modules/.bin/deno --version | sed -n 1p
	@echo "bun $$(node_modules/.bin/bun --version)"
	@node -e 'require.resolve("playwright-core"); require.resolve("miniflare")'
	@node -e 'const b = require("workerd").default; process.stdout.write(require("node:child_process").execFileSync(b, ["--version"]))' \
	  || { echo "workerd binary not usable: running its postinstall (node node_modules/workerd/install.js)"; node node_modules/workerd/install.js; }

test-matrix: build setup-chromium setup-matrix
	node tests/runtimes/run.mjs

EXTRA_TESTS += test-matrix
