# services.mk: build every service, its unit tests, and run the tests.
#
# Conventions (a new service needs no edit here):
#   services/common/*.c       the shared layer, archived in $(OUT)/lib/libslcommon.a
#   services/<svc>/*.c        compiled to $(OUT)/obj/services/<svc>/*.o and linked
#                             with the shared layer into $(OUT)/bin/<svc>
#   services/<svc>/service.mk optional, included here; may set
#                               <svc>_LIBS := $(SL_SQLITE_LIBS)    extra libraries
#                               UNIT_TESTS += notes_db             a test program
#                               notes_db_SRCS := tests/unit/test_notes_db.c services/notes/db.c
#                               notes_db_LIBS / notes_db_LDFLAGS   optional extras
#                                 (e.g. -Wl,--wrap=sqlite3_open_v2 for a seam)
#                             producing $(OUT)/tests/test_notes_db, linked with the
#                             shared layer, cmocka, libmicrohttpd, <svc>_LIBS where
#                             <svc> is the test name up to the first '_'.
#   tests/integration/*.sh    run by check-integration with SL_BIN=<abs bin dir>
#
# Targets: all, check-unit, check-integration, install (DESTDIR, PREFIX).

# Dependency flags: mk/static.mk sets them for STATIC=1; natively they come
# from pkg-config. Deferred (=), not read at parse time: on a fresh machine
# `make check` installs pkg-config and the -dev packages first (check-deps).
ifeq ($(origin SL_DEP_CFLAGS),undefined)
SL_DEP_CFLAGS = $(shell pkg-config --cflags libmicrohttpd sqlite3 2>/dev/null)
endif
ifeq ($(origin SL_MHD_LIBS),undefined)
SL_MHD_LIBS = $(shell pkg-config --libs libmicrohttpd 2>/dev/null || echo -lmicrohttpd)
endif
ifeq ($(origin SL_SQLITE_LIBS),undefined)
SL_SQLITE_LIBS = $(shell pkg-config --libs sqlite3 2>/dev/null || echo -lsqlite3)
endif
SL_CMOCKA_CFLAGS ?=
SL_CMOCKA_LIBS ?= -lcmocka
SL_DEP_PREREQ ?=
SL_LDSTATIC ?=
AR ?= ar

