/* test_common_route.c: route matching and svc_dispatch (404, 405 + Allow,
 * HEAD as GET, parameter routes, handler failures), and the proof that a
 * route lookup allocates nothing: malloc, calloc, realloc and strdup are
 * wrapped (-Wl,--wrap, mk/services.mk) and counted. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "route.h"
#include "svc.h"

/* The allocation seam: every call from the layer's objects and this test
 * goes through here; allocs counts them. */
static int allocs;
void *__real_malloc(size_t n);
void *__real_calloc(size_t n, size_t size);
void *__real_realloc(void *p, size_t n);
char *__real_strdup(const char *s);
void *__wrap_malloc(size_t n);
void *__wrap_calloc(size_t n, size_t size);
void *__wrap_realloc(void *p, size_t n);
char *__wrap_strdup(const char *s);
void *__wrap_malloc(size_t n) {
  allocs++;
  return __real_malloc(n);
}
void *__wrap_calloc(size_t n, size_t size) {
  allocs++;
  return __real_calloc(n, size);
}
void *__wrap_realloc(void *p, size_t n) {
  allocs++;
  return __real_realloc(p, n);
}
char *__wrap_strdup(const char *s) {
  allocs++;
  return __real_strdup(s);
}

static int calls;
static const char *seen_param;

static int h_ok(const struct svc_request *req, struct svc_response *resp) {
  calls++;
  seen_param = req->param;
  return svc_resp_text(resp, 200, "text/plain", req->method);
}
static int h_fail(const struct svc_request *req, struct svc_response *resp) {
  (void)req;
  svc_resp_text(resp, 200, "text/plain", "half-built");
  return -1;
}
static int h_badstatus(const struct svc_request *req,
                       struct svc_response *resp) {
  (void)req;
  return svc_resp_text(resp, 42, "text/plain", "?");
}

static const struct svc_route table[] = {
    {.method = "GET", .path = "/", .handler = h_ok},
    {.method = "GET", .path = "/notes", .handler = h_ok},
    {.method = "POST", .path = "/notes", .handler = h_ok},
    {.method = "GET", .path = "/notes/{id}", .handler = h_ok},
    {.method = "PUT", .path = "/notes/{id}", .handler = h_ok},
    {.method = "DELETE", .path = "/notes/{id}", .handler = h_ok},
    {.method = "POST", .path = "/only-post", .handler = h_ok},
    {.method = "GET", .path = "/fail", .handler = h_fail},
    {.method = "GET", .path = "/bad-status", .handler = h_badstatus},
};
#define N (sizeof table / sizeof table[0])

static int dispatch(const char *method, const char *path,
                    struct svc_response *resp) {
  struct svc_request req = {.method = method, .path = path};
  static char param[16]; /* outlives the call: seen_param points here */
  calls = 0;
  seen_param = NULL;
  return svc_dispatch(table, N, &req, resp, param, sizeof param);
}

static const char *header(const struct svc_response *r, const char *name) {
  for (size_t i = 0; i < r->nheaders; i++)
    if (strcmp(r->headers[i].name, name) == 0)
      return r->headers[i].value;
  return NULL;
}

/* Bug caught: exact routes matching by prefix ("/notesX", "/notes/"). */
static void exact_paths(void **state) {
  (void)state;
  struct svc_response r = SVC_RESPONSE_INIT;
  assert_int_equal(dispatch("GET", "/notes", &r), 1);
  assert_int_equal(r.status, 200);
  assert_null(seen_param);
  svc_response_free(&r);
  const char *misses[] = {"/notesX", "/note",  "",           "//",
                          "/notes/", "/Notes", "/notes/1/2", "*"};
  for (size_t i = 0; i < sizeof misses / sizeof misses[0]; i++) {
    assert_int_equal(dispatch("GET", misses[i], &r), -1);
    assert_int_equal(r.status, 404);
    assert_int_equal(calls, 0);
    assert_non_null(strstr(r.body, "\"status\": 404"));
    svc_response_free(&r);
  }
}

/* Bug caught: the {id} segment not passed or matched across '/'. */
static void param_route(void **state) {
  (void)state;
  struct svc_response r = SVC_RESPONSE_INIT;
  assert_int_equal(dispatch("PUT", "/notes/42", &r), 4);
  assert_string_equal(seen_param, "42");
  svc_response_free(&r);
  /* too long for the caller's 16-byte buffer: no match, not a truncation */
  assert_int_equal(dispatch("GET", "/notes/0123456789abcdef", &r), -1);
  assert_int_equal(r.status, 404);
  svc_response_free(&r);
}

/* Bug caught: 404 instead of 405, or a missing/incomplete Allow header. */
static void method_not_allowed(void **state) {
  (void)state;
  struct svc_response r = SVC_RESPONSE_INIT;
  assert_int_equal(dispatch("DELETE", "/notes", &r), 1);
  assert_int_equal(r.status, 405);
  assert_int_equal(calls, 0);
  assert_string_equal(header(&r, "Allow"), "GET, HEAD, POST");
  assert_string_equal(r.content_type, "application/json");
  svc_response_free(&r);
  assert_int_equal(dispatch("POST", "/notes/7", &r), 3);
  assert_string_equal(header(&r, "Allow"), "GET, HEAD, PUT, DELETE");
  svc_response_free(&r);
  /* no GET: HEAD is not allowed either */
  assert_int_equal(dispatch("GET", "/only-post", &r), 6);
  assert_string_equal(header(&r, "Allow"), "POST");
  svc_response_free(&r);
  assert_int_equal(dispatch("HEAD", "/only-post", &r), 6);
  assert_int_equal(r.status, 405);
  svc_response_free(&r);
}

