/* test_notes_api.c: the notes handlers through the shared layer's routing
 * (svc_dispatch), on an in-memory database: statuses, headers and bodies of
 * every endpoint and every 4xx the service itself decides. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../services/notes/api.h"
#include "svc.h"

static const struct svc_kv json_headers[] = {
    {"Content-Type", "application/json"}, {NULL, NULL}};
static const struct svc_kv text_headers[] = {{"Content-Type", "text/plain"},
                                             {NULL, NULL}};

struct call {
  struct svc_response resp;
  char param[64];
};

static int setup(void **state) {
  void *ctx = NULL;
  char err[512];
  if (api_open(":memory:", &ctx, err, sizeof err) < 0) {
    fprintf(stderr, "%s\n", err);
    return -1;
  }
  *state = ctx;
  return 0;
}

static int teardown(void **state) {
  api_fini(*state);
  return 0;
}

/* Runs one request; the caller frees c->resp with svc_response_free. */
static void run(void *ctx, struct call *c, const char *method, const char *path,
                const struct svc_kv *headers, const struct svc_kv *query,
                const char *body) {
  struct svc_request req = {.method = method,
                            .path = path,
                            .version = "HTTP/1.1",
                            .body = body,
                            .body_len = body ? strlen(body) : 0,
                            .remote_addr = "127.0.0.1",
                            .ctx = ctx,
                            .query = query,
                            .headers = headers};
  memset(&c->resp, 0, sizeof c->resp);
  svc_dispatch(notes_routes, notes_nroutes, &req, &c->resp, c->param,
               sizeof c->param);
}

static const char *header(const struct svc_response *r, const char *name) {
  for (size_t i = 0; i < r->nheaders; i++)
    if (strcmp(r->headers[i].name, name) == 0)
      return r->headers[i].value;
  return NULL;
}

static void expect(struct call *c, int status, const char *body_part) {
  if (c->resp.status != status ||
      (body_part != NULL &&
       (c->resp.body == NULL || strstr(c->resp.body, body_part) == NULL)))
    fail_msg("got %d %s, want %d with %s", c->resp.status,
             c->resp.body ? c->resp.body : "(no body)", status,
             body_part ? body_part : "-");
}

static void create_one(void *ctx, const char *title) {
  struct call c;
  char body[256];
  snprintf(body, sizeof body, "{\"title\":\"%s\",\"body\":\"b\"}", title);
  run(ctx, &c, "POST", "/notes", json_headers, NULL, body);
  expect(&c, 201, NULL);
  svc_response_free(&c.resp);
}

/* Bug caught: wrong status, missing Location, body not the stored note. */
static void test_create(void **state) {
  struct call c;
  run(*state, &c, "POST", "/notes", json_headers, NULL,
      "{\"title\":\"hello\",\"body\":\"world\"}");
  expect(&c, 201,
         "{\"id\":1,\"title\":\"hello\",\"body\":\"world\",\"created\":\"");
  assert_string_equal(c.resp.content_type, "application/json");
  assert_string_equal(header(&c.resp, "Location"), "/notes/1");
  svc_response_free(&c.resp);
}

/* Bug caught: content type not checked, or checked after the body. */
static void test_create_415(void **state) {
  struct call c;
  run(*state, &c, "POST", "/notes", text_headers, NULL, "{");
  expect(&c, 415, "\"error\": \"content type must be application/json\"");
  svc_response_free(&c.resp);
  run(*state, &c, "POST", "/notes", NULL, NULL,
      "{\"title\":\"t\",\"body\":\"b\"}");
  expect(&c, 415, NULL);
  svc_response_free(&c.resp);
}

/* Bug caught: a validation error answered 500 or without its reason. */
static void test_create_400(void **state) {
  struct call c;
  run(*state, &c, "POST", "/notes", json_headers, NULL,
      "{\"title\":1,\"body\":\"b\"}");
  expect(
      &c, 400,
      "{\"error\": \"field \\\"title\\\" must be a string\", \"status\": 400}");
  svc_response_free(&c.resp);
  run(*state, &c, "POST", "/notes", json_headers, NULL, NULL);
  expect(&c, 400, "request body is empty");
  svc_response_free(&c.resp);
}

/* Bug caught: ids parsed loosely (0, signs, junk), 404 vs 400 confused. */
static void test_get(void **state) {
  struct call c;
  create_one(*state, "one");
  run(*state, &c, "GET", "/notes/1", NULL, NULL, NULL);
  expect(&c, 200, "\"title\":\"one\"");
  svc_response_free(&c.resp);
  run(*state, &c, "GET", "/notes/99", NULL, NULL, NULL);
  expect(&c, 404, "note 99 not found");
  svc_response_free(&c.resp);
  const char *bad[] = {"/notes/abc", "/notes/0", "/notes/-1", "/notes/1x",
                       "/notes/99999999999999999999"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    run(*state, &c, "GET", bad[i], NULL, NULL, NULL);
    expect(&c, 400, "note id must be a positive integer");
    svc_response_free(&c.resp);
  }
}

