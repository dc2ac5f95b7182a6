# benchtools.mk: the C tools of the benchmark harness, one target for all.
#   make bench-tools       build/bench/bin/: startprobe, rfc3339ns, timeit
#                          (no dependencies; startprobe needs Linux >= 5.3
#                          for pidfd), linkemu, manifest-size, benchreport,
#                          benchplan, k8s-phases (`benchtools` is an alias:
#                          scripts and docs name it)
#   make check-benchtools  cmocka unit tests + link emulator integration test
#   make check-report-html report.html in headless chromium (scripts/deps.sh
#                          browser), screenshot in build/bench/report-html/
#   make check-probe       cmocka unit tests of benchmarks/probe/probe.c
# Native glibc build, independent of STATIC; with SANITIZE=1 the tools go to
# build/bench-san/ (ASan + UBSan) so instrumented objects never mix.
# Needs libjansson-dev and libcmocka-dev (scripts/deps.sh bench).

ifeq ($(SANITIZE),1)
BENCH_OUT := $(BUILD)/bench-san
else
BENCH_OUT := $(BUILD)/bench
endif
BENCH_BIN := $(BENCH_OUT)/bin
BENCH_OBJ := $(BENCH_OUT)/obj
BENCH_TESTBIN := $(BENCH_OUT)/tests

BENCH_CFLAGS := $(SL_CPPFLAGS) $(SL_WARN) $(SL_SAN) -Ibenchmarks/linkemu -Ibenchmarks/analysis -Ibenchmarks/k8s \
  -Ibenchmarks/probe
BENCH_LDLIBS := $(SL_SAN) -lm
BENCH_JANSSON := $(shell pkg-config --libs jansson 2>/dev/null || echo -ljansson)
BENCH_CMOCKA := $(shell pkg-config --libs cmocka 2>/dev/null || echo -lcmocka)

LINKEMU_SRCS := benchmarks/linkemu/le.c benchmarks/linkemu/relay.c \
  benchmarks/linkemu/selftest.c benchmarks/linkemu/main.c
ANALYSIS_LIB := benchmarks/analysis/stats.c benchmarks/analysis/csv.c \
  benchmarks/analysis/manifest.c benchmarks/analysis/model.c \
  benchmarks/analysis/samples.c benchmarks/analysis/report.c \
  benchmarks/analysis/targets.c benchmarks/analysis/render_md.c \
  benchmarks/analysis/render_json.c benchmarks/analysis/render_html.c \
  benchmarks/analysis/render_pods.c benchmarks/analysis/render_surface.c \
  benchmarks/analysis/plan.c benchmarks/analysis/plan_io.c benchmarks/analysis/charts.c
MANIFEST_SRCS := benchmarks/analysis/manifest.c benchmarks/analysis/manifest_main.c
BENCHREPORT_SRCS := $(ANALYSIS_LIB) benchmarks/analysis/benchreport.c
PLAN_LIB := benchmarks/analysis/plan.c benchmarks/analysis/plan_io.c benchmarks/analysis/model.c \
  benchmarks/analysis/samples.c benchmarks/analysis/csv.c
BENCHPLAN_SRCS := $(PLAN_LIB) benchmarks/analysis/benchplan.c
K8S_SRCS := benchmarks/k8s/k8s.c benchmarks/probe/timestamp.c benchmarks/analysis/csv.c benchmarks/k8s/main.c

bench_objs = $(patsubst %.c,$(BENCH_OBJ)/%.o,$(1))

# The probe tools: always -Werror, never sanitized (they time the others).
PROBE_CFLAGS := $(SL_CPPFLAGS) $(SL_WARN) -Werror
PROBE_TOOLS := $(BENCH_BIN)/startprobe $(BENCH_BIN)/rfc3339ns $(BENCH_BIN)/timeit
PROBE_SRCS := benchmarks/probe/probe.c benchmarks/probe/probe.h benchmarks/probe/timestamp.c \
  benchmarks/probe/timestamp.h
PROBE_TEST := $(BENCH_TESTBIN)/test_bench_probe $(BENCH_TESTBIN)/test_bench_timestamp

BENCH_TOOLS := $(PROBE_TOOLS) $(BENCH_BIN)/linkemu $(BENCH_BIN)/manifest-size \
  $(BENCH_BIN)/benchreport $(BENCH_BIN)/benchplan $(BENCH_BIN)/k8s-phases

# Unit tests: name -> sources (test file + modules under test).
BENCH_UNIT := le stats csv manifest model plan k8s report html
bench_le_SRCS := tests/unit/test_bench_le.c benchmarks/linkemu/le.c
bench_stats_SRCS := tests/unit/test_bench_stats.c benchmarks/analysis/stats.c
bench_csv_SRCS := tests/unit/test_bench_csv.c benchmarks/analysis/csv.c
bench_manifest_SRCS := tests/unit/test_bench_manifest.c benchmarks/analysis/manifest.c benchmarks/analysis/csv.c
bench_model_SRCS := tests/unit/test_bench_model.c benchmarks/analysis/model.c
bench_plan_SRCS := tests/unit/test_bench_plan.c $(PLAN_LIB)
bench_k8s_SRCS := tests/unit/test_bench_k8s.c benchmarks/k8s/k8s.c benchmarks/probe/timestamp.c benchmarks/analysis/csv.c
bench_report_SRCS := tests/unit/test_bench_report.c $(ANALYSIS_LIB)
bench_html_SRCS := tests/unit/test_bench_html.c $(ANALYSIS_LIB)

