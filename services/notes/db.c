/* db.c: the notes data layer's statements (see db.h for the contract
 * and the threading model: a write connection and a read connection, each
 * behind its own mutex). Opening and closing: db_open.c. */
#include "db.h"

#include <inttypes.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "db_int.h"
#include "log.h"
#include "rfc3339.h"
#include "sb.h"

/* The columns of one note as JSON, built by SQLite (no hand-made JSON). */
#define NOTE_JSON                                                              \
  "json_object('id', id, 'title', title, 'body', body, 'created', created,"    \
  " 'updated', updated)"

const char *const db_stmt_sql[DB_ST_COUNT] = {
    [DB_ST_BEGIN] = "BEGIN IMMEDIATE",
    [DB_ST_COMMIT] = "COMMIT",
    [DB_ST_ROLLBACK] = "ROLLBACK",
    [DB_ST_INSERT] = "INSERT INTO notes (title, body, created, updated)"
                     " VALUES (?1, ?2, ?3, ?3)",
    [DB_ST_GET] = "SELECT " NOTE_JSON " FROM notes WHERE id = ?1",
    [DB_ST_LIST] = "SELECT id, " NOTE_JSON " FROM notes WHERE id > ?1"
                   " ORDER BY id LIMIT ?2",
    /* Text comparison is chronological for this fixed timestamp format. */
    [DB_ST_UPDATE] = "UPDATE notes SET title = ?2, body = ?3,"
                     " updated = max(created, ?4) WHERE id = ?1",
    [DB_ST_DELETE] = "DELETE FROM notes WHERE id = ?1",
};

/* The statements the read connection prepares. */
const enum db_stmt db_read_stmts[] = {DB_ST_GET, DB_ST_LIST};
const size_t db_nread_stmts = sizeof db_read_stmts / sizeof db_read_stmts[0];

