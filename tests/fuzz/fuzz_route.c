/* fuzz_route.c: libFuzzer target for the shared layer's request routing and
 * query handling (route_match, svc_dispatch, svc_query, response helpers).
 *
 * Input: "METHOD\nTARGET" where TARGET is a request target such as
 * "/notes/12?limit=3&after=x%20y". The target is split and percent-decoded
 * with libmicrohttpd's own MHD_http_unescape, as the server does, and the
 * query is split into a {key, value} table. Then it is routed through a
 * table shaped like the real ones (exact paths, a "{id}" parameter route,
 * the built-in probes) and the invariants of route.h/svc.h are checked:
 *  - 404 iff route_match says not found; 405 carries a non-empty Allow;
 *  - a parameter is non-empty, has no '/', and is the tail of the path;
 *  - svc_query returns exactly the first value given for a key.
 * Any violation aborts (a crash for libFuzzer). */
#include <microhttpd.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "route.h"
#include "svc.h"

#define MAX_ARGS 16

static int h_ok(const struct svc_request *req, struct svc_response *resp) {
  /* Reads every query key the table knows, as handlers do. */
  const char *keys[] = {"limit", "after", "wait", "format", ""};
  for (size_t i = 0; i < SVC_COUNT(keys); i++)
    (void)svc_query(req, keys[i]);
  return svc_resp_printf(resp, 200, "text/plain", "%s %s %s\n", req->method,
                         req->path, req->param ? req->param : "-");
}

static int h_param(const struct svc_request *req, struct svc_response *resp) {
  if (req->param == NULL || req->param[0] == '\0' ||
      strchr(req->param, '/') != NULL)
    abort();
  size_t pl = strlen(req->param), l = strlen(req->path);
  if (pl > l || strcmp(req->path + l - pl, req->param) != 0)
    abort();
  return svc_resp_error(resp, 404, req->param);
}

static int h_fail(const struct svc_request *req, struct svc_response *resp) {
  (void)req;
  (void)resp;
  return -1; /* the layer must turn this into a 500 */
}

static const struct svc_route routes[] = {
    {.method = "GET", .path = "/", .handler = h_ok},
    {.method = "GET", .path = "/notes", .handler = h_ok},
    {.method = "POST", .path = "/notes", .handler = h_ok},
    {.method = "GET", .path = "/notes/{id}", .handler = h_param},
    {.method = "PUT", .path = "/notes/{id}", .handler = h_param},
    {.method = "DELETE", .path = "/notes/{id}", .handler = h_fail},
    {.method = "GET", .path = "/healthz", .handler = h_ok},
    {.method = "GET", .path = "/readyz", .handler = h_ok},
    {.method = "GET", .path = "/metrics", .handler = h_ok},
    {.method = "GET", .path = "/version", .handler = h_ok},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *buf = malloc(size + 1);
  if (buf == NULL)
    return 0;
  memcpy(buf, data, size);
  buf[size] = '\0';
  /* MHD hands the layer NUL-terminated strings: stop at the first NUL */
  char *nl = strchr(buf, '\n');
  if (nl == NULL) {
    free(buf);
    return 0;
  }
  *nl = '\0';
  char *method = buf, *target = nl + 1;
  char *query = strchr(target, '?');
  if (query != NULL)
    *query++ = '\0';
  MHD_http_unescape(target);

  struct svc_kv args[MAX_ARGS + 1];
  size_t nargs = 0;
  while (query != NULL && nargs < MAX_ARGS) {
    char *next = strchr(query, '&');
    if (next != NULL)
      *next++ = '\0';
    char *eq = strchr(query, '=');
    if (eq != NULL)
      *eq++ = '\0';
    MHD_http_unescape(query);
    if (eq != NULL)
      MHD_http_unescape(eq);
    args[nargs].key = query;
    args[nargs].value = eq != NULL ? eq : "";
    nargs++;
    query = next;
  }
  args[nargs].key = NULL;
  args[nargs].value = NULL;

  struct svc_request req = {
      .method = method, .path = target, .query = args, .version = "HTTP/1.1"};
  for (size_t i = 0; i < nargs; i++) {
    const char *v = svc_query(&req, args[i].key);
    size_t first = 0;
    while (strcmp(args[first].key, args[i].key) != 0)
      first++;
    if (v != args[first].value)
      abort();
  }

  char param[64], allow[128];
  size_t idx = 0;
  enum route_status st =
      route_match(routes, SVC_COUNT(routes), method, target, &idx, param,
                  sizeof param, allow, sizeof allow);
  struct svc_response resp = SVC_RESPONSE_INIT;
  int r =
      svc_dispatch(routes, SVC_COUNT(routes), &req, &resp, param, sizeof param);
  switch (st) {
  case ROUTE_NOT_FOUND:
    if (r != -1 || resp.status != 404)
      abort();
    break;
  case ROUTE_BAD_METHOD:
    if (resp.status != 405 || resp.nheaders != 1 ||
        strcmp(resp.headers[0].name, "Allow") != 0 ||
        resp.headers[0].value[0] == '\0')
      abort();
    break;
  case ROUTE_FOUND:
    if (r < 0 || (size_t)r != idx || resp.status < 100 || resp.status > 599)
      abort();
    if (routes[idx].handler == h_fail && resp.status != 500)
      abort();
    break;
  }
  svc_response_free(&resp);
  free(buf);
  return 0;
}
