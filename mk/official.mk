# The providers' own clients against the emulator (issue 16): poelis-sdk from PyPI in a venv under
# target/, the postiz CLI from npm (pinned with its lockfile in tests/official/) under target/.
# A failed install fails the target: nothing is skipped.
POELIS_SDK_VERSION := 1.3.1
OFFICIAL_VENV := target/venv-official
OFFICIAL_NPM := target/official-npm

.PHONY: setup-official test-official
EXTRA_TESTS += test-official

$(OFFICIAL_VENV)/.installed-$(POELIS_SDK_VERSION):
	@command -v python3 >/dev/null || { echo "test-official needs python3 (python3 -m venv)"; exit 1; }
	python3 -m venv $(OFFICIAL_VENV)
	$(OFFICIAL_VENV)/bin/pip install --quiet --disable-pip-version-check "poelis-sdk==$(POELIS_SDK_VERSION)"
	$(OFFICIAL_VENV)/bin/python -c "import importlib.metadata as m; v = m.version('poelis-sdk'); assert v == '$(POELIS_SDK_VERSION)', v"
	@touch $@

$(OFFICIAL_NPM)/.installed: tests/official/package.json tests/official/package-lock.json
	rm -rf $(OFFICIAL_NPM) && mkdir -p $(OFFICIAL_NPM)
	cp tests/official/package.json tests/official/package-lock.json $(OFFICIAL_NPM)/
	cd $(OFFICIAL_NPM) && npm ci --ignore-scripts --no-audit --no-fund
	@test -x $(OFFICIAL_NPM)/node_modules/.bin/postiz || { echo "the postiz CLI did not install"; exit 1; }
	@touch $@

setup-official: $(OFFICIAL_VENV)/.installed-$(POELIS_SDK_VERSION) $(OFFICIAL_NPM)/.installed

test-official: build setup-official
	OFFICIAL_PYTHON=$(CURDIR)/$(OFFICIAL_VENV)/bin/python POSTIZ_CLI=$(CURDIR)/$(OFFICIAL_NPM)/node_modules/.bin/postiz \
	  node --test tests/official/
