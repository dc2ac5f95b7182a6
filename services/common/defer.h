/* defer.h: the ticket behind svc_defer / svc_complete (svc.h), shared by
 * defer.c (fake requests, svc_after) and server.c (real connections). */
#ifndef SL_COMMON_DEFER_H
#define SL_COMMON_DEFER_H

#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>

#include "svc.h"

struct svc_ticket {
  /* The server's connection state (server.c), or NULL for a ticket of a
   * fake request, which keeps its answer here for svc_await. */
  void *srv;
  struct svc_response answer;
  atomic_bool done;
  /* fake requests only */
  pthread_mutex_t mu;
  pthread_cond_t cv;
};

/* server.c: svc_defer and svc_complete for a request of the server. */
struct svc_ticket *srv_defer(void *conn, struct svc_response *resp);
void srv_complete(struct svc_ticket *t, struct svc_response *answer);

#endif
