/* test_common_svc.c: the handler-facing helpers (responses, fake request
 * lookups) and the access log line format. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "log.h"
#include "svc.h"

/* Bug caught: fake requests not usable in tests (lookups ignoring the kv
 * arrays), header lookup case-sensitive, query lookup case-insensitive. */
static void fake_lookups(void **state) {
  (void)state;
  const struct svc_kv q[] = {{"wait", "2"}, {"Size", "9"}, {NULL, NULL}};
  const struct svc_kv h[] = {{"Content-Type", "application/json"},
                             {NULL, NULL}};
  struct svc_request req = {
      .method = "GET", .path = "/", .query = q, .headers = h};
  assert_string_equal(svc_query(&req, "wait"), "2");
  assert_null(svc_query(&req, "size"));
  assert_null(svc_query(&req, "nope"));
  assert_string_equal(svc_header(&req, "content-type"), "application/json");
  struct svc_request empty = {.method = "GET", .path = "/"};
  assert_null(svc_query(&empty, "wait"));
  assert_null(svc_header(&empty, "Accept"));
}

struct seen {
  char text[128];
  int stop_after; /* stop once this many were seen (0: never) */
  int calls;
};

static int record(void *cls, const char *key, size_t key_len, const char *value,
                  size_t value_len) {
  struct seen *s = cls;
  size_t len = strlen(s->text);
  assert_int_equal(key_len, strlen(key));
  assert_int_equal(value_len, value != NULL ? strlen(value) : 0);
  snprintf(s->text + len, sizeof s->text - len, "%s=%s;", key,
           value != NULL ? value : "(null)");
  s->calls++;
  return s->stop_after != 0 && s->calls >= s->stop_after;
}

/* Bug caught: iteration that reorders, merges repeated names, drops an
 * argument without a value, ignores the visitor's stop, or returns a wrong
 * count; fake requests not iterable (whoami's unit tests rely on it). */
static void foreach_fake(void **state) {
  (void)state;
  const struct svc_kv h[] = {
      {"X-B", "2"}, {"X-A", "1"}, {"X-B", "again"}, {NULL, NULL}};
  const struct svc_kv q[] = {{"flag", NULL}, {"a", "1"}, {NULL, NULL}};
  struct svc_request req = {
      .method = "GET", .path = "/", .query = q, .headers = h};
  struct seen s = {{0}, 0, 0};
  assert_int_equal(svc_req_foreach_header(&req, record, &s), 3);
  assert_string_equal(s.text, "X-B=2;X-A=1;X-B=again;");
  memset(&s, 0, sizeof s);
  assert_int_equal(svc_req_foreach_query(&req, record, &s), 2);
  assert_string_equal(s.text, "flag=(null);a=1;");
  memset(&s, 0, sizeof s);
  s.stop_after = 2;
  assert_int_equal(svc_req_foreach_header(&req, record, &s), 2);
  assert_string_equal(s.text, "X-B=2;X-A=1;");
  struct svc_request empty = {.method = "GET", .path = "/"};
  memset(&s, 0, sizeof s);
  assert_int_equal(svc_req_foreach_header(&empty, record, &s), 0);
  assert_int_equal(svc_req_foreach_query(&empty, record, &s), 0);
  assert_int_equal(s.calls, 0);
}

/* Bug caught: error bodies that are not the documented JSON, or messages
 * with quotes breaking it. */
static void error_body(void **state) {
  (void)state;
  struct svc_response r = SVC_RESPONSE_INIT;
  assert_int_equal(svc_resp_error(&r, 400, "bad \"title\""), 0);
  assert_int_equal(r.status, 400);
  assert_string_equal(r.content_type, "application/json");
  assert_string_equal(r.body,
                      "{\"error\": \"bad \\\"title\\\"\", \"status\": 400}\n");
  assert_int_equal(r.body_len, strlen(r.body));
  svc_response_free(&r);
}

/* Bug caught: replacing a body leaking or keeping the old length; header
 * overflow past SVC_MAX_HEADERS. */
static void bodies_and_headers(void **state) {
  (void)state;
  struct svc_response r = SVC_RESPONSE_INIT;
  svc_resp_text(&r, 200, "text/plain", "first, longer body");
  svc_resp_printf(&r, 201, "text/plain", "id=%d", 7);
  assert_int_equal(r.status, 201);
  assert_int_equal(r.body_len, 4);
  assert_string_equal(r.body, "id=7");
  char *owned = malloc(3);
  memcpy(owned, "abc", 3);
  svc_resp_take(&r, 200, "application/octet-stream", owned, 3);
  assert_ptr_equal(r.body, owned);
  svc_resp_set(&r, 200, "x/y", "a\0b", 3);
  assert_memory_equal(r.body, "a\0b", 3);
  for (int i = 0; i < SVC_MAX_HEADERS; i++)
    assert_int_equal(svc_resp_header(&r, "X-N", "v"), 0);
  assert_int_equal(svc_resp_header(&r, "X-Over", "v"), -1);
  assert_int_equal(r.nheaders, SVC_MAX_HEADERS);
  svc_response_free(&r);
  assert_null(r.body);
  assert_int_equal(r.nheaders, 0);
}

