/* test_notes_db.c: the notes data layer against real SQLite (":memory:"
 * and temporary files), with the clock seam fixed. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cmocka.h>
#include <sqlite3.h>

#include "../../services/notes/db.h"
#include "svc.h"

/* SQLite seam (-Wl,--wrap=sqlite3_step, see services/notes/service.mk):
 * while fail_sql is set, stepping a statement with exactly that SQL fails
 * with SQLITE_IOERR as a full disk or an I/O error would, without running. */
int __real_sqlite3_step(sqlite3_stmt *st);
int __wrap_sqlite3_step(sqlite3_stmt *st);
static const char *fail_sql;
int __wrap_sqlite3_step(sqlite3_stmt *st) {
  if (fail_sql != NULL && strcmp(sqlite3_sql(st), fail_sql) == 0)
    return SQLITE_IOERR;
  return __real_sqlite3_step(st);
}

/* 2023-11-14T22:13:20.123Z */
#define T0 INT64_C(1700000000123)

static int64_t fake_clock(void *arg) { return *(int64_t *)arg; }

struct fx {
  char dir[64];
  char path[128];
  struct db *db;
  int64_t now;
  char err[512];
};

static int setup(void **state) {
  struct fx *f = calloc(1, sizeof *f);
  if (f == NULL)
    return -1;
  snprintf(f->dir, sizeof f->dir, "/tmp/test_notes_db.XXXXXX");
  if (mkdtemp(f->dir) == NULL)
    return -1;
  snprintf(f->path, sizeof f->path, "%s/notes.db", f->dir);
  f->now = T0;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  struct fx *f = *state;
  db_close(f->db);
  char cmd[160];
  snprintf(cmd, sizeof cmd, "chmod -R u+rwx '%s' && rm -rf '%s'", f->dir,
           f->dir);
  int rc = system(cmd);
  free(f);
  return rc == 0 ? 0 : -1;
}

static struct db *open_mem(struct fx *f) {
  assert_int_equal(db_open(":memory:", &f->db, f->err, sizeof f->err), 0);
  db_set_clock(f->db, fake_clock, &f->now);
  return f->db;
}

static int count_ids(const char *json) {
  int n = 0;
  for (const char *p = json; (p = strstr(p, "\"id\":")) != NULL; p++)
    n++;
  return n;
}

/* Runs one SQL statement on path with a separate connection; returns the
 * first column of the first row as a malloc'd string (or NULL). */
static char *side_query(const char *path, const char *sql) {
  sqlite3 *h = NULL;
  sqlite3_stmt *st = NULL;
  char *out = NULL;
  assert_int_equal(sqlite3_open(path, &h), SQLITE_OK);
  assert_int_equal(sqlite3_prepare_v2(h, sql, -1, &st, NULL), SQLITE_OK);
  if (sqlite3_step(st) == SQLITE_ROW && sqlite3_column_text(st, 0) != NULL)
    out = strdup((const char *)sqlite3_column_text(st, 0));
  sqlite3_finalize(st);
  sqlite3_close(h);
  return out;
}

static void write_file(const char *path, const char *data, size_t n) {
  FILE *fp = fopen(path, "wb");
  assert_non_null(fp);
  assert_int_equal(fwrite(data, 1, n, fp), n);
  assert_int_equal(fclose(fp), 0);
}

/* Bug caught: stored fields or the JSON shape differ from what was sent. */
static void test_create_get(void **state) {
  struct fx *f = *state;
  struct db *db = open_mem(f);
  int64_t id = 0;
  char *json = NULL;
  assert_int_equal(
      db_create(db, "hi \"you\"", 8, "line1\nline2", 11, &id, &json), DB_OK);
  assert_int_equal(id, 1);
  const char *want =
      "{\"id\":1,\"title\":\"hi \\\"you\\\"\",\"body\":\"line1\\nline2\","
      "\"created\":\"2023-11-14T22:13:20.123Z\","
      "\"updated\":\"2023-11-14T22:13:20.123Z\"}";
  assert_string_equal(json, want);
  free(json);
  assert_int_equal(db_get(db, 1, &json), DB_OK);
  assert_string_equal(json, want);
  free(json);
}

/* Bug caught: an empty body bound as NULL (NOT NULL constraint fails). */
static void test_create_empty_body(void **state) {
  struct fx *f = *state;
  struct db *db = open_mem(f);
  int64_t id;
  char *json = NULL;
  assert_int_equal(db_create(db, "t", 1, NULL, 0, &id, &json), DB_OK);
  assert_non_null(strstr(json, "\"body\":\"\""));
  free(json);
}

