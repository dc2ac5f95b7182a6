# services/notes/service.mk: extra libraries and unit tests of the notes
# service (included by mk/services.mk; its benchmark, bench-notes, is in
# mk/bench.mk).

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
