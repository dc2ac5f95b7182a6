/* metrics.h: request counters and the Prometheus text exposition.
 * Every function is thread-safe (one mutex; the in-flight gauge is an
 * atomic). */
#ifndef SL_COMMON_METRICS_H
#define SL_COMMON_METRICS_H

#include <stddef.h>

#include "sb.h"

struct metrics;

/* Labels for routes 0..n-1; route n is "unmatched" (404s). The strings are
 * borrowed for the metrics' lifetime. Returns NULL on allocation failure. */
struct metrics *metrics_new(const char *const *routes, size_t n);
void metrics_free(struct metrics *m);

/* In-flight gauge: +1 when a request starts, -1 when it ends. */
void metrics_inflight(struct metrics *m, int delta);

/* Counts one finished request: route index (n for unmatched), method
 * (anything outside GET HEAD POST PUT DELETE PATCH OPTIONS counts as
 * "other"), status code, duration. The first 511 distinct
 * route/method/code series are kept as they are; every later request that
 * fits none of them is counted in one overflow series labelled
 * route="unmatched", method="other", code="other" (its duration still goes
 * to its own route's histogram). */
void metrics_observe(struct metrics *m, size_t route, const char *method,
                     int status, double seconds);

struct metrics_info {
  const char *service, *version, *variant, *revision;
  double start_time; /* seconds since the epoch */
};

/* Appends the exposition text (version 0.0.4). 0, or -1 on allocation
 * failure. */
int metrics_render(struct metrics *m, const struct metrics_info *info,
                   struct sb *out);

#endif