/* Bug caught: embedded bytes lost (length ignored, text cut). */
static void test_create_exact_lengths(void **state) {
  struct fx *f = *state;
  struct db *db = open_mem(f);
  int64_t id;
  char *json = NULL;
  assert_int_equal(db_create(db, "abcdef", 3, "xyz-ignored", 3, &id, &json),
                   DB_OK);
  assert_non_null(strstr(json, "\"title\":\"abc\",\"body\":\"xyz\""));
  free(json);
}

/* Bug caught: missing note reported as an error or as success. */
static void test_get_not_found(void **state) {
  struct fx *f = *state;
  struct db *db = open_mem(f);
  char *json = (char *)"sentinel";
  assert_int_equal(db_get(db, 42, &json), DB_NOT_FOUND);
  assert_null(json);
}

/* Bug caught: keyset pagination off by one, wrong next cursor, a last page
 * that still announces a next one. */
static void test_list_pages(void **state) {
  struct fx *f = *state;
  struct db *db = open_mem(f);
  for (int i = 0; i < 5; i++) {
    int64_t id;
    char *json;
    assert_int_equal(db_create(db, "t", 1, "b", 1, &id, &json), DB_OK);
    free(json);
  }
  char *json = NULL;
  assert_int_equal(db_list(db, 0, 2, &json), DB_OK);
  assert_int_equal(count_ids(json), 2);
  assert_non_null(strstr(json, "{\"notes\":[{\"id\":1,"));
  assert_non_null(strstr(json, "],\"next\":2}"));
  free(json);
  assert_int_equal(db_list(db, 2, 2, &json), DB_OK);
  assert_non_null(strstr(json, "{\"notes\":[{\"id\":3,"));
  assert_non_null(strstr(json, "],\"next\":4}"));
  free(json);
  assert_int_equal(db_list(db, 4, 2, &json), DB_OK);
  assert_int_equal(count_ids(json), 1);
  assert_non_null(strstr(json, "],\"next\":null}"));
  free(json);
  /* Exactly a full last page: no next. */
  assert_int_equal(db_list(db, 3, 2, &json), DB_OK);
  assert_int_equal(count_ids(json), 2);
  assert_non_null(strstr(json, "],\"next\":null}"));
  free(json);
  assert_int_equal(db_list(db, 0, 0, &json), DB_ERROR);
}

/* Bug caught: an empty store yields invalid JSON. */
static void test_list_empty(void **state) {
  struct fx *f = *state;
  struct db *db = open_mem(f);
  char *json = NULL;
  assert_int_equal(db_list(db, 0, 20, &json), DB_OK);
  assert_string_equal(json, "{\"notes\":[],\"next\":null}");
  free(json);
}

/* Bug caught: replace keeps old fields, touches created, or never bumps
 * updated; a missing id reported as success. */
static void test_replace(void **state) {
  struct fx *f = *state;
  struct db *db = open_mem(f);
  int64_t id;
  char *json;
  assert_int_equal(db_create(db, "old", 3, "old", 3, &id, &json), DB_OK);
  free(json);
  f->now = T0 + 1000;
  assert_int_equal(db_replace(db, id, "new", 3, "body2", 5, &json), DB_OK);
  assert_string_equal(json, "{\"id\":1,\"title\":\"new\",\"body\":\"body2\","
                            "\"created\":\"2023-11-14T22:13:20.123Z\","
                            "\"updated\":\"2023-11-14T22:13:21.123Z\"}");
  free(json);
  json = (char *)"sentinel";
  assert_int_equal(db_replace(db, 99, "x", 1, "y", 1, &json), DB_NOT_FOUND);
  assert_null(json);
}

/* Bug caught: a clock that stepped back makes updated earlier than created. */
static void test_replace_clock_backwards(void **state) {
  struct fx *f = *state;
  struct db *db = open_mem(f);
  int64_t id;
  char *json;
  assert_int_equal(db_create(db, "a", 1, "b", 1, &id, &json), DB_OK);
  free(json);
  f->now = T0 - 60000;
  assert_int_equal(db_replace(db, id, "c", 1, "d", 1, &json), DB_OK);
  assert_non_null(strstr(json, "\"updated\":\"2023-11-14T22:13:20.123Z\""));
  free(json);
}

/* Bug caught: delete of a missing note succeeds; deleted ids reused. */
static void test_delete(void **state) {
  struct fx *f = *state;
  struct db *db = open_mem(f);
  int64_t id;
  char *json;
  assert_int_equal(db_create(db, "a", 1, "b", 1, &id, &json), DB_OK);
  free(json);
  assert_int_equal(db_create(db, "a", 1, "b", 1, &id, &json), DB_OK);
  free(json);
  assert_int_equal(db_delete(db, 2), DB_OK);
  assert_int_equal(db_get(db, 2, &json), DB_NOT_FOUND);
  assert_int_equal(db_delete(db, 2), DB_NOT_FOUND);
  assert_int_equal(db_create(db, "a", 1, "b", 1, &id, &json), DB_OK);
  free(json);
  assert_int_equal(id, 3);
}