SL_ALL_SERVICES := hello whoami notes
SERVICES := $(foreach s,$(SL_ALL_SERVICES),$(if $(wildcard services/$(s)/service.mk services/$(s)/*.c),$(s)))

SL_COMPILE = $(CC) $(SL_CPPFLAGS) -Iservices/common $(SL_WARN) $(SL_SAN) $(SL_DEP_CFLAGS) $(CPPFLAGS) $(CFLAGS)
SL_LINK = $(CC) $(SL_LDSTATIC) $(SL_SAN) $(LDFLAGS)

SL_COMMON_SRCS := $(wildcard services/common/*.c)
SL_COMMON_OBJS := $(SL_COMMON_SRCS:%.c=$(OUT)/obj/%.o)
SL_COMMON_LIB := $(OUT)/lib/libslcommon.a

UNIT_TESTS :=

# The shared layer's own tests.
UNIT_TESTS += common_cfg common_route common_metrics common_jw common_svc \
  common_timer common_cpus common_work common_log common_num \
  common_rfc3339 common_sb
common_cfg_SRCS := tests/unit/test_common_cfg.c
common_route_SRCS := tests/unit/test_common_route.c
# Seam: allocations counted, to prove a route lookup makes none.
common_route_LDFLAGS := -Wl,--wrap=malloc,--wrap=calloc,--wrap=realloc,--wrap=strdup
common_metrics_SRCS := tests/unit/test_common_metrics.c
common_jw_SRCS := tests/unit/test_common_jw.c
common_svc_SRCS := tests/unit/test_common_svc.c
common_timer_SRCS := tests/unit/test_common_timer.c
common_cpus_SRCS := tests/unit/test_common_cpus.c
common_work_SRCS := tests/unit/test_common_work.c
common_log_SRCS := tests/unit/test_common_log.c
common_num_SRCS := tests/unit/test_common_num.c
common_rfc3339_SRCS := tests/unit/test_common_rfc3339.c
common_sb_SRCS := tests/unit/test_common_sb.c

-include $(wildcard $(SERVICES:%=services/%/service.mk))

# A test whose sources are missing fails when it is built (check-unit),
# naming them; `make all` does not need the tests (the naive image's builder
# has no tests/ folder).
sl_missing = $(strip $(foreach f,$(1),$(if $(wildcard $(f)),,$(f))))

SL_BINS := $(SERVICES:%=$(OUT)/bin/%)
SL_TEST_BINS := $(UNIT_TESTS:%=$(OUT)/tests/test_%)

.PHONY: all check-unit check-integration install
all: $(SL_BINS) ## build every service (STATIC=1: static musl, SANITIZE=1: ASan+UBSan)

$(OUT)/obj/%.o: %.c $(SL_DEP_PREREQ)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(SL_COMPILE) -c -o $@ $<

# Objects that bake in the version, variant or revision (SL_* macros) are
# rebuilt when one of them changes, so `make VARIANT=naive` or a new commit
# never leaves /version and hello's greeting stale. The build date alone
# does not force a rebuild.
SL_BUILD_ID := $(VERSION) $(VARIANT) $(REVISION)
$(OUT)/build-id: FORCE
	@mkdir -p $(@D)
	@[ "$$(cat $@ 2>/dev/null)" = '$(SL_BUILD_ID)' ] || echo '$(SL_BUILD_ID)' > $@
# The list is derived: every source that names one of those macros.
SL_BAKED_SRCS := $(shell grep -lE '\bSL_(VERSION|VARIANT|REVISION)\b' services/*/*.c tests/unit/*.c 2>/dev/null)
$(SL_BAKED_SRCS:%.c=$(OUT)/obj/%.o): $(OUT)/build-id
.PHONY: FORCE
FORCE:

# Test sources also see cmocka's headers (the musl toolchain's in static mode)
# and services/ on the include path: #include "notes/db.h".
$(OUT)/obj/tests/%.o: tests/%.c $(SL_DEP_PREREQ)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $<")
	$(Q)$(SL_COMPILE) -Iservices $(SL_CMOCKA_CFLAGS) -c -o $@ $<

$(SL_COMMON_LIB): $(SL_COMMON_OBJS)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  AR      $@")
	$(Q)rm -f $@ && $(AR) rcs $@ $^

define sl_service_rule
$(OUT)/bin/$(1): $(patsubst %.c,$(OUT)/obj/%.o,$(wildcard services/$(1)/*.c)) $(SL_COMMON_LIB)
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  LD      $$@")
	$$(Q)$$(SL_LINK) -o $$@ $$(filter %.o,$$^) $(SL_COMMON_LIB) $$(SL_MHD_LIBS) $$($(1)_LIBS) -lpthread
endef
$(foreach s,$(SERVICES),$(eval $(call sl_service_rule,$(s))))

define sl_test_rule
$(OUT)/tests/test_$(1): $(patsubst %.c,$(OUT)/obj/%.o,$($(1)_SRCS)) $(SL_COMMON_LIB)
	@mkdir -p $$(@D)
	@$$(if $$(Q),echo "  LD      $$@")
	$$(Q)$$(SL_LINK) $$($(1)_LDFLAGS) -o $$@ $$(filter %.o,$$^) $(SL_COMMON_LIB) $$(SL_CMOCKA_LIBS) $$(SL_MHD_LIBS) $$($(1)_LIBS) $$($(firstword $(subst _, ,$(1)))_LIBS) -lpthread
endef
define sl_missing_rule
$(OUT)/tests/test_$(1):
	@echo "cannot build unit test $(1): source missing: $(call sl_missing,$($(1)_SRCS)) (listed in $(1)_SRCS)" >&2; exit 1
endef
$(foreach t,$(UNIT_TESTS),$(eval $(call $(if $(call sl_missing,$($(t)_SRCS)),sl_missing_rule,sl_test_rule),$(t))))

# Every unit test program runs even if an earlier one fails; the target
# fails if any did.
check-unit: $(SL_TEST_BINS) ## the cmocka unit tests of the services and the shared layer
	@fail=0; for t in $(SL_TEST_BINS); do \
	  echo "== $$t"; "$$t" || { echo "FAILED: $$t"; fail=1; }; \
	done; exit $$fail

# Each suite gets at most SL_IT_TIMEOUT seconds, so one hung test cannot
# stall CI; lib.sh is sourced by the suites, not run. The runner prints each
# suite's results and one closing line with the total.
SL_IT_TIMEOUT ?= 900
check-integration: $(SL_BINS) ## the real binaries on free ports over real HTTP (tests/integration)
	$(Q)SL_BIN=$(abspath $(OUT)/bin) TL_SUITE_TIMEOUT=$(SL_IT_TIMEOUT) bash tests/lib/run-suites.sh \
	  $(filter-out tests/integration/lib.sh,$(sort $(wildcard tests/integration/*.sh)))

install: $(SL_BINS) ## install the binaries into DESTDIR/PREFIX/bin
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(SL_BINS) $(DESTDIR)$(PREFIX)/bin/

CHECK_TARGETS += check-unit check-integration

# The bare libmicrohttpd handler (benchmarks/peers/mhd-bare/bare.c) that
# make bench-native compares native hello against: always a native build
# against Debian's libmicrohttpd like native hello, without sanitizers,
# into build/bench/bin/ beside the other benchmark tools.
MHD_BARE := $(BUILD)/bench/bin/mhd-bare
.PHONY: mhd-bare
mhd-bare: $(MHD_BARE) ## the bare libmicrohttpd handler that bench-native compares against
ifneq ($(STATIC),1)
$(MHD_BARE): benchmarks/peers/mhd-bare/bare.c
	@mkdir -p $(@D)
	@$(if $(Q),echo "  CC      $@")
	$(Q)$(CC) $(filter-out -MMD -MP,$(SL_CPPFLAGS)) $(SL_WARN) \
	  $$(pkg-config --cflags libmicrohttpd 2>/dev/null) $(CPPFLAGS) $(CFLAGS) \
	  -o $@ $< $(LDFLAGS) $$(pkg-config --libs libmicrohttpd 2>/dev/null || echo -lmicrohttpd) -lpthread
else
$(MHD_BARE):
	$(MAKE) STATIC= mhd-bare
endif

-include $(SL_COMMON_OBJS:.o=.d) $(wildcard $(OUT)/obj/services/*/*.d $(OUT)/obj/tests/*/*.d)
