/* direct.c: the notes statements called directly, without HTTP.
 *
 *   notes_direct create DB OPS TITLE_BYTES BODY_BYTES
 *   notes_direct read   DB OPS IDS
 *
 * Uses the service's own data layer (services/notes/db.c): the same
 * prepared statements, the same pragmas (WAL, synchronous=FULL), the same
 * transaction per create. `read` fetches ids 1..IDS round-robin (the notes a create
 * run made), the way the wrk script does. Prints one line:
 *   RESULT mode=create ops=N seconds=S rate=R
 * Exit 0, 1 on a database failure, 2 on bad arguments. */
#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "../../services/notes/db.h"
#include "log.h"
#include "num.h"

static double now_s(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int parse_count(const char *s, long max, long *out) {
  uint64_t v;
  if (num_parse_u64(s, strlen(s), (uint64_t)max, &v) < 0 || v < 1)
    return -1;
  *out = (long)v;
  return 0;
}

int main(int argc, char **argv) {
  long ops = 0, tbytes = 0, bbytes = 0, ids = 0;
  int create = argc == 6 && strcmp(argv[1], "create") == 0;
  int read = argc == 5 && strcmp(argv[1], "read") == 0;
  if ((!create && !read) || parse_count(argv[3], 100000000L, &ops) < 0 ||
      (create && (parse_count(argv[4], 200, &tbytes) < 0 ||
                  parse_count(argv[5], 65536, &bbytes) < 0)) ||
      (read && parse_count(argv[4], 100000000L, &ids) < 0)) {
    fprintf(stderr, "usage: notes_direct create DB OPS TITLE_BYTES BODY_BYTES\n"
                    "       notes_direct read DB OPS IDS\n");
    return 2;
  }
  char err[512];
  struct db *db = NULL;
  /* the data layer's failure lines, as text on stderr */
  log_setup("notes_direct", SVC_LOG_TEXT, SVC_LOG_INFO);
  if (db_open(argv[2], &db, err, sizeof err) < 0) {
    fprintf(stderr, "notes_direct: %s\n", err);
    return 1;
  }
  int ret = 1;
  char *title = malloc((size_t)tbytes + 1), *body = malloc((size_t)bbytes + 1);
  if (title == NULL || body == NULL) {
    fprintf(stderr, "notes_direct: out of memory\n");
    goto done;
  }
  memset(title, 't', (size_t)tbytes);
  memset(body, 'b', (size_t)bbytes);
  double t0 = now_s();
  for (long i = 0; i < ops; i++) {
    char *json = NULL;
    int64_t id;
    enum db_result r = create ? db_create(db, title, (size_t)tbytes, body,
                                          (size_t)bbytes, &id, &json)
                              : db_get(db, 1 + i % ids, &json);
    free(json);
    if (r != DB_OK) {
      fprintf(stderr, "notes_direct: operation %ld failed\n", i);
      goto done;
    }
  }
  double dt = now_s() - t0;
  printf("RESULT mode=%s ops=%ld seconds=%.3f rate=%.1f\n",
         create ? "create" : "read", ops, dt, dt > 0 ? (double)ops / dt : 0.0);
  ret = 0;
done:
  free(title);
  free(body);
  db_close(db);
  return ret;
}
