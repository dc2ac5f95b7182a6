# robustness.mk: the services against hostile clients, leaks and long load.
#
#   make check-hostile  hostile and broken clients vs the real binaries
#                       (tests/hostile/*.sh)
#   make check-leaks    a load run of each service under valgrind
#                       (tests/soak/valgrind.sh)
#   make check-soak     wrk + crash consistency on the scratch images
#                       (tests/soak/soak.sh; uses the Docker engine)

.PHONY: check-hostile check-leaks check-soak
check-hostile: $(SL_BINS) ## hostile and broken clients against the real binaries
	$(Q)SL_BIN=$(abspath $(OUT)/bin) bash tests/lib/run-suites.sh \
	  $(sort $(filter-out tests/hostile/common.sh,$(wildcard tests/hostile/*.sh)))

# valgrind cannot run ASan binaries: check-leaks always uses the native build.
check-leaks: ## each service under valgrind through a short load
ifeq ($(filter 1,$(SANITIZE) $(STATIC)),)
	$(Q)$(MAKE) --no-print-directory all
	@SL_BIN=$(abspath $(OUT)/bin) bash tests/soak/valgrind.sh
else
	@echo "check-leaks cannot run with SANITIZE=1 or STATIC=1: valgrind needs the native build" >&2; exit 1
endif

# Needs the scratch images: SOAK_IMAGE_TARGETS (default `images`, from
# mk/images.mk) is made first, in the recipe, because mk/images.mk is
# included after this fragment and the images must exist whatever the
# order of CHECK_TARGETS. SOAK_SECONDS is per service (default 10).
SOAK_IMAGE_TARGETS ?= images
check-soak: ## wrk load and SIGKILL crash consistency on the scratch images (engine)
	$(Q)$(MAKE) --no-print-directory $(SOAK_IMAGE_TARGETS)
	@IMAGE_PREFIX=$(or $(IMAGE_PREFIX),slimline) bash tests/soak/soak.sh

CHECK_TARGETS += check-hostile check-leaks check-soak
