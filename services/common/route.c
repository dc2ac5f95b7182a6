/* route.c: route matching (see route.h) and svc_dispatch. */
#include "route.h"

#include <string.h>

/* Length of the literal prefix of a "{name}" pattern ("/notes/" for
 * "/notes/{id}"), or 0 for an exact pattern. */
static size_t param_prefix(const char *pattern) {
  size_t len = strlen(pattern);
  const char *slash = strrchr(pattern, '/');

  if (slash == NULL || len < 3 || pattern[len - 1] != '}' || slash[1] != '{')
    return 0;
  return (size_t)(slash - pattern) + 1;
}

int route_valid(const char *pattern) {
  if (pattern == NULL || pattern[0] != '/')
    return 0;
  size_t pre = param_prefix(pattern);
  const char *brace = strchr(pattern, '{');
  if (brace == NULL)
    return strchr(pattern, '}') == NULL;
  return pre != 0 && brace == pattern + pre &&
         strchr(pattern + pre + 1, '{') == NULL &&
         strchr(pattern + pre, '}') == pattern + strlen(pattern) - 1 &&
         strlen(pattern) > pre + 2;
}

/* Does path match pattern? For a parameter route, *seg and *slen get the
 * segment (not copied). */
static int path_match(const char *pattern, const char *path, const char **seg,
                      size_t *slen) {
  /* The common case first: an exact route differs at its first bytes. */
  if (pattern[0] != path[0])
    return 0;
  size_t pre = param_prefix(pattern);
  if (pre == 0)
    return strcmp(pattern, path) == 0;
  if (strncmp(pattern, path, pre) != 0)
    return 0;
  const char *s = path + pre;
  size_t len = strlen(s);
  if (len == 0 || memchr(s, '/', len) != NULL)
    return 0;
  *seg = s;
  *slen = len;
  return 1;
}

/* Appends method m to allow ("A, B") unless there already or no room. */
static void allow_add(char *allow, size_t alen, const char *m) {
  size_t used = strlen(allow), ml = strlen(m);
  for (const char *p = allow; *p != '\0';) {
    size_t tl = strcspn(p, ",");
    if (tl == ml && strncmp(p, m, tl) == 0)
      return;
    p += tl;
    while (*p == ',' || *p == ' ')
      p++;
  }
  size_t sep = used > 0 ? 2 : 0;
  if (used + sep + ml + 1 > alen)
    return;
  if (sep > 0)
    memcpy(allow + used, ", ", 2);
  memcpy(allow + used + sep, m, ml + 1);
}

enum route_status route_match(const struct svc_route *t, size_t n,
                              const char *method, const char *path, size_t *idx,
                              char *param, size_t plen, char *allow,
                              size_t alen) {
  size_t first = n, head_get = n;
  const char *seg = NULL, *head_seg = NULL;
  size_t slen = 0, head_slen = 0;
  int is_head = strcmp(method, "HEAD") == 0;

  if (plen > 0)
    param[0] = '\0';
  if (alen > 0)
    allow[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    seg = NULL;
    if (!path_match(t[i].path, path, &seg, &slen))
      continue;
    if (seg != NULL && slen >= plen)
      continue; /* too long for the caller's buffer: no match */
    if (first == n)
      first = i;
    if (strcmp(t[i].method, method) == 0) {
      if (seg != NULL)
        memcpy(param, seg, slen + 1);
      *idx = i;
      return ROUTE_FOUND;
    }
    if (is_head && head_get == n && strcmp(t[i].method, "GET") == 0) {
      head_get = i;
      head_seg = seg;
      head_slen = slen;
    }
  }
  if (head_get < n) {
    if (head_seg != NULL)
      memcpy(param, head_seg, head_slen + 1);
    *idx = head_get;
    return ROUTE_FOUND;
  }
  if (first == n)
    return ROUTE_NOT_FOUND;
  for (size_t i = first; i < n && alen > 0; i++) {
    if (!path_match(t[i].path, path, &seg, &slen) ||
        (seg != NULL && slen >= plen))
      continue;
    allow_add(allow, alen, t[i].method);
    if (strcmp(t[i].method, "GET") == 0)
      allow_add(allow, alen, "HEAD");
  }
  *idx = first;
  return ROUTE_BAD_METHOD;
}

/* The layer's fixed error bodies: svc_resp_error's bytes, in static
 * storage (no allocation for the commonest errors). */
static const char not_found[] = "{\"error\": \"not found\", \"status\": 404}\n";
static const char bad_method[] =
    "{\"error\": \"method not allowed\", \"status\": 405}\n";

int route_answer(const struct svc_route *t, enum route_status st, size_t idx,
                 const char *allow, char *param, struct svc_request *req,
                 struct svc_response *resp) {
  switch (st) {
  case ROUTE_NOT_FOUND:
    req->param = NULL;
    svc_resp_static(resp, SVC_NOT_FOUND, "application/json", not_found,
                    sizeof not_found - 1);
    return -1;
  case ROUTE_BAD_METHOD:
    req->param = NULL;
    svc_resp_static(resp, SVC_METHOD_NOT_ALLOWED, "application/json",
                    bad_method, sizeof bad_method - 1);
    svc_resp_header(resp, "Allow", allow);
    return (int)idx;
  case ROUTE_FOUND:
    break;
  }
  req->param = param[0] != '\0' ? param : NULL;
  int rc = t[idx].handler(req, resp);
  if (resp->pending != NULL) {
    if (rc < 0)
      svc_log(SVC_LOG_ERROR,
              "handler for %s %s deferred, then failed: "
              "its deferred answer is still sent",
              t[idx].method, t[idx].path);
    return (int)idx;
  }
  if (rc < 0) {
    svc_log(SVC_LOG_ERROR, "handler for %s %s failed: answering 500",
            t[idx].method, t[idx].path);
    svc_response_free(resp);
    svc_resp_error(resp, SVC_INTERNAL_ERROR, "internal error");
  } else if (resp->status < 100 || resp->status > 599) {
    svc_log(SVC_LOG_ERROR, "handler for %s %s: invalid status %d",
            t[idx].method, t[idx].path, resp->status);
    svc_response_free(resp);
    svc_resp_error(resp, SVC_INTERNAL_ERROR, "internal error");
  }
  return (int)idx;
}

int svc_dispatch(const struct svc_route *table, size_t n,
                 struct svc_request *req, struct svc_response *resp,
                 char *param_buf, size_t param_len) {
  size_t idx = 0;
  char allow[ROUTE_ALLOW_MAX];
  char none[1];

  if (param_len == 0) {
    param_buf = none;
    param_len = sizeof none;
  }
  enum route_status st = route_match(table, n, req->method, req->path, &idx,
                                     param_buf, param_len, allow, sizeof allow);
  int r = route_answer(table, st, idx, allow, param_buf, req, resp);
  svc_await(resp);
  return r;
}
