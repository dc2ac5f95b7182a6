# fuzz.mk: the libFuzzer targets (issue 6).
#
#   make fuzz [FUZZ_SECONDS=60]   run every libFuzzer target for that long
#   make check-fuzz               replay the corpora, then each target briefly
#                                 (FUZZ_CHECK_SECONDS, default 10)
#
# Targets: tests/fuzz/fuzz_<name>.c, built with clang into $(BUILD)/fuzz/
# (always ASan + UBSan + libFuzzer, independent of SANITIZE), seed corpus in
# tests/fuzz/corpus/<name>/ (committed; crashes found become files there).
# New inputs a run discovers go to $(BUILD)/fuzz/corpus/<name>/, not into
# the source tree.

FUZZ_CC ?= clang
FUZZ_SECONDS ?= 60
FUZZ_CHECK_SECONDS ?= 10
FUZZ_DIR := $(BUILD)/fuzz
FUZZ_FLAGS := -g -O1 -fno-omit-frame-pointer \
  -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all

SL_FUZZ_COMMON := $(wildcard services/common/*.c)
fuzz_route_SRCS := tests/fuzz/fuzz_route.c $(SL_FUZZ_COMMON)
fuzz_route_LIBS := $(SL_MHD_LIBS)
fuzz_cfg_SRCS := tests/fuzz/fuzz_cfg.c $(SL_FUZZ_COMMON)
fuzz_cfg_LIBS := $(SL_MHD_LIBS)
fuzz_notes_SRCS := tests/fuzz/fuzz_notes.c services/notes/note.c services/notes/db.c services/notes/db_open.c $(SL_FUZZ_COMMON)
fuzz_notes_LIBS := $(SL_MHD_LIBS) $(SL_SQLITE_LIBS)
fuzz_whoami_render_SRCS := tests/fuzz/fuzz_whoami_render.c services/whoami/render.c $(SL_FUZZ_COMMON)
fuzz_whoami_render_LIBS := $(SL_MHD_LIBS)

# A target whose sources are missing fails its build, naming them.
FUZZ_TARGETS := fuzz_route fuzz_cfg fuzz_notes fuzz_whoami_render
FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%)

define sl_fuzz_rule
$(FUZZ_DIR)/$(1): $($(1)_SRCS) $(wildcard services/common/*.h services/notes/*.h services/whoami/*.h)
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  FUZZCC  $$@")
	$$(Q)$$(FUZZ_CC) $$(filter-out -MMD -MP,$$(SL_CPPFLAGS)) -Iservices/common $$(SL_WARN) \
	  $$(SL_DEP_CFLAGS) $$(FUZZ_FLAGS) -o $$@ $($(1)_SRCS) $($(1)_LIBS) -lpthread
endef
define sl_fuzz_missing_rule
$(FUZZ_DIR)/$(1):
	@echo "cannot build fuzz target $(1): source missing: $(call sl_missing,$($(1)_SRCS)) (listed in $(1)_SRCS)" >&2; exit 1
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call $(if $(call sl_missing,$($(t)_SRCS)),sl_fuzz_missing_rule,sl_fuzz_rule),$(t))))

.PHONY: fuzz fuzz-build check-fuzz
fuzz-build: $(FUZZ_BINS) ## build the libFuzzer targets into build/fuzz/

fuzz: $(FUZZ_BINS) ## run every libFuzzer target for FUZZ_SECONDS (60)
	@FUZZ_DIR=$(abspath $(FUZZ_DIR)) bash tests/fuzz/run.sh run $(FUZZ_SECONDS) $(FUZZ_TARGETS)

check-fuzz: $(FUZZ_BINS) ## replay the fuzz corpora, then fuzz each target briefly
	@FUZZ_DIR=$(abspath $(FUZZ_DIR)) bash tests/fuzz/run.sh check $(FUZZ_CHECK_SECONDS) $(FUZZ_TARGETS)

CHECK_TARGETS += check-fuzz
CLEAN_DIRS += $(FUZZ_DIR)
