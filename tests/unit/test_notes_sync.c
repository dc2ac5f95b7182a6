/* test_notes_sync.c: notes' reads do not queue behind a write's fsync,
 * and a write is acknowledged only after its COMMIT returned.
 *
 * A shim SQLite VFS ("gated"), registered as the default over the real
 * "unix" one, passes every call through, but xSync waits while the test
 * holds its gate closed: an fsync made as slow as the test wants, without
 * a timing assumption. The notes API runs on a real database file with its
 * real workers (api_open); requests are fake ones (svc.h), answered
 * in-process through svc_defer / svc_await. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sqlite3.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../services/notes/api.h"
#include "svc.h"

/* How long the test waits for something that must happen (a hang turned
 * into a failure): far above any fsync or query. */
#define HANG_SEC 20

/* ---- the gate ----------------------------------------------------------- */

static pthread_mutex_t gate_mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t gate_cv = PTHREAD_COND_INITIALIZER;
static bool gate_closed;
static int syncs_waiting; /* xSync calls held at the gate now */
static int syncs_done;

static void gate_set(bool closed) {
  pthread_mutex_lock(&gate_mu);
  gate_closed = closed;
  pthread_cond_broadcast(&gate_cv);
  pthread_mutex_unlock(&gate_mu);
}

static struct timespec deadline(void) {
  struct timespec t;
  clock_gettime(CLOCK_REALTIME, &t);
  t.tv_sec += HANG_SEC;
  return t;
}

/* Waits until at least n syncs wait at the gate; false after HANG_SEC. */
static bool wait_for_sync(int n) {
  struct timespec until = deadline();
  pthread_mutex_lock(&gate_mu);
  while (syncs_waiting < n &&
         pthread_cond_timedwait(&gate_cv, &gate_mu, &until) == 0)
    ;
  bool ok = syncs_waiting >= n;
  pthread_mutex_unlock(&gate_mu);
  return ok;
}

/* ---- the shim VFS: everything forwarded, xSync gated ---------------------- */

static sqlite3_vfs *real_vfs;
static sqlite3_vfs gated_vfs;

struct gated_file {
  sqlite3_file base;
  sqlite3_file *real; /* the real VFS's file, right after this struct */
};
#define REAL(f) (((struct gated_file *)(f))->real)

static int g_close(sqlite3_file *f) {
  return REAL(f)->pMethods->xClose(REAL(f));
}
static int g_read(sqlite3_file *f, void *b, int n, sqlite3_int64 o) {
  return REAL(f)->pMethods->xRead(REAL(f), b, n, o);
}
static int g_write(sqlite3_file *f, const void *b, int n, sqlite3_int64 o) {
  return REAL(f)->pMethods->xWrite(REAL(f), b, n, o);
}
static int g_truncate(sqlite3_file *f, sqlite3_int64 size) {
  return REAL(f)->pMethods->xTruncate(REAL(f), size);
}
static int g_sync(sqlite3_file *f, int flags) {
  pthread_mutex_lock(&gate_mu);
  syncs_waiting++;
  pthread_cond_broadcast(&gate_cv);
  while (gate_closed)
    pthread_cond_wait(&gate_cv, &gate_mu);
  syncs_waiting--;
  pthread_mutex_unlock(&gate_mu);
  int rc = REAL(f)->pMethods->xSync(REAL(f), flags);
  pthread_mutex_lock(&gate_mu);
  syncs_done++;
  pthread_mutex_unlock(&gate_mu);
  return rc;
}
static int g_size(sqlite3_file *f, sqlite3_int64 *size) {
  return REAL(f)->pMethods->xFileSize(REAL(f), size);
}
static int g_lock(sqlite3_file *f, int l) {
  return REAL(f)->pMethods->xLock(REAL(f), l);
}
static int g_unlock(sqlite3_file *f, int l) {
  return REAL(f)->pMethods->xUnlock(REAL(f), l);
}
static int g_reserved(sqlite3_file *f, int *out) {
  return REAL(f)->pMethods->xCheckReservedLock(REAL(f), out);
}
static int g_control(sqlite3_file *f, int op, void *arg) {
  return REAL(f)->pMethods->xFileControl(REAL(f), op, arg);
}
static int g_sector(sqlite3_file *f) {
  return REAL(f)->pMethods->xSectorSize(REAL(f));
}
static int g_device(sqlite3_file *f) {
  return REAL(f)->pMethods->xDeviceCharacteristics(REAL(f));
}
static int g_shm_map(sqlite3_file *f, int pg, int sz, int ext,
                     void volatile **p) {
  return REAL(f)->pMethods->xShmMap(REAL(f), pg, sz, ext, p);
}
static int g_shm_lock(sqlite3_file *f, int off, int n, int flags) {
  return REAL(f)->pMethods->xShmLock(REAL(f), off, n, flags);
}
static void g_shm_barrier(sqlite3_file *f) {
  REAL(f)->pMethods->xShmBarrier(REAL(f));
}
static int g_shm_unmap(sqlite3_file *f, int del) {
  return REAL(f)->pMethods->xShmUnmap(REAL(f), del);
}
static int g_fetch(sqlite3_file *f, sqlite3_int64 o, int n, void **p) {
  return REAL(f)->pMethods->xFetch(REAL(f), o, n, p);
}
static int g_unfetch(sqlite3_file *f, sqlite3_int64 o, void *p) {
  return REAL(f)->pMethods->xUnfetch(REAL(f), o, p);
}

