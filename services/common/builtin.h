/* builtin.h: the endpoints every service gets: /healthz, /readyz,
 * /metrics, /version (see docs/services-common.md). */
#ifndef SL_COMMON_BUILTIN_H
#define SL_COMMON_BUILTIN_H

#include <stddef.h>

#include "metrics.h"
#include "svc.h"

extern const struct svc_route builtin_routes[];
extern const size_t builtin_nroutes;

/* What /metrics and /version show: the service's name, its metrics and
 * the process start time (seconds since the epoch). Before serving. */
void builtin_setup(const char *service, struct metrics *m, double start_time);

#endif
