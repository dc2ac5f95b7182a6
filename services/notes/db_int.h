/* db_int.h: what the notes data layer's two files share: db.c (the
 * statements) and db_open.c (opening, checks, migration, closing). Not for
 * callers of db.h. */
#ifndef SL_NOTES_DB_INT_H
#define SL_NOTES_DB_INT_H

#include <pthread.h>
#include <sqlite3.h>
#include <stddef.h>
#include <stdint.h>

#include "db.h"

enum db_stmt {
  DB_ST_BEGIN,
  DB_ST_COMMIT,
  DB_ST_ROLLBACK,
  DB_ST_INSERT,
  DB_ST_GET,
  DB_ST_LIST,
  DB_ST_UPDATE,
  DB_ST_DELETE,
  DB_ST_COUNT
};

/* The SQL of each statement, prepared once on the write connection. */
extern const char *const db_stmt_sql[DB_ST_COUNT];
/* The statements the read connection prepares. */
extern const enum db_stmt db_read_stmts[];
extern const size_t db_nread_stmts;

struct db {
  /* the write connection: every write, one at a time */
  sqlite3 *h;
  pthread_mutex_t mu;
  sqlite3_stmt *st[DB_ST_COUNT];
  /* the read connection (PRAGMA query_only): db_get, db_list; for
   * ":memory:" the write connection itself (rh == h, rmu unused) */
  sqlite3 *rh;
  pthread_mutex_t rmu;
  sqlite3_stmt *rst[DB_ST_COUNT];
  db_clock_fn clock;
  void *clock_arg;
};

/* Logs "<what> failure: <SQLite's message for h>" (svc_log, an error). */
void db_log(const char *what, sqlite3 *h);

/* The default clock: CLOCK_REALTIME in milliseconds since the epoch. */
int64_t db_real_clock(void *arg);

#endif
