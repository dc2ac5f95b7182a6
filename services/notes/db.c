/* db.c: the notes data layer (see db.h for the contract and the threading
 * model: a write connection and a read connection, each behind its own
 * mutex). */
#include "db.h"

#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <libgen.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <time.h>
#include <unistd.h>

/* The columns of one note as JSON, built by SQLite (no hand-made JSON). */
#define NOTE_JSON                                                          \
  "json_object('id', id, 'title', title, 'body', body, 'created', created," \
  " 'updated', updated)"

/* migrations[v] takes the schema from version v to v + 1. Each runs in the
 * same transaction as the user_version bump, so a crash leaves either the
 * old or the new schema. */
static const char *const migrations[DB_SCHEMA_VERSION] = {
    [0] = "CREATE TABLE notes ("
          " id INTEGER PRIMARY KEY AUTOINCREMENT,"
          " title TEXT NOT NULL,"
          " body TEXT NOT NULL,"
          " created TEXT NOT NULL,"
          " updated TEXT NOT NULL"
          ") STRICT",
};

enum stmt_id {
  ST_BEGIN,
  ST_COMMIT,
  ST_ROLLBACK,
  ST_INSERT,
  ST_GET,
  ST_LIST,
  ST_UPDATE,
  ST_DELETE,
  ST_COUNT
};

static const char *const stmt_sql[ST_COUNT] = {
    [ST_BEGIN] = "BEGIN IMMEDIATE",
    [ST_COMMIT] = "COMMIT",
    [ST_ROLLBACK] = "ROLLBACK",
    [ST_INSERT] = "INSERT INTO notes (title, body, created, updated)"
                  " VALUES (?1, ?2, ?3, ?3)",
    [ST_GET] = "SELECT " NOTE_JSON " FROM notes WHERE id = ?1",
    [ST_LIST] = "SELECT id, " NOTE_JSON " FROM notes WHERE id > ?1"
                " ORDER BY id LIMIT ?2",
    /* Text comparison is chronological for this fixed timestamp format. */
    [ST_UPDATE] = "UPDATE notes SET title = ?2, body = ?3,"
                  " updated = max(created, ?4) WHERE id = ?1",
    [ST_DELETE] = "DELETE FROM notes WHERE id = ?1",
};

/* The statements the read connection prepares. */
static const enum stmt_id read_stmts[] = {ST_GET, ST_LIST};

struct db {
  /* the write connection: every write, one at a time */
  sqlite3 *h;
  pthread_mutex_t mu;
  sqlite3_stmt *st[ST_COUNT];
  /* the read connection (PRAGMA query_only): db_get, db_list; for
   * ":memory:" the write connection itself (rh == h, rmu unused) */
  sqlite3 *rh;
  pthread_mutex_t rmu;
  sqlite3_stmt *rst[ST_COUNT];
  db_clock_fn clock;
  void *clock_arg;
};

static int64_t real_clock(void *arg) {
  (void)arg;
  struct timespec ts;
  if (clock_gettime(CLOCK_REALTIME, &ts) < 0)
    return 0;
  return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void log_stderr(const char *msg) { fprintf(stderr, "notes: %s\n", msg); }

static db_log_fn log_fn = log_stderr;

void db_set_log(db_log_fn fn) { log_fn = fn != NULL ? fn : log_stderr; }

static void db_log(const char *what, sqlite3 *h) {
  char msg[512];
  snprintf(msg, sizeof msg, "%s failure: %s", what, sqlite3_errmsg(h));
  log_fn(msg);
}

int db_format_time(int64_t ms, char *out, size_t outlen) {
  int64_t sec = ms / 1000, frac = ms % 1000;
  if (frac < 0) {
    frac += 1000;
    sec -= 1;
  }
  time_t t = (time_t)sec;
  struct tm tm;
  if (gmtime_r(&t, &tm) == NULL || tm.tm_year < -1900 || tm.tm_year > 9999 - 1900)
    return -1;
  int n = snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                   tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
                   tm.tm_min, tm.tm_sec, (int)frac);
  return (n < 0 || (size_t)n >= outlen) ? -1 : 0;
}

/* --- open ------------------------------------------------------------- */