int64_t db_real_clock(void *arg) {
  (void)arg;
  struct timespec ts;
  if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
    return 0;
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void db_log(const char *what, sqlite3 *h) {
  svc_log(SVC_LOG_ERROR, "%s failure: %s", what, sqlite3_errmsg(h));
}

void db_set_clock(struct db *db, db_clock_fn fn, void *arg) {
  pthread_mutex_lock(&db->mu);
  db->clock = fn != NULL ? fn : db_real_clock;
  db->clock_arg = fn != NULL ? arg : NULL;
  pthread_mutex_unlock(&db->mu);
}

/* --- operations (caller holds db->mu) ---------------------------------- */

/* Steps a statement that returns no row, then resets it. 0 or -1. */
static int step_done(struct db *db, enum db_stmt id) {
  sqlite3_stmt *st = db->st[id];
  int rc = sqlite3_step(st);
  if (rc != SQLITE_DONE)
    db_log(db_stmt_sql[id], db->h);
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

/* Undoes an open transaction after a failure; the error that caused it was
 * logged already. */
static void rollback(struct db *db) {
  if (!sqlite3_get_autocommit(db->h))
    step_done(db, DB_ST_ROLLBACK);
}

/* The start of a write that stamps the note (the lock held): the time
 * now into now[RFC3339_MS_SIZE], then BEGIN. -1 (logged) on failure. */
static int begin_write(struct db *db, char *now, const char *what) {
  if (rfc3339_ms(db->clock(db->clock_arg), now, RFC3339_MS_SIZE) < 0) {
    svc_log(SVC_LOG_ERROR, "%s failure: clock out of range", what);
    return -1;
  }
  return step_done(db, DB_ST_BEGIN);
}

/* The end of a write that answers with the note: on failure the
 * transaction is rolled back and the answer dropped; the lock released. */
static enum db_result end_write(struct db *db, enum db_result ret,
                                char **json) {
  if (ret != DB_OK) {
    rollback(db);
    free(*json);
    *json = NULL;
  }
  pthread_mutex_unlock(&db->mu);
  return ret;
}

/* Fetches one note through connection h and its DB_ST_GET statement st. */
static enum db_result get_locked(sqlite3 *h, sqlite3_stmt *st, int64_t id,
                                 char **json) {
  enum db_result ret = DB_ERROR;
  *json = NULL;
  if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK)
    goto done;
  int rc = sqlite3_step(st);
  if (rc == SQLITE_DONE) {
    ret = DB_NOT_FOUND;
    goto done;
  }
  if (rc != SQLITE_ROW)
    goto done;
  const char *t = (const char *)sqlite3_column_text(st, 0);
  if (t == NULL)
    goto done;
  *json = strdup(t);
  if (*json != NULL)
    ret = DB_OK;
done:
  if (ret == DB_ERROR)
    db_log("select note", h);
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return ret;
}

static int bind_texts(sqlite3_stmt *st, int first, const char *a, size_t alen,
                      const char *b, size_t blen) {
  /* Empty strings must bind as '' (NOT NULL), not as NULL. */
  if (sqlite3_bind_text64(st, first, alen ? a : "", alen, SQLITE_STATIC,
                          SQLITE_UTF8) != SQLITE_OK)
    return -1;
  if (sqlite3_bind_text64(st, first + 1, blen ? b : "", blen, SQLITE_STATIC,
                          SQLITE_UTF8) != SQLITE_OK)
    return -1;
  return 0;
}

enum db_result db_create(struct db *db, const char *title, size_t title_len,
                         const char *body, size_t body_len, int64_t *id,
                         char **json) {
  enum db_result ret = DB_ERROR;
  char now[RFC3339_MS_SIZE];
  *json = NULL;
  pthread_mutex_lock(&db->mu);
  if (begin_write(db, now, "insert") < 0)
    goto done;
  sqlite3_stmt *st = db->st[DB_ST_INSERT];
  if (bind_texts(st, 1, title, title_len, body, body_len) < 0 ||
      sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
    db_log("bind insert", db->h);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    goto done;
  }
  if (step_done(db, DB_ST_INSERT) < 0)
    goto done;
  int64_t rowid = sqlite3_last_insert_rowid(db->h);
  if (get_locked(db->h, db->st[DB_ST_GET], rowid, json) != DB_OK)
    goto done;
  /* The acknowledgement point: COMMIT returned, the WAL is on disk. */
  if (step_done(db, DB_ST_COMMIT) < 0)
    goto done;
  *id = rowid;
  ret = DB_OK;
done:
  return end_write(db, ret, json);
}

/* The read connection's lock: its own, or the writer's for ":memory:". */
static pthread_mutex_t *read_lock(struct db *db) {
  return db->rh == db->h ? &db->mu : &db->rmu;
}

enum db_result db_get(struct db *db, int64_t id, char **json) {
  pthread_mutex_t *mu = read_lock(db);
  pthread_mutex_lock(mu);
  enum db_result ret = get_locked(db->rh, db->rst[DB_ST_GET], id, json);
  pthread_mutex_unlock(mu);
  return ret;
}

enum db_result db_list(struct db *db, int64_t after, int limit, char **json) {
  sqlite3_stmt *st = db->rst[DB_ST_LIST];
  pthread_mutex_t *mu = read_lock(db);
  struct sb b = SB_INIT;
  enum db_result ret = DB_ERROR;
  int count = 0, more = 0;
  int64_t last = 0;
  *json = NULL;
  if (limit < 1)
    return DB_ERROR;
  pthread_mutex_lock(mu);
  /* One row beyond the page tells whether a next page exists. */
  if (sqlite3_bind_int64(st, 1, after) != SQLITE_OK ||
      sqlite3_bind_int64(st, 2, (int64_t)limit + 1) != SQLITE_OK)
    goto sqlerr;
  sb_puts(&b, "{\"notes\":[");
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (count == limit) {
      more = 1;
      break;
    }
    const char *t = (const char *)sqlite3_column_text(st, 1);
    if (t == NULL)
      goto sqlerr;
    if (count > 0)
      sb_append(&b, ",", 1);
    sb_append(&b, t, (size_t)sqlite3_column_bytes(st, 1));
    last = sqlite3_column_int64(st, 0);
    count++;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    goto sqlerr;
  if (more)
    sb_printf(&b, "],\"next\":%" PRId64 "}", last);
  else
    sb_puts(&b, "],\"next\":null}");
  *json = sb_steal(&b, NULL); /* NULL if an append failed */
  if (*json != NULL)
    ret = DB_OK;
  goto done;
sqlerr:
  db_log("list notes", db->rh);
done:
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  pthread_mutex_unlock(mu);
  sb_free(&b);
  return ret;
}

enum db_result db_replace(struct db *db, int64_t id, const char *title,
                          size_t title_len, const char *body, size_t body_len,
                          char **json) {
  enum db_result ret = DB_ERROR;
  char now[RFC3339_MS_SIZE];
  *json = NULL;
  pthread_mutex_lock(&db->mu);
  if (begin_write(db, now, "update") < 0)
    goto done;
  sqlite3_stmt *st = db->st[DB_ST_UPDATE];
  if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
      bind_texts(st, 2, title, title_len, body, body_len) < 0 ||
      sqlite3_bind_text(st, 4, now, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
    db_log("bind update", db->h);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    goto done;
  }
  if (step_done(db, DB_ST_UPDATE) < 0)
    goto done;
  if (sqlite3_changes(db->h) == 0) {
    ret = DB_NOT_FOUND;
    goto done;
  }
  if (get_locked(db->h, db->st[DB_ST_GET], id, json) != DB_OK)
    goto done;
  if (step_done(db, DB_ST_COMMIT) < 0)
    goto done;
  ret = DB_OK;
done:
  return end_write(db, ret, json);
}

enum db_result db_delete(struct db *db, int64_t id) {
  enum db_result ret = DB_ERROR;
  pthread_mutex_lock(&db->mu);
  sqlite3_stmt *st = db->st[DB_ST_DELETE];
  if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK) {
    db_log("bind delete", db->h);
    goto done;
  }
  /* Autocommit: SQLITE_DONE means committed (and synced). */
  if (step_done(db, DB_ST_DELETE) < 0)
    goto done;
  ret = sqlite3_changes(db->h) == 0 ? DB_NOT_FOUND : DB_OK;
done:
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  pthread_mutex_unlock(&db->mu);
  return ret;
}
