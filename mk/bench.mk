# bench.mk: the measuring side of the benchmark harness.
#   make bench        install what is missing, start the engine, build bases,
#                     images and tools, then run benchmarks/bench.sh with its
#                     defaults (results/<UTC time>/; the planned time is
#                     printed first, docs/benchmarks.md has the budget)
#   make bench-quick  the same pipeline in quick mode (hello:scratch, the
#                     floor and the empty image, one rep, loopback, runc)
#   make bench-tools  build/bench/bin/{startprobe,rfc3339ns,timeit} (C, no
#                     dependencies; startprobe needs Linux >= 5.3 for pidfd)
#   make check-probe  cmocka unit tests of benchmarks/probe/probe.c
#   make check-bench  quick mode end to end into a temporary folder, then
#                     checks the folder (tests/bench/quick.sh)
#   make bench-native the services outside any container against nginx,
#                     a bare libmicrohttpd handler, the Go peer and notes'
#                     read called directly in C (benchmarks/bench-native.sh;
#                     BENCH_NATIVE_ARGS for its options); results/native-<time>/
# Options through variables: BENCH_SERVICES, BENCH_VARIANTS, BENCH_PROFILES,
# BENCH_REPS, BENCH_PHASES, BENCH_ENGINE, BENCH_REGISTRY, BENCH_RESULTS, and
# BENCH_ARGS for anything else (see benchmarks/bench.sh --help).

SLB_BIN := $(BUILD)/bench/bin
SLB_CFLAGS := $(SL_CPPFLAGS) $(SL_WARN) -Werror
SLB_TOOLS := $(SLB_BIN)/startprobe $(SLB_BIN)/rfc3339ns $(SLB_BIN)/timeit
SLB_PROBE := benchmarks/probe/probe.c benchmarks/probe/probe.h
SLB_PROBE_TEST := $(BUILD)/bench/tests/test_bench_probe

bench_opt = $(if $(strip $(2)),$(1) $(2))
SLB_OPTS = $(call bench_opt,--services,$(BENCH_SERVICES)) \
  $(call bench_opt,--variants,$(BENCH_VARIANTS)) \
  $(call bench_opt,--profiles,$(BENCH_PROFILES)) \
  $(call bench_opt,--reps,$(BENCH_REPS)) \
  $(call bench_opt,--phases,$(BENCH_PHASES)) \
  $(call bench_opt,--engine,$(BENCH_ENGINE)) \
  $(call bench_opt,--registry,$(BENCH_REGISTRY)) \
  $(call bench_opt,--out,$(BENCH_RESULTS)) $(BENCH_ARGS)

.PHONY: bench bench-quick bench-tools bench-prepare check-bench check-probe bench-native
bench-tools: $(SLB_TOOLS)

$(SLB_BIN)/timeit: benchmarks/probe/timeit.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  CC      $@')
	$(Q)$(CC) $(SLB_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

$(SLB_BIN)/startprobe $(SLB_BIN)/rfc3339ns: $(SLB_BIN)/%: benchmarks/probe/%.c $(SLB_PROBE)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  CC      $@')
	$(Q)$(CC) $(SLB_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< benchmarks/probe/probe.c

$(SLB_PROBE_TEST): tests/unit/test_bench_probe.c $(SLB_PROBE)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  CC      $@')
	$(Q)$(CC) $(SLB_CFLAGS) -Ibenchmarks/probe $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< \
	  benchmarks/probe/probe.c $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

check-probe: $(SLB_PROBE_TEST)
	$(Q)$(SLB_PROBE_TEST)

# Everything a run needs; each step is a no-op when already done.
# The native build (build/native/bin) is the glibc baseline of the load phase.
bench-prepare:
	$(Q)bash scripts/deps.sh build bench cri
	$(Q)bash scripts/engine.sh ensure
	$(Q)$(MAKE) --no-print-directory bases images benchtools bench-tools cri-tools sbom-tools all

bench: bench-prepare
	$(Q)IMAGE_PREFIX='$(IMAGE_PREFIX)' bash benchmarks/bench.sh $(SLB_OPTS)

bench-quick: bench-prepare
	$(Q)IMAGE_PREFIX='$(IMAGE_PREFIX)' bash benchmarks/bench.sh --quick $(SLB_OPTS)

bench-native:
	$(Q)bash scripts/deps.sh build bench
	$(Q)$(MAKE) --no-print-directory STATIC= SANITIZE= all benchtools mhd-bare build/native/bench/notes_direct
	$(Q)bash benchmarks/bench-native.sh $(BENCH_NATIVE_ARGS)

check-bench: $(SLB_TOOLS) benchtools cri-tools images all
	$(Q)IMAGE_PREFIX='$(IMAGE_PREFIX)' bash tests/bench/quick.sh

CHECK_TARGETS += check-probe check-bench