/* Seam: svc_log (-Wl,--wrap=svc_log) counts the data layer's failure
 * lines instead of writing them. */
static int logged;
void __wrap_svc_log(enum svc_log_level level, const char *fmt, ...);
void __wrap_svc_log(enum svc_log_level level, const char *fmt, ...) {
  (void)fmt;
  if (level == SVC_LOG_ERROR)
    logged++;
}

/* Bug caught: success reported although COMMIT failed (an acknowledged
 * write that is not stored), or a transaction left open after a failure. */
static void test_commit_failure(void **state) {
  struct fx *f = *state;
  assert_int_equal(db_open(f->path, &f->db, f->err, sizeof f->err), 0);
  db_set_clock(f->db, fake_clock, &f->now);
  logged = 0;
  int64_t id = 0;
  char *json = (char *)"sentinel";
  fail_sql = "COMMIT";
  assert_int_equal(db_create(f->db, "lost", 4, "b", 1, &id, &json), DB_ERROR);
  fail_sql = NULL;
  assert_null(json);
  assert_int_equal(db_get(f->db, 1, &json), DB_NOT_FOUND);
  assert_int_equal(db_create(f->db, "kept", 4, "b", 1, &id, &json), DB_OK);
  free(json);
  fail_sql = "COMMIT";
  assert_int_equal(db_replace(f->db, id, "new", 3, "x", 1, &json), DB_ERROR);
  fail_sql = NULL;
  assert_int_equal(db_get(f->db, id, &json), DB_OK);
  assert_non_null(strstr(json, "\"title\":\"kept\""));
  free(json);
  fail_sql = "DELETE FROM notes WHERE id = ?1";
  assert_int_equal(db_delete(f->db, id), DB_ERROR);
  fail_sql = NULL;
  assert_int_equal(db_get(f->db, id, &json), DB_OK);
  free(json);
  /* The store still takes writes after all that; each failure was logged. */
  assert_int_equal(db_delete(f->db, id), DB_OK);
  assert_int_equal(logged, 3);
}

/* Bug caught: schema not created, user_version not set, WAL not persistent. */
static void test_schema_and_pragmas_on_file(void **state) {
  struct fx *f = *state;
  assert_int_equal(db_open(f->path, &f->db, f->err, sizeof f->err), 0);
  char *v = side_query(f->path, "PRAGMA user_version");
  assert_string_equal(v, "1");
  free(v);
  v = side_query(f->path, "PRAGMA journal_mode");
  assert_string_equal(v, "wal");
  free(v);
  v = side_query(f->path,
                 "SELECT count(*) FROM sqlite_schema WHERE name = 'notes'");
  assert_string_equal(v, "1");
  free(v);
}

/* Bug caught: data lost between two opens of the same file. */
static void test_persistence(void **state) {
  struct fx *f = *state;
  assert_int_equal(db_open(f->path, &f->db, f->err, sizeof f->err), 0);
  int64_t id;
  char *json, *again;
  assert_int_equal(db_create(f->db, "keep", 4, "me", 2, &id, &json), DB_OK);
  db_close(f->db);
  f->db = NULL;
  assert_int_equal(db_open(f->path, &f->db, f->err, sizeof f->err), 0);
  assert_int_equal(db_get(f->db, id, &again), DB_OK);
  assert_string_equal(json, again);
  free(json);
  free(again);
}

/* Bug caught: a database from a newer build opened (and damaged). */
static void test_newer_schema_refused(void **state) {
  struct fx *f = *state;
  free(side_query(f->path, "PRAGMA user_version = 99"));
  assert_int_equal(db_open(f->path, &f->db, f->err, sizeof f->err), -1);
  assert_null(f->db);
  assert_non_null(strstr(f->err, "schema version 99 is not supported"));
}

/* Bug caught: a missing directory gives a vague message or a crash. */
static void test_open_missing_dir(void **state) {
  struct fx *f = *state;
  char path[160];
  snprintf(path, sizeof path, "%s/nope/notes.db", f->dir);
  assert_int_equal(db_open(path, &f->db, f->err, sizeof f->err), -1);
  assert_null(f->db);
  char want[512];
  snprintf(want, sizeof want,
           "cannot open %s: unable to open database file (directory %s/nope "
           "does not exist)",
           path, f->dir);
  assert_string_equal(f->err, want);
}