static const char *errno_text(int e) {
  switch (e) {
  case EACCES:
  case EPERM:
    return "permission denied";
  case EROFS:
    return "read-only file system";
  case ENOENT:
    return "no such file or directory";
  default:
    return strerror(e);
  }
}

/* Why the file system may refuse path: the hint in parentheses after
 * SQLite's own message, empty when nothing looks wrong. */
static void path_hint(const char *path, char *hint, size_t n) {
  hint[0] = '\0';
  if (strcmp(path, ":memory:") == 0 || path[0] == '\0')
    return;
  char copy[4096];
  if (strlen(path) >= sizeof copy)
    return;
  strcpy(copy, path);
  const char *dir = dirname(copy);
  struct stat st;
  if (stat(dir, &st) < 0) {
    if (errno == ENOENT)
      snprintf(hint, n, "directory %s does not exist", dir);
    else
      snprintf(hint, n, "directory %s: %s", dir, errno_text(errno));
    return;
  }
  if (!S_ISDIR(st.st_mode)) {
    snprintf(hint, n, "%s is not a directory", dir);
    return;
  }
  struct statvfs vfs;
  if (statvfs(dir, &vfs) == 0 && (vfs.f_flag & ST_RDONLY)) {
    snprintf(hint, n, "read-only file system");
    return;
  }
  if (stat(path, &st) == 0) {
    if (S_ISDIR(st.st_mode)) {
      snprintf(hint, n, "%s is a directory", path);
      return;
    }
    if (faccessat(AT_FDCWD, path, R_OK | W_OK, AT_EACCESS) < 0) {
      snprintf(hint, n, "%s", errno_text(errno));
      return;
    }
  }
  /* WAL needs to create path-wal and path-shm beside the database. */
  if (faccessat(AT_FDCWD, dir, W_OK | X_OK, AT_EACCESS) < 0)
    snprintf(hint, n, "cannot create files in %s: %s", dir, errno_text(errno));
}

static void open_error(const char *path, const char *cause, char *err,
                       size_t errlen) {
  char hint[4200];
  path_hint(path, hint, sizeof hint);
  if (hint[0] != '\0')
    snprintf(err, errlen, "cannot open %s: %s (%s)", path, cause, hint);
  else
    snprintf(err, errlen, "cannot open %s: %s", path, cause);
}

/* Runs one statement that returns at most one row; copies the first column
 * of that row as text into out (empty if no row). 0 or -1. */
static int exec_text(sqlite3 *h, const char *sql, char *out, size_t outlen) {
  sqlite3_stmt *st = NULL;
  int ret = -1;
  if (out != NULL && outlen > 0)
    out[0] = '\0';
  if (sqlite3_prepare_v2(h, sql, -1, &st, NULL) != SQLITE_OK)
    goto done;
  int rc = sqlite3_step(st);
  if (rc == SQLITE_ROW) {
    const unsigned char *t = sqlite3_column_text(st, 0);
    if (out != NULL && t != NULL)
      snprintf(out, outlen, "%s", (const char *)t);
    rc = sqlite3_step(st);
  }
  if (rc != SQLITE_DONE)
    goto done;
  ret = 0;
done:
  if (sqlite3_finalize(st) != SQLITE_OK)
    ret = -1;
  return ret;
}

/* Sets a pragma and reads it back: fails unless the value reads as want. */
static int pragma_check(sqlite3 *h, const char *set, const char *get,
                        const char *want, const char *path, char *err,
                        size_t errlen) {
  char got[64];
  if (exec_text(h, set, NULL, 0) < 0 || exec_text(h, get, got, sizeof got) < 0) {
    open_error(path, sqlite3_errmsg(h), err, errlen);
    return -1;
  }
  if (strcmp(got, want) != 0) {
    char cause[256];
    snprintf(cause, sizeof cause, "%s reads back \"%s\", want \"%s\"", get,
             got, want);
    open_error(path, cause, err, errlen);
    return -1;
  }
  return 0;
}