/* Bug caught: HEAD answered 405 where GET exists. */
static void head_is_get(void **state) {
  (void)state;
  struct svc_response r = SVC_RESPONSE_INIT;
  assert_int_equal(dispatch("HEAD", "/", &r), 0);
  assert_int_equal(r.status, 200);
  assert_int_equal(calls, 1);
  svc_response_free(&r);
  assert_int_equal(dispatch("HEAD", "/notes/9", &r), 3);
  assert_string_equal(seen_param, "9");
  svc_response_free(&r);
}

/* Bug caught: a failing handler's half-built response sent as 200, or an
 * impossible status passed to the wire. */
static void handler_failures(void **state) {
  (void)state;
  struct svc_response r = SVC_RESPONSE_INIT;
  dispatch("GET", "/fail", &r);
  assert_int_equal(r.status, 500);
  assert_non_null(strstr(r.body, "internal error"));
  svc_response_free(&r);
  dispatch("GET", "/bad-status", &r);
  assert_int_equal(r.status, 500);
  svc_response_free(&r);
}

/* Bug caught: malformed patterns accepted at start-up. */
static void valid_patterns(void **state) {
  (void)state;
  assert_true(route_valid("/"));
  assert_true(route_valid("/notes/{id}"));
  assert_true(route_valid("/{x}"));
  assert_false(route_valid("notes"));
  assert_false(route_valid("/notes/{id}/x"));
  assert_false(route_valid("/notes/{}"));
  assert_false(route_valid("/notes/x{id}"));
  assert_false(route_valid("/a}"));
  assert_false(route_valid("/{a}{b}"));
  assert_false(route_valid(NULL));
}

/* Bug caught: an allocation on the hot path of every request (a copied
 * parameter, an Allow list built with a growable buffer, a lower-cased
 * path): route_match on found, parameter, HEAD-as-GET, not found and
 * wrong-method requests, and the static 404 answer, allocate nothing. The
 * first check proves the seam counts (else this test could not fail). */
static void lookup_allocates_nothing(void **state) {
  (void)state;
  char param[16], allow[ROUTE_ALLOW_MAX];
  size_t idx;
  struct svc_response r = SVC_RESPONSE_INIT;

  allocs = 0;
  svc_resp_error(&r, 404, "seam check");
  assert_true(allocs > 0);
  svc_response_free(&r);

  static const struct {
    const char *method, *path;
    enum route_status want;
  } cases[] = {
      {"GET", "/", ROUTE_FOUND},
      {"PUT", "/notes/42", ROUTE_FOUND},
      {"HEAD", "/notes/7", ROUTE_FOUND},
      {"GET", "/nope", ROUTE_NOT_FOUND},
      {"GET", "/notes/0123456789abcdef", ROUTE_NOT_FOUND},
      {"PATCH", "/notes/1", ROUTE_BAD_METHOD},
      {"DELETE", "/notes", ROUTE_BAD_METHOD},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    allocs = 0;
    enum route_status st =
        route_match(table, N, cases[i].method, cases[i].path, &idx, param,
                    sizeof param, allow, sizeof allow);
    assert_int_equal(st, cases[i].want);
    assert_int_equal(allocs, 0);
  }
  /* what route_match found is right, too */
  route_match(table, N, "PATCH", "/notes/1", &idx, param, sizeof param, allow,
              sizeof allow);
  assert_string_equal(allow, "GET, HEAD, PUT, DELETE");
  route_match(table, N, "HEAD", "/notes/7", &idx, param, sizeof param, allow,
              sizeof allow);
  assert_int_equal(idx, 3);
  assert_string_equal(param, "7");

  /* the layer's 404 is a static body: no allocation either */
  struct svc_request req = {.method = "GET", .path = "/nope"};
  allocs = 0;
  enum route_status st = route_match(table, N, req.method, req.path, &idx,
                                     param, sizeof param, allow, sizeof allow);
  assert_int_equal(route_answer(table, st, idx, allow, param, &req, &r), -1);
  assert_int_equal(allocs, 0);
  assert_int_equal(r.status, 404);
  assert_true(r.body_static);
  assert_memory_equal(r.body, "{\"error\": \"not found\", \"status\": 404}\n",
                      r.body_len);
  svc_response_free(&r);
}

/* Bug caught: an Allow list cut in the middle of a method name when the
 * caller's buffer is small. */
static void allow_truncates_at_a_method(void **state) {
  (void)state;
  char param[16], allow[12];
  size_t idx;
  assert_int_equal(route_match(table, N, "PATCH", "/notes/1", &idx, param,
                               sizeof param, allow, sizeof allow),
                   ROUTE_BAD_METHOD);
  assert_string_equal(allow, "GET, HEAD");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(lookup_allocates_nothing),
      cmocka_unit_test(allow_truncates_at_a_method),
      cmocka_unit_test(exact_paths),
      cmocka_unit_test(param_route),
      cmocka_unit_test(method_not_allowed),
      cmocka_unit_test(head_is_get),
      cmocka_unit_test(handler_failures),
      cmocka_unit_test(valid_patterns),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