static const sqlite3_io_methods gated_io = {.iVersion = 3,
                                            .xClose = g_close,
                                            .xRead = g_read,
                                            .xWrite = g_write,
                                            .xTruncate = g_truncate,
                                            .xSync = g_sync,
                                            .xFileSize = g_size,
                                            .xLock = g_lock,
                                            .xUnlock = g_unlock,
                                            .xCheckReservedLock = g_reserved,
                                            .xFileControl = g_control,
                                            .xSectorSize = g_sector,
                                            .xDeviceCharacteristics = g_device,
                                            .xShmMap = g_shm_map,
                                            .xShmLock = g_shm_lock,
                                            .xShmBarrier = g_shm_barrier,
                                            .xShmUnmap = g_shm_unmap,
                                            .xFetch = g_fetch,
                                            .xUnfetch = g_unfetch};

static int v_open(sqlite3_vfs *v, const char *name, sqlite3_file *f, int flags,
                  int *out) {
  struct gated_file *g = (struct gated_file *)f;
  (void)v;
  g->real = (sqlite3_file *)(g + 1);
  memset(g->real, 0, (size_t)real_vfs->szOsFile);
  int rc = real_vfs->xOpen(real_vfs, name, g->real, flags, out);
  g->base.pMethods = g->real->pMethods != NULL ? &gated_io : NULL;
  return rc;
}
static int v_delete(sqlite3_vfs *v, const char *name, int dir) {
  (void)v;
  return real_vfs->xDelete(real_vfs, name, dir);
}
static int v_access(sqlite3_vfs *v, const char *name, int flags, int *out) {
  (void)v;
  return real_vfs->xAccess(real_vfs, name, flags, out);
}
static int v_full(sqlite3_vfs *v, const char *name, int n, char *out) {
  (void)v;
  return real_vfs->xFullPathname(real_vfs, name, n, out);
}
static int v_random(sqlite3_vfs *v, int n, char *out) {
  (void)v;
  return real_vfs->xRandomness(real_vfs, n, out);
}
static int v_sleep(sqlite3_vfs *v, int us) {
  (void)v;
  return real_vfs->xSleep(real_vfs, us);
}
static int v_time(sqlite3_vfs *v, double *out) {
  (void)v;
  return real_vfs->xCurrentTime(real_vfs, out);
}
static int v_error(sqlite3_vfs *v, int n, char *out) {
  (void)v;
  return real_vfs->xGetLastError(real_vfs, n, out);
}
static int v_time64(sqlite3_vfs *v, sqlite3_int64 *out) {
  (void)v;
  return real_vfs->xCurrentTimeInt64(real_vfs, out);
}

static void register_gated_vfs(void) {
  real_vfs = sqlite3_vfs_find("unix");
  assert_non_null(real_vfs);
  gated_vfs = (sqlite3_vfs){.iVersion = 2,
                            .szOsFile = (int)sizeof(struct gated_file) +
                                        real_vfs->szOsFile,
                            .mxPathname = real_vfs->mxPathname,
                            .zName = "gated",
                            .xOpen = v_open,
                            .xDelete = v_delete,
                            .xAccess = v_access,
                            .xFullPathname = v_full,
                            .xRandomness = v_random,
                            .xSleep = v_sleep,
                            .xCurrentTime = v_time,
                            .xGetLastError = v_error,
                            .xCurrentTimeInt64 = v_time64};
  assert_int_equal(sqlite3_vfs_register(&gated_vfs, 1), SQLITE_OK);
}

