/* whoami.h: the whoami service (request echo) on the shared layer.
 *
 * Routes: GET / (text, or JSON when Accept prefers it), GET /api (JSON),
 * GET /data?size=N (N zero bytes). ?wait=D on / and /api delays the answer
 * (deferred: svc_defer + svc_after, no thread waits; cut short when the
 * service drains, so that it is answered within the grace).
 * main.c only calls svc_main(&whoami_service, ...); the handlers live here
 * so that unit tests link them without main(). */
#ifndef SL_WHOAMI_WHOAMI_H
#define SL_WHOAMI_WHOAMI_H

#include <stdint.h>

#include "svc.h"

/* What handlers read through req->ctx: the limits, fixed after init. */
struct whoami_ctx {
  uint64_t max_data;    /* bytes: largest /data?size= */
  uint64_t max_wait_ms; /* longest ?wait= */
};

extern const struct svc_service whoami_service;

/* The handlers, exported for unit tests (req->ctx must point to a struct
 * whoami_ctx). Contracts as svc_handler in svc.h. */
int whoami_root(const struct svc_request *req, struct svc_response *resp);
int whoami_api(const struct svc_request *req, struct svc_response *resp);
int whoami_data(const struct svc_request *req, struct svc_response *resp);

#endif