/* PRAGMA quick_check: fails with the first problem SQLite reports. */
static int quick_check(sqlite3 *h, const char *path, char *err,
                       size_t errlen) {
  sqlite3_stmt *st = NULL;
  char first[256] = "";
  char cause[320];
  int ok = 0, ret = -1;
  if (sqlite3_prepare_v2(h, "PRAGMA quick_check(4)", -1, &st, NULL) != SQLITE_OK)
    goto sqlerr;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    const char *t = (const char *)sqlite3_column_text(st, 0);
    if (t == NULL)
      continue;
    if (strcmp(t, "ok") == 0)
      ok = 1;
    else if (first[0] == '\0' && strncmp(t, "***", 3) != 0)
      snprintf(first, sizeof first, "%s", t);
  }
  if (rc != SQLITE_DONE)
    goto sqlerr;
  if (ok) {
    ret = 0;
    goto done;
  }
  snprintf(cause, sizeof cause, "quick_check failed: %s",
           first[0] ? first : "no detail");
  open_error(path, cause, err, errlen);
  goto done;
sqlerr:
  snprintf(cause, sizeof cause, "quick_check failed: %s", sqlite3_errmsg(h));
  open_error(path, cause, err, errlen);
done:
  sqlite3_finalize(st);
  return ret;
}

static int rollback_quietly(sqlite3 *h) {
  if (sqlite3_get_autocommit(h))
    return 0;
  return exec_text(h, "ROLLBACK", NULL, 0);
}

/* Creates or migrates the schema. Always takes the write lock, so a
 * database that can be read but not written fails here, at start-up. */
static int migrate(sqlite3 *h, const char *path, char *err, size_t errlen) {
  char text[64];
  char cause[256];
  if (exec_text(h, "BEGIN IMMEDIATE", NULL, 0) < 0)
    goto sqlerr;
  if (exec_text(h, "PRAGMA user_version", text, sizeof text) < 0)
    goto sqlerr;
  long version = strtol(text, NULL, 10);
  if (version < 0 || version > DB_SCHEMA_VERSION) {
    snprintf(cause, sizeof cause,
             "schema version %ld is not supported (this build knows 0..%d)",
             version, DB_SCHEMA_VERSION);
    open_error(path, cause, err, errlen);
    goto fail;
  }
  for (long v = version; v < DB_SCHEMA_VERSION; v++) {
    char bump[64];
    snprintf(bump, sizeof bump, "PRAGMA user_version = %ld", v + 1);
    if (exec_text(h, migrations[v], NULL, 0) < 0 ||
        exec_text(h, bump, NULL, 0) < 0)
      goto sqlerr;
  }
  if (exec_text(h, "COMMIT", NULL, 0) < 0)
    goto sqlerr;
  return 0;
sqlerr:
  open_error(path, sqlite3_errmsg(h), err, errlen);
fail:
  rollback_quietly(h);
  return -1;
}

/* Opens the read connection of a file database into db: busy timeout,
 * PRAGMA query_only (it can never write), the WAL read back, its
 * statements prepared. 0, or -1 with err. */
static int open_reader(const char *path, struct db *db, char *err,
                       size_t errlen) {
  char want[32];
  int rc = sqlite3_open_v2(path, &db->rh,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc != SQLITE_OK) {
    open_error(path, db->rh != NULL ? sqlite3_errmsg(db->rh) : sqlite3_errstr(rc),
               err, errlen);
    return -1;
  }
  sqlite3_extended_result_codes(db->rh, 1);
  snprintf(want, sizeof want, "%d", DB_BUSY_TIMEOUT_MS);
  if (sqlite3_busy_timeout(db->rh, DB_BUSY_TIMEOUT_MS) != SQLITE_OK ||
      pragma_check(db->rh, "PRAGMA query_only = 1", "PRAGMA query_only", "1",
                   path, err, errlen) < 0 ||
      pragma_check(db->rh, "PRAGMA busy_timeout", "PRAGMA busy_timeout", want,
                   path, err, errlen) < 0 ||
      pragma_check(db->rh, "PRAGMA journal_mode", "PRAGMA journal_mode", "wal",
                   path, err, errlen) < 0)
    return -1;
  for (size_t i = 0; i < sizeof read_stmts / sizeof read_stmts[0]; i++) {
    enum stmt_id id = read_stmts[i];
    if (sqlite3_prepare_v3(db->rh, stmt_sql[id], -1, SQLITE_PREPARE_PERSISTENT,
                           &db->rst[id], NULL) != SQLITE_OK) {
      char cause[512];
      snprintf(cause, sizeof cause, "cannot prepare \"%s\" (read connection): %s",
               stmt_sql[id], sqlite3_errmsg(db->rh));
      open_error(path, cause, err, errlen);
      return -1;
    }
  }
  return 0;
}

