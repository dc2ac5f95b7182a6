/* hc.h: the --healthcheck client, a minimal HTTP/1.0 GET over a plain
 * socket (no curl needed in an empty image). */
#ifndef SL_COMMON_HC_H
#define SL_COMMON_HC_H

#include "svc.h"

/* Total time budget of one probe (connect, send, receive). */
#define HC_TIMEOUT_MS 2000

/* GETs path from the address the service listens on (127.0.0.1 or ::1 when
 * it listens on the wildcard address) at cfg->port. Returns 0 when the
 * status is 200, -1 otherwise (refused, timeout, other status); explains a
 * failure in one line on stderr. */
int hc_probe(const struct svc_config *cfg, const char *path);

#endif