/* ---- requests ----------------------------------------------------------- */

static const struct svc_kv json_headers[] = {
    {"Content-Type", "application/json"}, {NULL, NULL}};

struct call {
  void *ctx;
  const char *method, *path, *body;
  struct svc_response resp;
  char param[64];
  bool done;
};

static void call_run(struct call *c) {
  struct svc_request req = {.method = c->method,
                            .path = c->path,
                            .version = "HTTP/1.1",
                            .body = c->body,
                            .body_len = c->body != NULL ? strlen(c->body) : 0,
                            .remote_addr = "127.0.0.1",
                            .ctx = c->ctx,
                            .headers = json_headers};
  memset(&c->resp, 0, sizeof c->resp);
  svc_dispatch(notes_routes, notes_nroutes, &req, &c->resp, c->param,
               sizeof c->param);
}

static void *call_thread(void *arg) {
  struct call *c = arg;
  call_run(c);
  pthread_mutex_lock(&gate_mu);
  c->done = true;
  pthread_cond_broadcast(&gate_cv);
  pthread_mutex_unlock(&gate_mu);
  return NULL;
}

/* Runs the calls on a thread of their own, one after another; true when
 * all were answered within HANG_SEC. */
struct batch {
  struct call *calls;
  size_t n;
  bool done;
};

static void *batch_thread(void *arg) {
  struct batch *b = arg;
  for (size_t i = 0; i < b->n; i++)
    call_run(&b->calls[i]);
  pthread_mutex_lock(&gate_mu);
  b->done = true;
  pthread_cond_broadcast(&gate_cv);
  pthread_mutex_unlock(&gate_mu);
  return NULL;
}

static bool wait_done(const bool *flag) {
  struct timespec until = deadline();
  pthread_mutex_lock(&gate_mu);
  while (!*flag && pthread_cond_timedwait(&gate_cv, &gate_mu, &until) == 0)
    ;
  bool ok = *flag;
  pthread_mutex_unlock(&gate_mu);
  return ok;
}

/* ---- fixture ------------------------------------------------------------ */

struct fx {
  char dir[64];
  char path[128];
  void *ctx;
};

static int setup(void **state) {
  struct fx *f = calloc(1, sizeof *f);
  char err[512];
  if (f == NULL)
    return -1;
  snprintf(f->dir, sizeof f->dir, "/tmp/test_notes_sync.XXXXXX");
  if (mkdtemp(f->dir) == NULL)
    return -1;
  snprintf(f->path, sizeof f->path, "%s/notes.db", f->dir);
  register_gated_vfs();
  gate_set(false);
  if (api_open(f->path, &f->ctx, err, sizeof err) < 0) {
    fprintf(stderr, "%s\n", err);
    return -1;
  }
  *state = f;
  return 0;
}

static int teardown(void **state) {
  struct fx *f = *state;
  char cmd[160];
  gate_set(false);
  api_fini(f->ctx);
  sqlite3_vfs_unregister(&gated_vfs);
  snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
  int rc = system(cmd);
  free(f);
  return rc == 0 ? 0 : -1;
}

/* Bug caught: reads served by the writer's connection or worker (each
 * GET would wait for the fsync of every write before it: the read latency
 * of a busy store becomes its fsync latency); a 2xx sent before COMMIT
 * returned (an acknowledged write that a crash can lose); a note visible
 * to readers before it is committed. */