/* Finalizes the read connection's statements and closes it (not when it
 * is the write connection). */
static void close_reader(struct db *db) {
  if (db->rh == NULL || db->rh == db->h)
    return;
  for (int i = 0; i < ST_COUNT; i++)
    sqlite3_finalize(db->rst[i]);
  if (sqlite3_close(db->rh) != SQLITE_OK)
    db_log("close read connection", db->rh);
  pthread_mutex_destroy(&db->rmu);
}

int db_open(const char *path, struct db **out, char *err, size_t errlen) {
  struct db *db = NULL;
  sqlite3 *h = NULL;
  int mutex_ok = 0, rmutex_ok = 0;
  *out = NULL;
  if (err != NULL && errlen > 0)
    err[0] = '\0';

  /* NOMUTEX: this module serializes every use of the connection itself. */
  int rc = sqlite3_open_v2(path, &h,
                           SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                               SQLITE_OPEN_NOMUTEX,
                           NULL);
  if (rc != SQLITE_OK) {
    open_error(path, h != NULL ? sqlite3_errmsg(h) : sqlite3_errstr(rc), err,
               errlen);
    goto fail;
  }
  sqlite3_extended_result_codes(h, 1);
  /* SQLite silently falls back to read-only when it cannot write the file;
   * a store that cannot keep writes must not start. */
  if (sqlite3_db_readonly(h, "main") == 1) {
    open_error(path, "database is read-only", err, errlen);
    goto fail;
  }
  if (sqlite3_busy_timeout(h, DB_BUSY_TIMEOUT_MS) != SQLITE_OK) {
    open_error(path, sqlite3_errmsg(h), err, errlen);
    goto fail;
  }
  char want[32];
  snprintf(want, sizeof want, "%d", DB_BUSY_TIMEOUT_MS);
  if (pragma_check(h, "PRAGMA busy_timeout", "PRAGMA busy_timeout", want,
                   path, err, errlen) < 0)
    goto fail;
  /* An in-memory database has no file to put a WAL beside. */
  int memory = strcmp(path, ":memory:") == 0;
  if (pragma_check(h, "PRAGMA journal_mode = WAL", "PRAGMA journal_mode",
                   memory ? "memory" : "wal", path, err, errlen) < 0)
    goto fail;
  /* FULL = 2: the WAL is fsync'ed at every commit. */
  if (pragma_check(h, "PRAGMA synchronous = FULL", "PRAGMA synchronous", "2",
                   path, err, errlen) < 0)
    goto fail;
  /* The schema has one table and no references; foreign keys stay off. */
  if (quick_check(h, path, err, errlen) < 0)
    goto fail;
  if (migrate(h, path, err, errlen) < 0)
    goto fail;

  db = calloc(1, sizeof *db);
  if (db == NULL) {
    open_error(path, "out of memory", err, errlen);
    goto fail;
  }
  if (pthread_mutex_init(&db->mu, NULL) != 0) {
    open_error(path, "cannot create mutex", err, errlen);
    goto fail;
  }
  mutex_ok = 1;
  db->h = h;
  db->clock = real_clock;
  for (int i = 0; i < ST_COUNT; i++) {
    if (sqlite3_prepare_v3(h, stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                           &db->st[i], NULL) != SQLITE_OK) {
      char cause[512];
      snprintf(cause, sizeof cause, "cannot prepare \"%s\": %s", stmt_sql[i],
               sqlite3_errmsg(h));
      open_error(path, cause, err, errlen);
      goto fail;
    }
  }
  if (memory || path[0] == '\0') {
    /* another connection to ":memory:" (or to "", a private temporary
     * file) would be another database */
    db->rh = h;
    memcpy(db->rst, db->st, sizeof db->rst);
  } else {
    if (pthread_mutex_init(&db->rmu, NULL) != 0) {
      open_error(path, "cannot create mutex", err, errlen);
      goto fail;
    }
    rmutex_ok = 1;
    if (open_reader(path, db, err, errlen) < 0)
      goto fail;
  }
  *out = db;
  return 0;
fail:
  if (db != NULL) {
    if (db->rh != NULL && db->rh != h) {
      for (int i = 0; i < ST_COUNT; i++)
        sqlite3_finalize(db->rst[i]);
      sqlite3_close_v2(db->rh);
    }
    if (rmutex_ok)
      pthread_mutex_destroy(&db->rmu);
    for (int i = 0; i < ST_COUNT; i++)
      sqlite3_finalize(db->st[i]);
    if (mutex_ok)
      pthread_mutex_destroy(&db->mu);
    free(db);
  }
  sqlite3_close_v2(h);
  return -1;
}

