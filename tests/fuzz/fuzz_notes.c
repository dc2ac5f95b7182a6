/* fuzz_notes.c: libFuzzer target for the notes request body path:
 * validation (note_parse: SQLite's JSON functions plus the UTF-8 and \u0000
 * checks) and storage (db_create / db_get / db_delete on ":memory:").
 *
 * Invariants checked (any violation aborts):
 *  - NOTE_OK gives a title of NOTE_TITLE_MIN..NOTE_TITLE_MAX bytes and a
 *    body of at most NOTE_BODY_MAX bytes, both valid UTF-8 without NUL;
 *  - an accepted note round-trips: the JSON db_get returns holds exactly
 *    the title and body stored (checked with SQLite's json_extract);
 *  - NOTE_INVALID always explains itself (err non-empty);
 *  - NOTE_ERROR never happens (nothing internal should fail on client
 *    input). */
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/notes/db.h"
#include "../../services/notes/note.h"

static struct note_parser *parser;
static struct db *store;
static sqlite3 *check;
static sqlite3_stmt *extract;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerInitialize(int *argc, char ***argv) {
  char err[256];
  (void)argc;
  (void)argv;
  if (note_parser_new(&parser, err, sizeof err) < 0 ||
      db_open(":memory:", &store, err, sizeof err) < 0 ||
      sqlite3_open(":memory:", &check) != SQLITE_OK ||
      sqlite3_prepare_v2(check,
                         "SELECT json_extract(?1, '$.title') IS ?2 AND "
                         "json_extract(?1, '$.body') IS ?3",
                         -1, &extract, NULL) != SQLITE_OK)
    abort();
  return 0;
}

static void round_trip(const struct note_input *in) {
  int64_t id = 0;
  char *json = NULL;
  if (db_create(store, in->title, in->title_len, in->body, in->body_len, &id,
                &json) != DB_OK)
    abort();
  free(json);
  json = NULL;
  if (db_get(store, id, &json) != DB_OK)
    abort();
  sqlite3_bind_text(extract, 1, json, -1, SQLITE_STATIC);
  sqlite3_bind_text(extract, 2, in->title, (int)in->title_len, SQLITE_STATIC);
  sqlite3_bind_text(extract, 3, in->body, (int)in->body_len, SQLITE_STATIC);
  if (sqlite3_step(extract) != SQLITE_ROW ||
      sqlite3_column_int(extract, 0) != 1)
    abort();
  sqlite3_reset(extract);
  sqlite3_clear_bindings(extract);
  free(json);
  /* keep the in-memory database small over millions of runs */
  if (db_delete(store, id) != DB_OK || db_get(store, id, &json) != DB_NOT_FOUND)
    abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  struct note_input in = {0};
  char err[256] = "";

  switch (note_parse(parser, (const char *)data, size, &in, err, sizeof err)) {
  case NOTE_OK:
    if (in.title_len < NOTE_TITLE_MIN || in.title_len > NOTE_TITLE_MAX ||
        in.body_len > NOTE_BODY_MAX ||
        !note_utf8_valid(in.title, in.title_len) ||
        !note_utf8_valid(in.body, in.body_len) ||
        memchr(in.title, '\0', in.title_len) != NULL ||
        memchr(in.body, '\0', in.body_len) != NULL)
      abort();
    round_trip(&in);
    note_input_free(&in);
    break;
  case NOTE_INVALID:
    if (err[0] == '\0')
      abort();
    break;
  case NOTE_ERROR:
    abort();
  }
  return 0;
}
