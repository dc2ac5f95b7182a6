/* db_open.c: opening the notes database (see db.h): the pragmas set and
 * read back, quick_check, the schema created or migrated, both
 * connections and their statements; closing it. */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include "db.h"
#include "db_int.h"

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
  if (exec_text(h, set, NULL, 0) < 0 ||
      exec_text(h, get, got, sizeof got) < 0) {
    open_error(path, sqlite3_errmsg(h), err, errlen);
    return -1;
  }
  if (strcmp(got, want) != 0) {
    char cause[256];
    snprintf(cause, sizeof cause, "%s reads back \"%s\", want \"%s\"", get, got,
             want);
    open_error(path, cause, err, errlen);
    return -1;
  }
  return 0;
}

/* PRAGMA quick_check: fails with the first problem SQLite reports. */
static int quick_check(sqlite3 *h, const char *path, char *err, size_t errlen) {
  sqlite3_stmt *st = NULL;
  char first[256] = "";
  char cause[320];
  int ok = 0, ret = -1;
  if (sqlite3_prepare_v2(h, "PRAGMA quick_check(4)", -1, &st, NULL) !=
      SQLITE_OK)
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
    open_error(path,
               db->rh != NULL ? sqlite3_errmsg(db->rh) : sqlite3_errstr(rc),
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
  for (size_t i = 0; i < db_nread_stmts; i++) {
    enum db_stmt id = db_read_stmts[i];
    if (sqlite3_prepare_v3(db->rh, db_stmt_sql[id], -1,
                           SQLITE_PREPARE_PERSISTENT, &db->rst[id],
                           NULL) != SQLITE_OK) {
      char cause[512];
      snprintf(cause, sizeof cause,
               "cannot prepare \"%s\" (read connection): %s", db_stmt_sql[id],
               sqlite3_errmsg(db->rh));
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
  for (int i = 0; i < DB_ST_COUNT; i++)
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
  int rc = sqlite3_open_v2(
      path, &h,
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, NULL);
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
  if (pragma_check(h, "PRAGMA busy_timeout", "PRAGMA busy_timeout", want, path,
                   err, errlen) < 0)
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
  db->clock = db_real_clock;
  for (int i = 0; i < DB_ST_COUNT; i++) {
    if (sqlite3_prepare_v3(h, db_stmt_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                           &db->st[i], NULL) != SQLITE_OK) {
      char cause[512];
      snprintf(cause, sizeof cause, "cannot prepare \"%s\": %s", db_stmt_sql[i],
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
      for (int i = 0; i < DB_ST_COUNT; i++)
        sqlite3_finalize(db->rst[i]);
      sqlite3_close_v2(db->rh);
    }
    if (rmutex_ok)
      pthread_mutex_destroy(&db->rmu);
    for (int i = 0; i < DB_ST_COUNT; i++)
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
  for (int i = 0; i < DB_ST_COUNT; i++)
    sqlite3_finalize(db->st[i]);
  if (sqlite3_close(db->h) != SQLITE_OK)
    db_log("close", db->h);
  pthread_mutex_destroy(&db->mu);
  free(db);
}