BENCH_TESTS := $(addprefix $(BENCH_TESTBIN)/test_bench_,$(BENCH_UNIT))

.PHONY: bench-tools benchtools check-benchtools check-benchtools-unit check-benchtools-integration check-probe \
  check-report-html
bench-tools: $(BENCH_TOOLS) ## build every C tool of the benchmark harness into build/bench/bin/
benchtools: bench-tools ## alias of bench-tools

$(BENCH_BIN)/timeit: benchmarks/probe/timeit.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  CC      $@')
	$(Q)$(CC) $(PROBE_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $<

$(BENCH_BIN)/startprobe $(BENCH_BIN)/rfc3339ns: $(BENCH_BIN)/%: benchmarks/probe/%.c $(PROBE_SRCS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  CC      $@')
	$(Q)$(CC) $(PROBE_CFLAGS) $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< benchmarks/probe/probe.c benchmarks/probe/timestamp.c

$(PROBE_TEST): $(BENCH_TESTBIN)/%: tests/unit/%.c $(PROBE_SRCS)
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  CC      $@')
	$(Q)$(CC) $(PROBE_CFLAGS) -Ibenchmarks/probe $(CPPFLAGS) $(CFLAGS) $(LDFLAGS) -o $@ $< \
	  benchmarks/probe/probe.c benchmarks/probe/timestamp.c $(BENCH_CMOCKA)

check-probe: $(PROBE_TEST) ## cmocka unit tests of the start probe (benchmarks/probe/probe.c)
	$(Q)fail=0; for t in $(PROBE_TEST); do $$t || fail=1; done; exit $$fail

$(BENCH_OBJ)/%.o: %.c
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  CC      $<')
	$(Q)$(CC) $(BENCH_CFLAGS) $(CPPFLAGS) $(CFLAGS) -c -o $@ $<

$(BENCH_BIN)/linkemu: $(call bench_objs,$(LINKEMU_SRCS))
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  LD      $@')
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(BENCH_LDLIBS)

$(BENCH_BIN)/manifest-size: $(call bench_objs,$(MANIFEST_SRCS))
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  LD      $@')
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(BENCH_JANSSON) $(BENCH_LDLIBS)

$(BENCH_BIN)/benchreport: $(call bench_objs,$(BENCHREPORT_SRCS))
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  LD      $@')
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(BENCH_JANSSON) $(BENCH_LDLIBS)

$(BENCH_BIN)/benchplan: $(call bench_objs,$(BENCHPLAN_SRCS))
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  LD      $@')
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(BENCH_LDLIBS)

$(BENCH_BIN)/k8s-phases: $(call bench_objs,$(K8S_SRCS))
	@mkdir -p $(dir $@)
	@$(if $(Q),echo '  LD      $@')
	$(Q)$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(BENCH_JANSSON) $(BENCH_LDLIBS)

define BENCH_TEST_RULE
$(BENCH_TESTBIN)/test_bench_$(1): $$(call bench_objs,$$(bench_$(1)_SRCS))
	@mkdir -p $$(dir $$@)
	@$$(if $$(Q),echo '  LD      $$@')
	$$(Q)$$(CC) $$(CFLAGS) $$(LDFLAGS) -o $$@ $$^ $$(BENCH_CMOCKA) $$(BENCH_JANSSON) $$(BENCH_LDLIBS)
endef
$(foreach t,$(BENCH_UNIT),$(eval $(call BENCH_TEST_RULE,$(t))))

check-benchtools-unit: $(BENCH_TESTS) ## cmocka unit tests of the benchmark tools
	$(Q)fail=0; for t in $(BENCH_TESTS); do \
	  BENCH_FIXTURES=tests/fixtures $$t || fail=1; done; exit $$fail

check-benchtools-integration: $(BENCH_BIN)/linkemu ## the link emulator against its profiles (tests/bench/linkemu.sh)
	$(Q)LINKEMU=$(BENCH_BIN)/linkemu bash tests/bench/linkemu.sh

check-benchtools: check-benchtools-unit check-benchtools-integration ## benchmark tools: unit tests and the link emulator test

check-report-html: $(BENCH_BIN)/benchreport ## report.html in headless Chromium: charts drawn, tables filled, a screenshot
	$(Q)BENCHREPORT=$(BENCH_BIN)/benchreport REPORT_HTML_OUT=$(BENCH_OUT)/report-html \
	  bash tests/bench/report-html.sh

CHECK_TARGETS += check-benchtools check-probe check-report-html

-include $(shell find $(BENCH_OBJ) -name '*.d' 2>/dev/null)