void db_close(struct db *db) {
  if (db == NULL)
    return;
  close_reader(db);
  for (int i = 0; i < ST_COUNT; i++)
    sqlite3_finalize(db->st[i]);
  if (sqlite3_close(db->h) != SQLITE_OK)
    db_log("close", db->h);
  pthread_mutex_destroy(&db->mu);
  free(db);
}

void db_set_clock(struct db *db, db_clock_fn fn, void *arg) {
  pthread_mutex_lock(&db->mu);
  db->clock = fn != NULL ? fn : real_clock;
  db->clock_arg = fn != NULL ? arg : NULL;
  pthread_mutex_unlock(&db->mu);
}

/* --- operations (caller holds db->mu) ---------------------------------- */

/* Steps a statement that returns no row, then resets it. 0 or -1. */
static int step_done(struct db *db, enum stmt_id id) {
  sqlite3_stmt *st = db->st[id];
  int rc = sqlite3_step(st);
  if (rc != SQLITE_DONE)
    db_log(stmt_sql[id], db->h);
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  return rc == SQLITE_DONE ? 0 : -1;
}

/* Undoes an open transaction after a failure; the error that caused it was
 * logged already. */
static void rollback(struct db *db) {
  if (!sqlite3_get_autocommit(db->h))
    step_done(db, ST_ROLLBACK);
}

/* Fetches one note through connection h and its ST_GET statement st. */
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
  char now[32];
  *json = NULL;
  pthread_mutex_lock(&db->mu);
  if (db_format_time(db->clock(db->clock_arg), now, sizeof now) < 0) {
    log_fn("insert failure: clock out of range");
    goto done;
  }
  if (step_done(db, ST_BEGIN) < 0)
    goto done;
  sqlite3_stmt *st = db->st[ST_INSERT];
  if (bind_texts(st, 1, title, title_len, body, body_len) < 0 ||
      sqlite3_bind_text(st, 3, now, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
    db_log("bind insert", db->h);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    goto done;
  }
  if (step_done(db, ST_INSERT) < 0)
    goto done;
  int64_t rowid = sqlite3_last_insert_rowid(db->h);
  if (get_locked(db->h, db->st[ST_GET], rowid, json) != DB_OK)
    goto done;
  /* The acknowledgement point: COMMIT returned, the WAL is on disk. */
  if (step_done(db, ST_COMMIT) < 0)
    goto done;
  *id = rowid;
  ret = DB_OK;
done:
  if (ret != DB_OK) {
    rollback(db);
    free(*json);
    *json = NULL;
  }
  pthread_mutex_unlock(&db->mu);
  return ret;
}

/* The read connection's lock: its own, or the writer's for ":memory:". */
static pthread_mutex_t *read_lock(struct db *db) {
  return db->rh == db->h ? &db->mu : &db->rmu;
}

enum db_result db_get(struct db *db, int64_t id, char **json) {
  pthread_mutex_t *mu = read_lock(db);
  pthread_mutex_lock(mu);
  enum db_result ret = get_locked(db->rh, db->rst[ST_GET], id, json);
  pthread_mutex_unlock(mu);
  return ret;
}

