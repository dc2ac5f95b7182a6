/* route.h: matching a method and path against a route table (pure). */
#ifndef SL_ROUTE_H
#define SL_ROUTE_H

#include <stddef.h>

#include "svc.h"

enum route_status { ROUTE_FOUND, ROUTE_NOT_FOUND, ROUTE_BAD_METHOD };

/* Finds the route for method and path. HEAD matches a HEAD route, else the
 * GET route of the same path. On ROUTE_FOUND *idx is the entry and, for a
 * "{name}" route, param (plen bytes) holds the segment, else "". On
 * ROUTE_BAD_METHOD *idx is the first entry with that path and allow gets
 * the methods of the path, e.g. "GET, HEAD, POST" (HEAD added after GET).
 * A segment too long for param does not match. */
enum route_status route_match(const struct svc_route *t, size_t n,
                              const char *method, const char *path,
                              size_t *idx, char *param, size_t plen,
                              char *allow, size_t alen);

/* True if pattern is a valid route path: starts with '/', and "{...}" only
 * as a whole last segment. */
int route_valid(const char *pattern);

#endif
