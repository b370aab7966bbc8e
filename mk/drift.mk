# Issue 15: the files generated from the provider description must be the committed ones, and
# provider ids in code must appear only where tests/ids/provider-ids.mjs allows. Included by the
# Makefile (mk/*.mk); both are part of `make test`.
#   make test-drift   regenerate (scripts/gen.mjs) into a temporary directory and diff against the
#                     committed files (HEAD) and the work tree; fails with the diff
#   make test-ids     the grep test
.PHONY: test-drift test-ids

test-drift: setup-node
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	node scripts/gen.mjs --out "$$tmp"; \
	failed=0; \
	for f in $$(node scripts/gen.mjs --list); do \
	  if git rev-parse --verify -q HEAD >/dev/null 2>&1; then \
	    if ! git show "HEAD:$$f" > "$$tmp/committed" 2>/dev/null; then \
	      echo "drift: $$f is not committed"; failed=1; \
	    elif ! diff -u --label "$$f (committed)" --label "$$f (generated now)" "$$tmp/committed" "$$tmp/$$f"; then failed=1; fi; \
	  fi; \
	  if ! diff -u --label "$$f (work tree)" --label "$$f (generated now)" "$$f" "$$tmp/$$f"; then failed=1; fi; \
	done; \
	if [ $$failed -ne 0 ]; then \
	  echo "drift: the generated files differ from what scripts/gen.mjs makes from src/providers: run 'make gen' and commit them"; exit 1; \
	fi; \
	echo "drift: generated files match src/providers"

test-ids: setup-node
	node tests/ids/provider-ids.mjs

EXTRA_TESTS += test-drift test-ids
