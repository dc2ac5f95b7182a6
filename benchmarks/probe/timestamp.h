/* timestamp.h: the one RFC 3339 parser of the benchmark tools (startprobe's
 * rfc3339ns, the engine's and the CRI's StartedAt; k8s-phases' pod
 * status and events). */
#ifndef SL_PROBE_TIMESTAMP_H
#define SL_PROBE_TIMESTAMP_H

#include <stddef.h>
#include <stdint.h>

#define TS_NS_PER_S INT64_C(1000000000)

/* RFC 3339 date-time as Docker and Kubernetes print it
 * (YYYY-MM-DDTHH:MM:SS[.fraction](Z|+HH:MM|-HH:MM), 'T' and 'Z' in either
 * case; a fraction beyond 9 digits is truncated) to ns since the Unix epoch.
 * Returns 0, or -1 with a message in err; Go's zero time (0001-01-01...,
 * Docker's "never started") and anything outside int64 ns (1678..2262) is
 * an error. */
int ts_rfc3339_ns(const char *s, int64_t *ns, char *err, size_t errlen);

#endif
