/* server.h: the libmicrohttpd server under svc_main: event loop threads,
 * per-connection state, routing once per request, responses (prepared
 * once for static bodies), limits, deferred answers, metrics and the
 * access log of every request. */
#ifndef SL_COMMON_SERVER_H
#define SL_COMMON_SERVER_H

#include <stddef.h>

#include "metrics.h"
#include "svc.h"

struct srv_params {
  const struct svc_config *cfg;
  /* The service's routes first (nservice of them: 503 "starting" until
   * the init hook returned), then the built-in ones. */
  const struct svc_route *routes;
  size_t nroutes;
  size_t nservice;
  struct metrics *metrics; /* route label i is routes[i], nroutes unmatched */
  unsigned threads;        /* event loop threads, >= 1 */
};

/* Starts listening and serving (MHD_USE_EPOLL: one internal polling thread,
 * or a pool of p->threads). p and what it points to must outlive the
 * server. 0, or -1 with errno set when the port cannot be bound (0 if the
 * cause is unknown). */
int srv_start(const struct srv_params *p);

/* From now on new connections are closed as soon as they are accepted
 * (draining). Connections already open are served. */
void srv_refuse(void);

/* Stops the threads and closes every connection; prepared responses are
 * freed. Only with no request in flight (suspended ones included). */
void srv_stop(void);

#endif