/* A growable string for the page; only concatenates JSON texts that SQLite
 * produced (no parsing). */
struct buf {
  char *p;
  size_t len, cap;
};

static int buf_add(struct buf *b, const char *s, size_t n) {
  if (b->len + n + 1 > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n + 1)
      cap *= 2;
    char *p = realloc(b->p, cap);
    if (p == NULL)
      return -1;
    b->p = p;
    b->cap = cap;
  }
  memcpy(b->p + b->len, s, n);
  b->len += n;
  b->p[b->len] = '\0';
  return 0;
}

enum db_result db_list(struct db *db, int64_t after, int limit, char **json) {
  sqlite3_stmt *st = db->rst[ST_LIST];
  pthread_mutex_t *mu = read_lock(db);
  struct buf b = {0};
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
  if (buf_add(&b, "{\"notes\":[", 10) < 0)
    goto done;
  int rc;
  while ((rc = sqlite3_step(st)) == SQLITE_ROW) {
    if (count == limit) {
      more = 1;
      break;
    }
    const char *t = (const char *)sqlite3_column_text(st, 1);
    if (t == NULL)
      goto sqlerr;
    if ((count > 0 && buf_add(&b, ",", 1) < 0) ||
        buf_add(&b, t, (size_t)sqlite3_column_bytes(st, 1)) < 0)
      goto done;
    last = sqlite3_column_int64(st, 0);
    count++;
  }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    goto sqlerr;
  char tail[48];
  if (more)
    snprintf(tail, sizeof tail, "],\"next\":%" PRId64 "}", last);
  else
    snprintf(tail, sizeof tail, "],\"next\":null}");
  if (buf_add(&b, tail, strlen(tail)) < 0)
    goto done;
  *json = b.p;
  b.p = NULL;
  ret = DB_OK;
  goto done;
sqlerr:
  db_log("list notes", db->rh);
done:
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  pthread_mutex_unlock(mu);
  free(b.p);
  return ret;
}

enum db_result db_replace(struct db *db, int64_t id, const char *title,
                          size_t title_len, const char *body, size_t body_len,
                          char **json) {
  enum db_result ret = DB_ERROR;
  char now[32];
  *json = NULL;
  pthread_mutex_lock(&db->mu);
  if (db_format_time(db->clock(db->clock_arg), now, sizeof now) < 0) {
    log_fn("update failure: clock out of range");
    goto done;
  }
  if (step_done(db, ST_BEGIN) < 0)
    goto done;
  sqlite3_stmt *st = db->st[ST_UPDATE];
  if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK ||
      bind_texts(st, 2, title, title_len, body, body_len) < 0 ||
      sqlite3_bind_text(st, 4, now, -1, SQLITE_TRANSIENT) != SQLITE_OK) {
    db_log("bind update", db->h);
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    goto done;
  }
  if (step_done(db, ST_UPDATE) < 0)
    goto done;
  if (sqlite3_changes(db->h) == 0) {
    ret = DB_NOT_FOUND;
    goto done;
  }
  if (get_locked(db->h, db->st[ST_GET], id, json) != DB_OK)
    goto done;
  if (step_done(db, ST_COMMIT) < 0)
    goto done;
  ret = DB_OK;
done:
  if (ret != DB_OK) {
    rollback(db);
    free(*json);
    *json = NULL;
  }
  pthread_mutex_unlock(&db->mu);
  return ret;
}

enum db_result db_delete(struct db *db, int64_t id) {
  enum db_result ret = DB_ERROR;
  pthread_mutex_lock(&db->mu);
  sqlite3_stmt *st = db->st[ST_DELETE];
  if (sqlite3_bind_int64(st, 1, id) != SQLITE_OK) {
    db_log("bind delete", db->h);
    goto done;
  }
  /* Autocommit: SQLITE_DONE means committed (and synced). */
  if (step_done(db, ST_DELETE) < 0)
    goto done;
  ret = sqlite3_changes(db->h) == 0 ? DB_NOT_FOUND : DB_OK;
done:
  sqlite3_reset(st);
  sqlite3_clear_bindings(st);
  pthread_mutex_unlock(&db->mu);
  return ret;
}
