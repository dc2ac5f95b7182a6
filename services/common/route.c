/* route.c: route matching (see route.h) and svc_dispatch. */
#include "route.h"

#include <stdio.h>
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

/* Does path match pattern? Copies the parameter into param. */
static int path_match(const char *pattern, const char *path, char *param,
                      size_t plen) {
  size_t pre = param_prefix(pattern);

  if (pre == 0)
    return strcmp(pattern, path) == 0;
  if (strncmp(pattern, path, pre) != 0)
    return 0;
  const char *seg = path + pre;
  size_t slen = strlen(seg);
  if (slen == 0 || strchr(seg, '/') != NULL || slen >= plen)
    return 0;
  memcpy(param, seg, slen + 1);
  return 1;
}

static void allow_add(char *allow, size_t alen, const char *m) {
  size_t used = strlen(allow);
  /* skip duplicates: compare whole tokens */
  for (const char *p = allow; *p != '\0';) {
    size_t tl = strcspn(p, ",");
    if (tl == strlen(m) && strncmp(p, m, tl) == 0)
      return;
    p += tl;
    while (*p == ',' || *p == ' ')
      p++;
  }
  snprintf(allow + used, alen - used, "%s%s", used > 0 ? ", " : "", m);
}

enum route_status route_match(const struct svc_route *t, size_t n,
                              const char *method, const char *path,
                              size_t *idx, char *param, size_t plen,
                              char *allow, size_t alen) {
  size_t first = n, head_get = n;
  int is_head = strcmp(method, "HEAD") == 0;

  if (plen > 0)
    param[0] = '\0';
  if (alen > 0)
    allow[0] = '\0';
  for (size_t i = 0; i < n; i++) {
    if (!path_match(t[i].path, path, param, plen))
      continue;
    if (first == n)
      first = i;
    if (strcmp(t[i].method, method) == 0) {
      *idx = i;
      return ROUTE_FOUND;
    }
    if (is_head && head_get == n && strcmp(t[i].method, "GET") == 0)
      head_get = i;
  }
  if (head_get < n) {
    /* param was overwritten by later candidates: match again */
    path_match(t[head_get].path, path, param, plen);
    *idx = head_get;
    return ROUTE_FOUND;
  }
  if (first == n)
    return ROUTE_NOT_FOUND;
  for (size_t i = 0; i < n; i++) {
    char scratch[256];
    if (!path_match(t[i].path, path, scratch, sizeof scratch))
      continue;
    allow_add(allow, alen, t[i].method);
    if (strcmp(t[i].method, "GET") == 0)
      allow_add(allow, alen, "HEAD");
  }
  *idx = first;
  return ROUTE_BAD_METHOD;
}

int svc_dispatch(const struct svc_route *table, size_t n,
                 struct svc_request *req, struct svc_response *resp,
                 char *param_buf, size_t param_len) {
  size_t idx;
  char allow[128];

  switch (route_match(table, n, req->method, req->path, &idx, param_buf,
                      param_len, allow, sizeof allow)) {
  case ROUTE_NOT_FOUND:
    req->param = NULL;
    svc_resp_error(resp, 404, "not found");
    return -1;
  case ROUTE_BAD_METHOD:
    req->param = NULL;
    svc_resp_error(resp, 405, "method not allowed");
    svc_resp_header(resp, "Allow", allow);
    return (int)idx;
  case ROUTE_FOUND:
    break;
  }
  req->param = param_buf[0] != '\0' ? param_buf : NULL;
  if (table[idx].handler(req, resp) < 0) {
    svc_log(SVC_LOG_ERROR, "handler for %s %s failed: answering 500",
            table[idx].method, table[idx].path);
    svc_response_free(resp);
    svc_resp_error(resp, 500, "internal error");
  } else if (resp->status < 100 || resp->status > 599) {
    svc_log(SVC_LOG_ERROR, "handler for %s %s: invalid status %d",
            table[idx].method, table[idx].path, resp->status);
    svc_response_free(resp);
    svc_resp_error(resp, 500, "internal error");
  }
  return (int)idx;
}