/* Bug caught: a file that is not SQLite is accepted or overwritten. */
static void test_open_not_a_database(void **state) {
  struct fx *f = *state;
  char junk[4096];
  memset(junk, 'x', sizeof junk);
  write_file(f->path, junk, sizeof junk);
  assert_int_equal(db_open(f->path, &f->db, f->err, sizeof f->err), -1);
  assert_non_null(strstr(f->err, "file is not a database"));
}

/* Bug caught: a corrupt database served (quick_check skipped). */
static void test_open_corrupt(void **state) {
  struct fx *f = *state;
  char body[2000];
  memset(body, 'b', sizeof body);
  assert_int_equal(db_open(f->path, &f->db, f->err, sizeof f->err), 0);
  for (int i = 0; i < 200; i++) {
    int64_t id;
    char *json;
    assert_int_equal(db_create(f->db, "t", 1, body, sizeof body, &id, &json),
                     DB_OK);
    free(json);
  }
  db_close(f->db); /* checkpoints the WAL into the file */
  f->db = NULL;
  int fd = open(f->path, O_WRONLY);
  assert_true(fd >= 0);
  unsigned char junk[200];
  memset(junk, 0xff, sizeof junk);
  assert_int_equal(pwrite(fd, junk, sizeof junk, 4096 * 5),
                   (ssize_t)sizeof junk);
  assert_int_equal(close(fd), 0);
  assert_int_equal(db_open(f->path, &f->db, f->err, sizeof f->err), -1);
  assert_non_null(strstr(f->err, "quick_check failed: "));
  assert_null(strstr(f->err, "***"));
}

/* Root passes every permission check: the permission tests drop the
 * effective ids to nobody (65534) around the call under test. */
static void as_nobody(int on) {
  if (getuid() != 0)
    return;
  if (on) {
    assert_int_equal(setegid(65534), 0);
    assert_int_equal(seteuid(65534), 0);
  } else {
    assert_int_equal(seteuid(0), 0);
    assert_int_equal(setegid(0), 0);
  }
}

/* Bug caught: a read-only file opened read-only without a word (writes
 * would then fail at the first request). */
static void test_open_read_only_file(void **state) {
  struct fx *f = *state;
  assert_int_equal(db_open(f->path, &f->db, f->err, sizeof f->err), 0);
  db_close(f->db);
  f->db = NULL;
  assert_int_equal(chmod(f->dir, 0755), 0);
  assert_int_equal(chmod(f->path, 0444), 0);
  as_nobody(1);
  int rc = db_open(f->path, &f->db, f->err, sizeof f->err);
  as_nobody(0);
  assert_int_equal(rc, -1);
  assert_non_null(strstr(f->err, "read-only"));
}

/* Bug caught: a directory without write permission reported vaguely. */
static void test_open_dir_not_writable(void **state) {
  struct fx *f = *state;
  assert_int_equal(chmod(f->dir, 0555), 0);
  as_nobody(1);
  int rc = db_open(f->path, &f->db, f->err, sizeof f->err);
  as_nobody(0);
  assert_int_equal(rc, -1);
  assert_non_null(strstr(f->err, "permission denied"));
}

/* Bug caught: a directory given as the database path. */
static void test_open_path_is_dir(void **state) {
  struct fx *f = *state;
  assert_int_equal(db_open(f->dir, &f->db, f->err, sizeof f->err), -1);
  assert_non_null(strstr(f->err, "is a directory"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_create_get, setup, teardown),
      cmocka_unit_test_setup_teardown(test_create_empty_body, setup, teardown),
      cmocka_unit_test_setup_teardown(test_create_exact_lengths, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_get_not_found, setup, teardown),
      cmocka_unit_test_setup_teardown(test_list_pages, setup, teardown),
      cmocka_unit_test_setup_teardown(test_list_empty, setup, teardown),
      cmocka_unit_test_setup_teardown(test_replace, setup, teardown),
      cmocka_unit_test_setup_teardown(test_replace_clock_backwards, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
      cmocka_unit_test_setup_teardown(test_commit_failure, setup, teardown),
      cmocka_unit_test_setup_teardown(test_schema_and_pragmas_on_file, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_persistence, setup, teardown),
      cmocka_unit_test_setup_teardown(test_newer_schema_refused, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_open_missing_dir, setup, teardown),
      cmocka_unit_test_setup_teardown(test_open_not_a_database, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_open_corrupt, setup, teardown),
      cmocka_unit_test_setup_teardown(test_open_read_only_file, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_open_dir_not_writable, setup,
                                      teardown),
      cmocka_unit_test_setup_teardown(test_open_path_is_dir, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
