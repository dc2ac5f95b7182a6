# labs.mk: the training labs of docs/labs/, run and checked (see
# docs/labs/README.md).
#
#   make labs-prepare   what the labs need: bases, the link emulator, the
#                       pull-time model command, the CRI client and pause
#                       image, the SBOM tools (npm, once), and the images
#                       lab 1 does not build itself
#   make check-labs     the runner's self-test (no Docker), the pull-time
#                       model command's tests, then every lab
#                       (tests/labs/run.sh), pages checked, not changed;
#                       the labs' image tags removed afterwards
#                       (LABS_KEEP_IMAGES=1 keeps them)
#   make labs-update    the same run, then the pages rewritten with its
#                       sample output and figures (commit the result)
#   make labs-lint      the pages only: markers, samples, figures
#   make labs-selftest  the runner tested on tests/labs/fixtures/ (no Docker)
#
# check-labs and labs-update hold a machine-wide lock (LABS_LOCK) from
# preparing to cleaning up: one labs run per engine at a time.
#
# Variables: LABS (lab numbers, default all), LABS_ARGS (more runner
# options, e.g. -v). Images are tagged slimline-labs/...: never the
# project's own prefix.

LABS ?=
LABS_ARGS ?=
LABS_PREFIX := slimline-labs
# BENCH_BIN comes from benchtools.mk; the same directory when it is absent.
LABS_BIN := $(or $(BENCH_BIN),$(BUILD)/bench/bin)
PULLMODEL_SRCS := benchmarks/analysis/model_main.c benchmarks/analysis/model.c benchmarks/linkemu/le.c
LABS_CFLAGS := $(SL_CPPFLAGS) $(SL_WARN) $(SL_SAN) -Ibenchmarks/linkemu -Ibenchmarks/analysis

.PHONY: labs-prepare labs-deps check-labs check-labs-locked labs-update labs-update-locked labs-lint labs-selftest check-pullmodel labs-clean-images

$(LABS_BIN)/pullmodel: $(PULLMODEL_SRCS) benchmarks/analysis/model.h benchmarks/linkemu/le.h
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  CCLD    $@')
	$(Q)$(CC) $(LABS_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $(PULLMODEL_SRCS) $(SL_SAN) -lm

labs-deps: ## install the packages the labs need
	$(Q)bash scripts/deps.sh images bench cri sbom labs

# The images the labs use besides lab 1's hello images, from the same
# build arguments as make images (so they come from its cache).
labs-prepare: labs-deps bases bench-tools cri-tools sbom-tools $(LABS_BIN)/pullmodel ## what the labs need: bases, tools, images
	$(Q)$(MAKE) --no-print-directory images IMAGE_PREFIX=$(LABS_PREFIX) SERVICES='whoami notes' VARIANTS=scratch

check-pullmodel: $(LABS_BIN)/pullmodel ## tests of the pull-time model command
	$(Q)PULLMODEL='$(abspath $(LABS_BIN)/pullmodel)' bash tests/labs/pullmodel.sh

labs-lint: ## check the lab pages only: markers, samples, figures
	$(Q)tests/labs/run.sh --lint

# The runner's own tests, on fixture pages; no Docker.
labs-selftest: ## the lab runner's own tests on fixture pages (no Docker)
	$(Q)bash tests/labs/selftest.sh

# One labs run at a time on a machine: the labs' container names and image
# tags are fixed, and labs-clean-images removes every $(LABS_PREFIX)/ tag,
# so two checkouts running labs on one engine break each other. The lock
# (util-linux flock) covers preparing, running and cleaning up; a run waits
# up to LABS_LOCK_WAIT seconds for another to end.
LABS_LOCK ?= /run/lock/slimline-labs.lock
LABS_LOCK_WAIT ?= 1800
labs_locked = status=0; \
  flock -n '$(LABS_LOCK)' true || echo "$(1): another labs run holds $(LABS_LOCK); waiting up to $(LABS_LOCK_WAIT) s"; \
  flock -w '$(LABS_LOCK_WAIT)' -E 75 '$(LABS_LOCK)' $(MAKE) --no-print-directory $(1)-locked || status=$$?; \
  [ $$status != 75 ] || echo "$(1): failure: another labs run held $(LABS_LOCK) for $(LABS_LOCK_WAIT) s"; \
  exit $$status

check-labs: labs-selftest ## run every lab and check its page (engine; one labs run at a time)
	$(Q)$(call labs_locked,check-labs)

check-labs-locked: labs-prepare check-pullmodel
	$(Q)status=0; tests/labs/run.sh $(LABS_ARGS) $(LABS) || status=$$?; \
	  [ '$(LABS_KEEP_IMAGES)' = 1 ] || $(MAKE) --no-print-directory labs-clean-images; exit $$status

labs-update: ## run the labs and rewrite the pages with the sample output and figures
	$(Q)$(call labs_locked,labs-update)

labs-update-locked: labs-prepare
	$(Q)tests/labs/run.sh --write $(LABS_ARGS) $(LABS)

# Only our own tags; --no-prune keeps the build cache's parent layers.
labs-clean-images: ## remove the labs' own image tags
	$(Q)ids=$$(docker image ls --format '{{.Repository}}:{{.Tag}}' | grep '^$(LABS_PREFIX)/' || true); \
	  [ -z "$$ids" ] || docker rmi --no-prune $$ids >/dev/null

CHECK_TARGETS += check-labs