/* Bug caught: limit/after unchecked or the cursor not handed back. */
static void test_list(void **state) {
  struct call c;
  for (int i = 0; i < 3; i++)
    create_one(*state, "n");
  const struct svc_kv q2[] = {{"limit", "2"}, {NULL, NULL}};
  run(*state, &c, "GET", "/notes", NULL, q2, NULL);
  expect(&c, 200, "\"next\":2}");
  svc_response_free(&c.resp);
  const struct svc_kv qa[] = {{"limit", "2"}, {"after", "2"}, {NULL, NULL}};
  run(*state, &c, "GET", "/notes", NULL, qa, NULL);
  expect(&c, 200, "{\"notes\":[{\"id\":3,");
  expect(&c, 200, "\"next\":null}");
  svc_response_free(&c.resp);
  run(*state, &c, "GET", "/notes", NULL, NULL, NULL);
  expect(&c, 200, "\"next\":null}");
  svc_response_free(&c.resp);
  const char *bad_limits[] = {"0", "101", "-1", "x", ""};
  for (size_t i = 0; i < sizeof bad_limits / sizeof bad_limits[0]; i++) {
    const struct svc_kv q[] = {{"limit", bad_limits[i]}, {NULL, NULL}};
    run(*state, &c, "GET", "/notes", NULL, q, NULL);
    expect(&c, 400, "query parameter \\\"limit\\\" must be an integer 1..100");
    svc_response_free(&c.resp);
  }
  const struct svc_kv qb[] = {{"after", "-5"}, {NULL, NULL}};
  run(*state, &c, "GET", "/notes", NULL, qb, NULL);
  expect(&c, 400, "query parameter \\\"after\\\"");
  svc_response_free(&c.resp);
}

/* Bug caught: PUT creating missing notes, or not replacing both fields. */
static void test_put(void **state) {
  struct call c;
  create_one(*state, "old");
  run(*state, &c, "PUT", "/notes/1", json_headers, NULL,
      "{\"title\":\"new\",\"body\":\"nb\"}");
  expect(&c, 200, "\"title\":\"new\",\"body\":\"nb\"");
  svc_response_free(&c.resp);
  run(*state, &c, "PUT", "/notes/7", json_headers, NULL,
      "{\"title\":\"new\",\"body\":\"nb\"}");
  expect(&c, 404, "note 7 not found");
  svc_response_free(&c.resp);
  run(*state, &c, "PUT", "/notes/x", text_headers, NULL, "junk");
  expect(&c, 400, "note id must be a positive integer");
  svc_response_free(&c.resp);
  run(*state, &c, "PUT", "/notes/1", text_headers, NULL, "{}");
  expect(&c, 415, NULL);
  svc_response_free(&c.resp);
  run(*state, &c, "PUT", "/notes/1", json_headers, NULL, "{\"title\":\"t\"}");
  expect(&c, 400, "missing field \\\"body\\\"");
  svc_response_free(&c.resp);
}

/* Bug caught: delete answering with a body or 200, twice-deleted note 204. */
static void test_delete(void **state) {
  struct call c;
  create_one(*state, "gone");
  run(*state, &c, "DELETE", "/notes/1", NULL, NULL, NULL);
  expect(&c, 204, NULL);
  assert_int_equal(c.resp.body_len, 0);
  svc_response_free(&c.resp);
  run(*state, &c, "DELETE", "/notes/1", NULL, NULL, NULL);
  expect(&c, 404, NULL);
  svc_response_free(&c.resp);
  run(*state, &c, "GET", "/notes/1", NULL, NULL, NULL);
  expect(&c, 404, NULL);
  svc_response_free(&c.resp);
}

/* Bug caught: a route missing from the table (Allow incomplete). */
static void test_methods(void **state) {
  struct call c;
  run(*state, &c, "PATCH", "/notes/1", NULL, NULL, NULL);
  expect(&c, 405, NULL);
  const char *allow = header(&c.resp, "Allow");
  assert_non_null(allow);
  assert_non_null(strstr(allow, "GET"));
  assert_non_null(strstr(allow, "PUT"));
  assert_non_null(strstr(allow, "DELETE"));
  svc_response_free(&c.resp);
  run(*state, &c, "DELETE", "/notes", NULL, NULL, NULL);
  expect(&c, 405, NULL);
  allow = header(&c.resp, "Allow");
  assert_non_null(allow);
  assert_non_null(strstr(allow, "POST"));
  svc_response_free(&c.resp);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_create, setup, teardown),
      cmocka_unit_test_setup_teardown(test_create_415, setup, teardown),
      cmocka_unit_test_setup_teardown(test_create_400, setup, teardown),
      cmocka_unit_test_setup_teardown(test_get, setup, teardown),
      cmocka_unit_test_setup_teardown(test_list, setup, teardown),
      cmocka_unit_test_setup_teardown(test_put, setup, teardown),
      cmocka_unit_test_setup_teardown(test_delete, setup, teardown),
      cmocka_unit_test_setup_teardown(test_methods, setup, teardown),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
