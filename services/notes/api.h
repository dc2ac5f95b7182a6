/* api.h: the notes HTTP API on top of the shared layer (svc.h).
 *
 * Routes: POST /notes, GET /notes, GET|PUT|DELETE /notes/{id}; see
 * docs/notes.md for statuses and bodies. Handlers share one context (the
 * database, the JSON validator and two worker threads). They run on the
 * layer's event loop and only check the request there; every SQLite
 * statement runs deferred on a worker (writes on the writer, reads on the
 * reader, see db.h) and the answer follows through svc_complete. */
#ifndef SL_NOTES_API_H
#define SL_NOTES_API_H

#include <stddef.h>

#include "svc.h"

/* The descriptor main() hands to svc_main. Its init hook opens the
 * database named by --db / NOTES_DB (default /data/notes.db). */
extern const struct svc_service notes_service;

/* Route table, exposed for unit tests that call svc_dispatch. */
extern const struct svc_route notes_routes[];
extern const size_t notes_nroutes;

/* The lifecycle hooks, exposed for tests: api_open opens path (not the
 * option), starts the workers and stores the context in *ctx; api_fini
 * runs what the workers still hold, stops them and frees it. */
int api_open(const char *path, void **ctx, char *err, size_t errlen);
void api_fini(void *ctx);

#endif
