# bench.mk: the measuring side of the benchmark harness.
#   make bench        install what is missing, start the engine, build bases,
#                     images and tools, then run benchmarks/bench.sh with its
#                     defaults (results/<UTC time>/; the planned time is
#                     printed first, docs/benchmarks.md has the budget)
#   make bench-quick  the same pipeline in quick mode (hello:scratch, the
#                     floor and the empty image, one rep, loopback, runc)
#   make check-bench  quick mode end to end into a temporary folder, then
#                     checks the folder (tests/bench/quick.sh)
#   make bench-native the services outside any container against nginx,
#                     a bare libmicrohttpd handler, the Go peer and notes'
#                     read called directly in C (benchmarks/bench-native.sh;
#                     BENCH_NATIVE_ARGS for its options); results/native-<time>/
#   make bench-notes  notes over HTTP (wrk) against the direct C rate of the
#                     same statements (benchmarks/notes/run.sh;
#                     BENCH_NOTES_SECONDS per case, default 10)
# The tools all these use: make bench-tools (mk/benchtools.mk).
# Options through variables: BENCH_SERVICES, BENCH_VARIANTS, BENCH_PROFILES,
# BENCH_REPS, BENCH_PHASES, BENCH_ENGINE, BENCH_REGISTRY, BENCH_RESULTS, and
# BENCH_ARGS for anything else (see benchmarks/bench.sh --help).

bench_opt = $(if $(strip $(2)),$(1) $(2))
SLB_OPTS = $(call bench_opt,--services,$(BENCH_SERVICES)) \
  $(call bench_opt,--variants,$(BENCH_VARIANTS)) \
  $(call bench_opt,--profiles,$(BENCH_PROFILES)) \
  $(call bench_opt,--reps,$(BENCH_REPS)) \
  $(call bench_opt,--phases,$(BENCH_PHASES)) \
  $(call bench_opt,--engine,$(BENCH_ENGINE)) \
  $(call bench_opt,--registry,$(BENCH_REGISTRY)) \
  $(call bench_opt,--out,$(BENCH_RESULTS)) $(BENCH_ARGS)

.PHONY: bench bench-quick bench-prepare check-bench bench-native bench-notes

# Everything a run needs; each step is a no-op when already done.
# The native build (build/native/bin) is the glibc baseline of the load phase.
bench-prepare: ## install, start the engine, build bases, images and tools for a run
	$(Q)bash scripts/deps.sh build bench cri
	$(Q)bash scripts/engine.sh ensure
	$(Q)$(MAKE) --no-print-directory bases images bench-tools cri-tools sbom-tools all

bench: bench-prepare ## the benchmark harness with its defaults (results/<UTC time>/)
	$(Q)IMAGE_PREFIX='$(IMAGE_PREFIX)' bash benchmarks/bench.sh $(SLB_OPTS)

bench-quick: bench-prepare ## the benchmark pipeline in quick mode
	$(Q)IMAGE_PREFIX='$(IMAGE_PREFIX)' bash benchmarks/bench.sh --quick $(SLB_OPTS)

bench-native: ## the services outside any container against nginx, bare MHD and Go
	$(Q)bash scripts/deps.sh build bench
	$(Q)$(MAKE) --no-print-directory STATIC= SANITIZE= all bench-tools mhd-bare build/native/bench/notes_direct
	$(Q)bash benchmarks/bench-native.sh $(BENCH_NATIVE_ARGS)

check-bench: bench-tools cri-tools images all ## quick mode end to end into a temporary folder, then checked (engine)
	$(Q)IMAGE_PREFIX='$(IMAGE_PREFIX)' bash tests/bench/quick.sh

# bench-notes: not a test and not in make check.
NOTES_BENCH_DIRECT := $(OUT)/bench/notes_direct
BENCH_NOTES_SECONDS ?= 10

# It links the shared layer like the service (db.c logs with svc_log and
# formats with rfc3339_ms and sb).
$(NOTES_BENCH_DIRECT): $(OUT)/obj/benchmarks/notes/direct.o $(OUT)/obj/services/notes/db.o \
  $(OUT)/obj/services/notes/db_open.o $(SL_COMMON_LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(SL_LINK) -o $@ $(filter %.o,$^) $(SL_COMMON_LIB) $(SL_MHD_LIBS) $(SL_SQLITE_LIBS) -lpthread

bench-notes: $(OUT)/bin/notes $(NOTES_BENCH_DIRECT) ## notes over HTTP (wrk) against the direct C rate
	NOTES_BIN=$(abspath $(OUT)/bin/notes) NOTES_DIRECT=$(abspath $(NOTES_BENCH_DIRECT)) \
	  SECONDS_PER_CASE=$(BENCH_NOTES_SECONDS) bash benchmarks/notes/run.sh

CHECK_TARGETS += check-bench