/* Bug caught: a 204/304 sent with a Content-Type (the server used to add
 * application/octet-stream to every response without one), or the default
 * content type lost for ordinary statuses. */
static void bodiless_statuses(void **state) {
  (void)state;
  struct svc_response r = SVC_RESPONSE_INIT;
  r.status = 204;
  assert_null(svc_resp_content_type(&r));
  assert_int_equal(svc_resp_text(&r, 304, "text/plain", "x"), 0);
  assert_null(svc_resp_content_type(&r));
  r.status = 101;
  assert_null(svc_resp_content_type(&r));
  r.status = 200;
  assert_string_equal(svc_resp_content_type(&r), "text/plain");
  r.content_type = NULL;
  assert_string_equal(svc_resp_content_type(&r), "application/octet-stream");
  r.status = 205;
  assert_non_null(svc_resp_content_type(&r));
  assert_true(svc_status_bodiless(204));
  assert_true(svc_status_bodiless(304));
  assert_false(svc_status_bodiless(200));
  assert_false(svc_status_bodiless(404));
  svc_response_free(&r);
}

static int freed;
static void count_free(void *cls) { freed += *(int *)cls; }
static ssize_t fill_x(void *cls, uint64_t pos, char *buf, size_t max) {
  (void)cls;
  (void)pos;
  memset(buf, 'x', max);
  return (ssize_t)max;
}

/* Bug caught: a stream's free_cb not run (leak) or run twice when the
 * response is freed or replaced; a stream left behind when a body or an
 * error replaces it (the server would send the stream); a stream keeping an
 * earlier malloc'd body. */
static void stream_ownership(void **state) {
  (void)state;
  int one = 1;
  struct svc_response r = SVC_RESPONSE_INIT;
  freed = 0;
  assert_int_equal(svc_resp_text(&r, 200, "text/plain", "old"), 0);
  assert_int_equal(svc_resp_stream(&r, 200, "x/y", 5, fill_x, &one, count_free),
                   0);
  assert_null(r.body);
  assert_int_equal(r.body_len, 5);
  assert_ptr_equal(r.fill, fill_x);
  assert_string_equal(r.content_type, "x/y");
  svc_response_free(&r);
  assert_int_equal(freed, 1);
  assert_null(r.fill);
  svc_response_free(&r);
  assert_int_equal(freed, 1);

  assert_int_equal(svc_resp_stream(&r, 200, "x/y", 5, fill_x, &one, count_free),
                   0);
  assert_int_equal(svc_resp_error(&r, 500, "internal error"), 0);
  assert_int_equal(freed, 2);
  assert_null(r.fill);
  assert_non_null(strstr(r.body, "internal error"));
  svc_response_free(&r);
  assert_int_equal(freed, 2);

  /* no free_cb: nothing to call */
  assert_int_equal(svc_resp_stream(&r, 200, NULL, 0, fill_x, NULL, NULL), 0);
  svc_response_free(&r);
  assert_int_equal(freed, 2);
}

/* Bug caught: access log lines that a JSON reader rejects, or a request
 * path that forges a second text line. */
static void access_line(void **state) {
  (void)state;
  const struct log_access a = {.method = "GET",
                               .path = "/x\n\"y\xff",
                               .version = "HTTP/1.1",
                               .remote = "127.0.0.1",
                               .remote_port = 5555,
                               .status = 200,
                               .bytes = 12,
                               .seconds = 0.0015};
  struct sb b = SB_INIT;
  assert_int_equal(log_format_access(&b, SVC_LOG_JSON, "T", &a), 0);
  assert_string_equal(
      b.buf,
      "{\"time\":\"T\",\"method\":\"GET\",\"path\":\"/x\\n\\\"y\\ufffd\","
      "\"proto\":\"HTTP/1.1\",\"status\":200,\"bytes\":12,"
      "\"duration_ms\":1.500,\"remote\":\"127.0.0.1\","
      "\"remote_port\":5555}\n");
  sb_free(&b);
  assert_int_equal(log_format_access(&b, SVC_LOG_TEXT, "T", &a), 0);
  assert_string_equal(b.buf,
                      "T 127.0.0.1:5555 \"GET /x\\x0a\"y\\xff HTTP/1.1\" "
                      "200 12 1.500ms\n");
  sb_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(fake_lookups),      cmocka_unit_test(foreach_fake),
      cmocka_unit_test(error_body),        cmocka_unit_test(bodies_and_headers),
      cmocka_unit_test(bodiless_statuses), cmocka_unit_test(stream_ownership),
      cmocka_unit_test(access_line),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
