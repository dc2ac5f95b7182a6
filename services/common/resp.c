/* resp.c: request lookups and response helpers (see svc.h). */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "jw.h"
#include "sb.h"
#include "svc.h"

static const char *kv_find(const struct svc_kv *kv, const char *key,
                           int nocase) {
  if (kv == NULL || key == NULL)
    return NULL;
  for (; kv->key != NULL; kv++)
    if ((nocase ? strcasecmp(kv->key, key) : strcmp(kv->key, key)) == 0)
      return kv->value;
  return NULL;
}

const char *svc_query(const struct svc_request *req, const char *key) {
  if (req->lookup != NULL)
    return req->lookup(req->conn, SVC_LOOKUP_QUERY, key);
  return kv_find(req->query, key, 0);
}

const char *svc_header(const struct svc_request *req, const char *name) {
  if (req->lookup != NULL)
    return req->lookup(req->conn, SVC_LOOKUP_HEADER, name);
  return kv_find(req->headers, name, 1);
}

/* Frees the body or releases the stream. */
static void body_release(struct svc_response *resp) {
  if (!resp->body_static)
    free(resp->body);
  resp->body = NULL;
  resp->body_static = false;
  if (resp->fill_free != NULL)
    resp->fill_free(resp->fill_cls);
  resp->fill = NULL;
  resp->fill_cls = NULL;
  resp->fill_free = NULL;
}

int svc_resp_stream(struct svc_response *resp, int status, const char *ctype,
                    uint64_t total, svc_fill_fn fill, void *cls,
                    void (*free_cb)(void *cls)) {
  body_release(resp);
  if (total > SIZE_MAX) {
    if (free_cb != NULL)
      free_cb(cls);
    return -1;
  }
  resp->status = status;
  resp->content_type = ctype;
  resp->body_len = (size_t)total;
  resp->fill = fill;
  resp->fill_cls = cls;
  resp->fill_free = free_cb;
  return 0;
}

int svc_resp_take(struct svc_response *resp, int status, const char *ctype,
                  char *body, size_t len) {
  body_release(resp);
  resp->status = status;
  resp->content_type = ctype;
  resp->body = body;
  resp->body_len = len;
  return 0;
}

int svc_resp_static(struct svc_response *resp, int status, const char *ctype,
                    const char *body, size_t len) {
  body_release(resp);
  resp->status = status;
  resp->content_type = ctype;
  /* never written through: body_static keeps it from free() */
  resp->body = (char *)(uintptr_t)body;
  resp->body_len = len;
  resp->body_static = true;
  return 0;
}

int svc_resp_set(struct svc_response *resp, int status, const char *ctype,
                 const char *body, size_t len) {
  char *copy = malloc(len + 1);
  if (copy == NULL)
    return -1;
  if (len > 0)
    memcpy(copy, body, len);
  copy[len] = '\0';
  return svc_resp_take(resp, status, ctype, copy, len);
}

int svc_resp_text(struct svc_response *resp, int status, const char *ctype,
                  const char *text) {
  return svc_resp_set(resp, status, ctype, text, strlen(text));
}

int svc_resp_printf(struct svc_response *resp, int status, const char *ctype,
                    const char *fmt, ...) {
  va_list ap;
  char *buf;

  va_start(ap, fmt);
  int n = vsnprintf(NULL, 0, fmt, ap);
  va_end(ap);
  if (n < 0)
    return -1;
  buf = malloc((size_t)n + 1);
  if (buf == NULL)
    return -1;
  va_start(ap, fmt);
  vsnprintf(buf, (size_t)n + 1, fmt, ap);
  va_end(ap);
  return svc_resp_take(resp, status, ctype, buf, (size_t)n);
}

int svc_resp_error(struct svc_response *resp, int status, const char *msg) {
  struct sb b = SB_INIT;
  size_t len;

  sb_puts(&b, "{\"error\": ");
  jw_str(&b, msg);
  sb_printf(&b, ", \"status\": %d}\n", status);
  char *body = sb_steal(&b, &len);
  if (body == NULL)
    return -1;
  return svc_resp_take(resp, status, "application/json", body, len);
}

int svc_resp_header(struct svc_response *resp, const char *name,
                    const char *value) {
  if (resp->nheaders >= SVC_MAX_HEADERS)
    return -1;
  /* name and value in one allocation, freed through name */
  size_t ln = strlen(name) + 1, lv = strlen(value) + 1;
  char *n = malloc(ln + lv);
  if (n == NULL)
    return -1;
  memcpy(n, name, ln);
  memcpy(n + ln, value, lv);
  resp->headers[resp->nheaders].name = n;
  resp->headers[resp->nheaders].value = n + ln;
  resp->nheaders++;
  return 0;
}

bool svc_status_bodiless(int status) {
  return (status >= 100 && status < 200) || status == 204 || status == 304;
}

const char *svc_resp_content_type(const struct svc_response *resp) {
  if (svc_status_bodiless(resp->status))
    return NULL;
  return resp->content_type != NULL ? resp->content_type
                                    : "application/octet-stream";
}

void svc_response_free(struct svc_response *resp) {
  body_release(resp);
  for (size_t i = 0; i < resp->nheaders; i++)
    free(resp->headers[i].name); /* the value shares it: svc_resp_header */
  memset(resp, 0, sizeof *resp);
}
