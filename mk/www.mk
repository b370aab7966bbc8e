# The demo page (www/) and its browser test; included by the main Makefile.
.PHONY: www test-www

# Serves the page and the emulator on loopback until Ctrl+C (PORT=, EMULATOR_PORT= to move them).
www: build
	node www/serve.mjs

# Drives the page in Debian's Chromium through playwright-core; screenshots go to test-results/www/.
test-www: build setup-chromium
	node --test tests/www/

EXTRA_TESTS += test-www
