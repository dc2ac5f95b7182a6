# fuzz.mk: robustness and security checks (issue 6).
#
#   make fuzz [FUZZ_SECONDS=60]   run every libFuzzer target for that long
#   make check-fuzz               replay the corpora, then each target briefly
#                                 (FUZZ_CHECK_SECONDS, default 10)
#   make check-lint               Dockerfile and Kubernetes manifest rules
#   make check-hostile            hostile and broken clients vs the real binaries
#   make check-leaks              a load run of each service under valgrind
#   make check-soak               wrk + crash consistency on the scratch images
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

# A target is built when all its sources exist (others are in progress).
FUZZ_TARGETS := $(foreach t,fuzz_route fuzz_cfg fuzz_notes fuzz_whoami_render,$(if $(strip $(foreach f,$($(t)_SRCS),$(if $(wildcard $(f)),,missing))),,$(t)))
FUZZ_BINS := $(FUZZ_TARGETS:%=$(FUZZ_DIR)/%)

define sl_fuzz_rule
$(FUZZ_DIR)/$(1): $($(1)_SRCS) $(wildcard services/common/*.h services/notes/*.h services/whoami/*.h)
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  FUZZCC  $$@")
	$$(Q)$$(FUZZ_CC) $$(filter-out -MMD -MP,$$(SL_CPPFLAGS)) -Iservices/common $$(SL_WARN) \
	  $$(SL_DEP_CFLAGS) $$(FUZZ_FLAGS) -o $$@ $($(1)_SRCS) $($(1)_LIBS) -lpthread
endef
$(foreach t,$(FUZZ_TARGETS),$(eval $(call sl_fuzz_rule,$(t))))

.PHONY: fuzz fuzz-build check-fuzz check-lint check-hostile check-leaks check-soak
fuzz-build: $(FUZZ_BINS)

fuzz: $(FUZZ_BINS)
	@FUZZ_DIR=$(abspath $(FUZZ_DIR)) bash tests/fuzz/run.sh run $(FUZZ_SECONDS) $(FUZZ_TARGETS)

check-fuzz: $(FUZZ_BINS)
	@FUZZ_DIR=$(abspath $(FUZZ_DIR)) bash tests/fuzz/run.sh check $(FUZZ_CHECK_SECONDS) $(FUZZ_TARGETS)

check-lint:
	$(Q)bash tests/lib/run-suites.sh tests/lint/dockerfiles.sh tests/lint/k8s.sh

check-hostile: $(SL_BINS)
	$(Q)SL_BIN=$(abspath $(OUT)/bin) bash tests/lib/run-suites.sh \
	  $(sort $(filter-out tests/hostile/common.sh,$(wildcard tests/hostile/*.sh)))

# valgrind cannot run ASan binaries: check-leaks always uses the native build.
check-leaks:
ifeq ($(filter 1,$(SANITIZE) $(STATIC)),)
	$(Q)$(MAKE) --no-print-directory all
	@SL_BIN=$(abspath $(OUT)/bin) bash tests/soak/valgrind.sh
else
	@echo "check-leaks: run it without SANITIZE=1/STATIC=1 (valgrind needs the native build)"; exit 1
endif

# Needs the scratch images: SOAK_IMAGE_TARGETS (default `images`, from
# mk/images.mk) is made first, in the recipe, because mk/images.mk is
# included after this fragment and the images must exist whatever the
# order of CHECK_TARGETS. SOAK_SECONDS is per service (default 10).
SOAK_IMAGE_TARGETS ?= images
check-soak:
	$(Q)$(MAKE) --no-print-directory $(SOAK_IMAGE_TARGETS)
	@IMAGE_PREFIX=$(or $(IMAGE_PREFIX),slimline) bash tests/soak/soak.sh

CHECK_TARGETS += check-lint check-hostile check-fuzz check-leaks check-soak
CLEAN_DIRS += $(FUZZ_DIR)
