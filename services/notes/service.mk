# services/notes/service.mk: extra libraries, unit tests and the benchmark
# of the notes service (included by mk/services.mk).

notes_LIBS := $(SL_SQLITE_LIBS)

UNIT_TESTS += notes_db notes_note notes_api notes_sync
notes_db_SRCS := tests/unit/test_notes_db.c services/notes/db.c services/notes/db_open.c
# Seams: the test makes chosen statements fail (COMMIT, DELETE) and counts
# the failure lines the data layer logs.
notes_db_LDFLAGS := -Wl,--wrap=sqlite3_step,--wrap=svc_log
notes_note_SRCS := tests/unit/test_notes_note.c services/notes/note.c
notes_api_SRCS := tests/unit/test_notes_api.c services/notes/api.c \
  services/notes/db.c services/notes/db_open.c services/notes/note.c
# Reads vs a write held in its fsync: a gating VFS shim inside the test.
notes_sync_SRCS := tests/unit/test_notes_sync.c services/notes/api.c \
  services/notes/db.c services/notes/db_open.c services/notes/note.c

# bench-notes: HTTP (wrk) against the direct C rate of the same statements.
# Not a test and not in `make check`; BENCH_NOTES_SECONDS sets the length of
# each case (default 10).
NOTES_BENCH_DIRECT := $(OUT)/bench/notes_direct
BENCH_NOTES_SECONDS ?= 10

# It links the shared layer like the service (db.c logs with svc_log and
# formats with rfc3339_ms and sb).
$(NOTES_BENCH_DIRECT): $(OUT)/obj/benchmarks/notes/direct.o $(OUT)/obj/services/notes/db.o \
  $(OUT)/obj/services/notes/db_open.o $(SL_COMMON_LIB)
	@mkdir -p $(@D)
	@$(if $(Q),echo "  LD      $@")
	$(Q)$(SL_LINK) -o $@ $(filter %.o,$^) $(SL_COMMON_LIB) $(SL_MHD_LIBS) $(SL_SQLITE_LIBS) -lpthread

.PHONY: bench-notes
bench-notes: $(OUT)/bin/notes $(NOTES_BENCH_DIRECT)
	NOTES_BIN=$(abspath $(OUT)/bin/notes) NOTES_DIRECT=$(abspath $(NOTES_BENCH_DIRECT)) \
	  SECONDS_PER_CASE=$(BENCH_NOTES_SECONDS) bash benchmarks/notes/run.sh
