/* fuzz_notes.c: libFuzzer target for the notes request body path:
 * validation (note_parse: SQLite's JSON functions plus the UTF-8 and \u0000
 * checks) and storage (db_create / db_get / db_delete on ":memory:").
 *
 * Invariants checked (any violation aborts):
 *  - NOTE_OK gives a title of NOTE_TITLE_MIN..NOTE_TITLE_MAX bytes and a
 *    body of at most NOTE_BODY_MAX bytes, both valid UTF-8 (checked here
 *    independently of utf8_valid) without NUL;
 *  - raw input that is not valid UTF-8 is never accepted;
 *  - an accepted note round-trips: the JSON db_get returns holds exactly
 *    the title and body stored (checked with SQLite's json_extract);
 *  - NOTE_INVALID always explains itself (err non-empty);
 *  - NOTE_ERROR never happens (nothing internal should fail on client
 *    input). */
#include <sqlite3.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/common/utf8.h"
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

/* An independent UTF-8 check (RFC 3629: no overlongs, no surrogates,
 * nothing above U+10FFFF), so that a bug in utf8_valid cannot hide
 * itself. 1 if valid. */
static int utf8_ok(const unsigned char *s, size_t n) {
  size_t i = 0;
  while (i < n) {
    unsigned c = s[i], len, cp;
    if (c < 0x80) {
      i++;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
      cp = c & 0x1F;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      cp = c & 0x0F;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      cp = c & 0x07;
    } else {
      return 0;
    }
    if (n - i < len)
      return 0;
    for (unsigned k = 1; k < len; k++) {
      if ((s[i + k] & 0xC0) != 0x80)
        return 0;
      cp = (cp << 6) | (s[i + k] & 0x3F);
    }
    if ((len == 3 && cp < 0x800) || (len == 4 && cp < 0x10000) ||
        cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return 0;
    i += len;
  }
  return 1;
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
    if (!utf8_ok(data, size))
      abort();
    if (in.title_len < NOTE_TITLE_MIN || in.title_len > NOTE_TITLE_MAX ||
        in.body_len > NOTE_BODY_MAX ||
        !utf8_ok((const unsigned char *)in.title, in.title_len) ||
        !utf8_ok((const unsigned char *)in.body, in.body_len) ||
        utf8_valid(in.title, in.title_len) != 1 ||
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
