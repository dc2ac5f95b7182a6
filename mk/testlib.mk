# testlib.mk: the shell test library (tests/lib/test-lib.sh) tested alone.
#
#   make check-testlib  tests/lib/selftest.sh: small suites with known
#                       results run through the library and its runner

.PHONY: check-testlib
check-testlib: ## the shell test library's own tests (tests/lib/selftest.sh)
	$(Q)bash tests/lib/selftest.sh

CHECK_TARGETS += check-testlib