static void reads_pass_a_write_waiting_for_fsync(void **state) {
  struct fx *f = *state;
  struct call first = {.ctx = f->ctx,
                       .method = "POST",
                       .path = "/notes",
                       .body = "{\"title\":\"one\",\"body\":\"kept\"}"};
  call_run(&first);
  assert_int_equal(first.resp.status, 201);
  svc_response_free(&first.resp);
  pthread_mutex_lock(&gate_mu);
  int syncs_before = syncs_done;
  pthread_mutex_unlock(&gate_mu);
  assert_true(syncs_before > 0); /* the VFS is in the path at all */

  /* A write whose COMMIT waits for its fsync at the closed gate. */
  gate_set(true);
  struct call write = {.ctx = f->ctx,
                       .method = "POST",
                       .path = "/notes",
                       .body = "{\"title\":\"two\",\"body\":\"slow\"}"};
  pthread_t wt;
  assert_int_equal(pthread_create(&wt, NULL, call_thread, &write), 0);
  assert_true(wait_for_sync(1));

  /* Reads meanwhile: all answered while the write still waits. */
  struct call reads[] = {
      {.ctx = f->ctx, .method = "GET", .path = "/notes/1"},
      {.ctx = f->ctx, .method = "GET", .path = "/notes"},
      {.ctx = f->ctx, .method = "GET", .path = "/notes/2"},
  };
  struct batch b = {.calls = reads, .n = 3};
  pthread_t rt;
  assert_int_equal(pthread_create(&rt, NULL, batch_thread, &b), 0);
  bool reads_done = wait_done(&b.done);
  bool write_done_early = write.done;
  pthread_mutex_lock(&gate_mu);
  int still_waiting = syncs_waiting;
  pthread_mutex_unlock(&gate_mu);

  gate_set(false); /* let everything finish before asserting */
  pthread_join(rt, NULL);
  pthread_join(wt, NULL);

  assert_true(reads_done);
  assert_false(write_done_early);
  assert_true(still_waiting >= 1);
  assert_int_equal(reads[0].resp.status, 200);
  assert_non_null(strstr(reads[0].resp.body, "\"title\":\"one\""));
  assert_int_equal(reads[1].resp.status, 200);
  assert_non_null(strstr(reads[1].resp.body, "\"title\":\"one\""));
  assert_null(strstr(reads[1].resp.body, "\"title\":\"two\""));
  assert_int_equal(reads[2].resp.status, 404); /* not committed yet */
  for (size_t i = 0; i < 3; i++)
    svc_response_free(&reads[i].resp);

  /* The write, acknowledged once its fsync (and COMMIT) returned. */
  assert_int_equal(write.resp.status, 201);
  assert_non_null(strstr(write.resp.body, "\"id\":2"));
  svc_response_free(&write.resp);
  struct call again = {.ctx = f->ctx, .method = "GET", .path = "/notes/2"};
  call_run(&again);
  assert_int_equal(again.resp.status, 200);
  svc_response_free(&again.resp);
}

/* Bug caught: a second writer (two writes in the same transaction, or one
 * overtaking another): two writes queued behind a held fsync complete in
 * order, each after its own COMMIT. */
static void writes_wait_their_turn(void **state) {
  struct fx *f = *state;
  gate_set(true);
  struct call w1 = {.ctx = f->ctx,
                    .method = "POST",
                    .path = "/notes",
                    .body = "{\"title\":\"a\",\"body\":\"1\"}"};
  struct call w2 = {.ctx = f->ctx,
                    .method = "PUT",
                    .path = "/notes/1",
                    .body = "{\"title\":\"b\",\"body\":\"2\"}"};
  pthread_t t1, t2;
  assert_int_equal(pthread_create(&t1, NULL, call_thread, &w1), 0);
  assert_true(wait_for_sync(1));
  assert_int_equal(pthread_create(&t2, NULL, call_thread, &w2), 0);
  /* the second write cannot start its own fsync: one writer */
  struct timespec pause = {0, 100000000};
  nanosleep(&pause, NULL);
  pthread_mutex_lock(&gate_mu);
  int waiting = syncs_waiting;
  pthread_mutex_unlock(&gate_mu);
  bool any_done = w1.done || w2.done;
  gate_set(false);
  pthread_join(t1, NULL);
  pthread_join(t2, NULL);
  assert_int_equal(waiting, 1);
  assert_false(any_done);
  assert_int_equal(w1.resp.status, 201);
  assert_int_equal(w2.resp.status, 200);
  assert_non_null(strstr(w2.resp.body, "\"title\":\"b\""));
  svc_response_free(&w1.resp);
  svc_response_free(&w2.resp);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(reads_pass_a_write_waiting_for_fsync,
                                      setup, teardown),
      cmocka_unit_test_setup_teardown(writes_wait_their_turn, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
