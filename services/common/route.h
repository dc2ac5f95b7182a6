/* route.h: matching a method and path against a route table (pure, no
 * allocation: the server matches once per request, and
 * tests/unit/test_common_route.c proves with a wrapped malloc that a
 * lookup allocates nothing). */
#ifndef SL_COMMON_ROUTE_H
#define SL_COMMON_ROUTE_H

#include <stddef.h>

#include "svc.h"

enum route_status { ROUTE_FOUND, ROUTE_NOT_FOUND, ROUTE_BAD_METHOD };

/* Room for the Allow header value of any route table: every method of
 * one path (route_match truncates at a whole method if it is too small). */
#define ROUTE_ALLOW_MAX 128

/* Finds the route for method and path. HEAD matches a HEAD route, else the
 * GET route of the same path. On ROUTE_FOUND *idx is the entry and, for a
 * "{name}" route, param (plen bytes) holds the segment, else "". On
 * ROUTE_BAD_METHOD *idx is the first entry with that path and allow gets
 * the methods of the path, e.g. "GET, HEAD, POST" (HEAD added after GET).
 * A segment too long for param does not match. */
enum route_status route_match(const struct svc_route *t, size_t n,
                              const char *method, const char *path, size_t *idx,
                              char *param, size_t plen, char *allow,
                              size_t alen);

/* Answers req from what route_match found: 404, 405 with Allow, or the
 * handler of t[idx] with req->param set from param ("" means none); a
 * handler's -1 or a status outside 100..599 becomes a 500 (logged). When
 * the handler deferred (resp->pending set by svc_defer) resp is left to
 * the deferred answer. Returns idx, or -1 for a 404. */
int route_answer(const struct svc_route *t, enum route_status st, size_t idx,
                 const char *allow, char *param, struct svc_request *req,
                 struct svc_response *resp);

/* True if pattern is a valid route path: starts with '/', and "{...}" only
 * as a whole last segment. */
int route_valid(const char *pattern);

#endif
