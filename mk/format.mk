# format.mk: the one C style (.clang-format at the root, clang-format 14).
#   make format        rewrites every project C/H file in place
#   make format-check  fails with the list of files that differ from the style
# The files: services/, benchmarks/, tests/unit/, tests/fuzz/ (there is no
# vendored C in the tree; build/ is never scanned). CLANG_FORMAT overrides
# the program.

CLANG_FORMAT ?= clang-format
FORMAT_DIRS := services benchmarks tests/unit tests/fuzz
FORMAT_FILES = $(sort $(shell find $(FORMAT_DIRS) -type f \( -name '*.c' -o -name '*.h' \) 2>/dev/null))

.PHONY: format format-check
format: ## rewrite every project C/H file in the one style (.clang-format)
	$(Q)$(CLANG_FORMAT) -i --style=file $(FORMAT_FILES)

# One run per file, so the list names every file that differs.
format-check: ## fail with the list of C/H files that differ from .clang-format
	@command -v $(CLANG_FORMAT) >/dev/null || { echo "format-check failed: $(CLANG_FORMAT) not found (apt-get install clang-format)"; exit 1; }
	@bad=; for f in $(FORMAT_FILES); do \
	  $(CLANG_FORMAT) --style=file --dry-run --Werror "$$f" >/dev/null 2>&1 || bad="$$bad $$f"; \
	done; \
	if [ -n "$$bad" ]; then \
	  echo "format-check failed: these files differ from .clang-format (run make format):"; \
	  for f in $$bad; do echo "  $$f"; done; exit 1; \
	fi; echo "format-check: $(words $(FORMAT_FILES)) files match .clang-format"

CHECK_TARGETS += format-check
