/* db.h: the notes data layer over SQLite.
 *
 * Two SQLite connections per struct db, each behind its own mutex:
 *  - the write connection runs every write (db_create, db_replace,
 *    db_delete), one at a time: SQLite has one writer anyway, and one
 *    connection keeps prepared statements, transactions and error
 *    messages consistent (no interleaving between BEGIN and COMMIT);
 *  - the read connection (PRAGMA query_only) runs db_get and db_list. In
 *    WAL mode it reads the last committed state while the writer holds its
 *    write lock or waits for the fsync of a COMMIT, so reads never queue
 *    behind a write. A ":memory:" database has only the write connection
 *    (a second one would open another, empty, database).
 * notes' API (api.c) calls the writes from one worker thread and the reads
 * from another, off the event loop; any thread may call any function.
 *
 * Durability: the database runs with journal_mode=WAL and synchronous=FULL.
 * A write function returns success only after its COMMIT returned
 * SQLITE_DONE, i.e. after the WAL was fsync'ed: a caller may acknowledge
 * the write to a client at that point.
 *
 * Note JSON, as produced by SQLite's json_object():
 *   {"id":1,"title":"...","body":"...","created":"...","updated":"..."}
 * with created/updated in UTC RFC 3339 with milliseconds
 * ("2026-11-28T00:45:12.345Z", rfc3339.h), taken from the clock seam.
 *
 * Failures of the operations are logged with svc_log (log.h) as one line,
 * "<operation> failure: <cause>". */
#ifndef SL_NOTES_DB_H
#define SL_NOTES_DB_H

#include <stddef.h>
#include <stdint.h>

/* The schema version this build writes (PRAGMA user_version). */
#define DB_SCHEMA_VERSION 1
/* How long a statement waits for a lock held by another process (ms). */
#define DB_BUSY_TIMEOUT_MS 5000

struct db;

/* Result of the operations that address one note. */
enum db_result {
  DB_ERROR = -1, /* SQLite failed; logged (svc_log) */
  DB_OK = 0,
  DB_NOT_FOUND = 1, /* no note with that id */
};

/* Clock seam: milliseconds since the Unix epoch (UTC). */
typedef int64_t (*db_clock_fn)(void *arg);

/* Opens (creating if needed) the database at path (":memory:" for a private
 * in-memory database), sets and reads back the pragmas (WAL, synchronous
 * FULL, busy timeout), runs PRAGMA quick_check, creates or migrates the
 * schema and prepares every statement. On success *out owns the handle
 * (free with db_close) and 0 is returned. On failure returns -1, *out is
 * NULL and err holds one line such as
 *   cannot open /x/notes.db: unable to open database file (directory /x does not exist)
 * Nothing is left open. */
int db_open(const char *path, struct db **out, char *err, size_t errlen);

/* Finalizes every statement and closes the connection. NULL is a no-op. */
void db_close(struct db *db);

/* Replaces the clock (default: CLOCK_REALTIME). fn NULL restores it. */
void db_set_clock(struct db *db, db_clock_fn fn, void *arg);

/* Creates a note. title/body are UTF-8 of the given lengths (validated by
 * the caller). On DB_OK *json is the stored note (caller frees with free())
 * and *id its id. Returns DB_OK or DB_ERROR. */
enum db_result db_create(struct db *db, const char *title, size_t title_len,
                         const char *body, size_t body_len, int64_t *id,
                         char **json);

/* Fetches one note. DB_OK with *json (caller frees), DB_NOT_FOUND, or
 * DB_ERROR. */
enum db_result db_get(struct db *db, int64_t id, char **json);

/* One page of notes with id > after, in id order, at most limit (>= 1).
 * *json is {"notes":[...],"next":N} where next is the id to pass as after
 * for the next page, or null when this page is the last. Caller frees.
 * Returns DB_OK or DB_ERROR. */
enum db_result db_list(struct db *db, int64_t after, int limit, char **json);

/* Replaces title and body of a note and sets updated to now (never earlier
 * than created). DB_OK with *json (caller frees), DB_NOT_FOUND, DB_ERROR. */
enum db_result db_replace(struct db *db, int64_t id, const char *title,
                          size_t title_len, const char *body, size_t body_len,
                          char **json);

/* Deletes a note. DB_OK, DB_NOT_FOUND or DB_ERROR. */
enum db_result db_delete(struct db *db, int64_t id);

#endif
