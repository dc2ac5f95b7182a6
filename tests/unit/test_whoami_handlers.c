/* Unit tests of services/whoami/whoami.c: the handlers on fake requests
 * (svc.h's test seam: req->query / req->headers arrays, no MHD; a deferred
 * answer is awaited with svc_await), and svc_after wrapped (-Wl,--wrap,
 * services/whoami/service.mk) so that a test can make the layer's timer
 * fire at once as if the drain cut the wait short. The cut policy itself
 * (when the drain cuts a wait) is the layer's: test_common_timer.c. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <cmocka.h>

#include "../../services/whoami/whoami.h"

static struct whoami_ctx ctx = {.max_data = 1000, .max_wait_ms = 500};

/* The seam: the real timer, or (cut_now) a callback at once with cut set,
 * as the layer's timer does for a wait the drain cuts short. after_calls
 * counts the timers asked for. */
static int cut_now;
static int after_calls;

int __real_svc_after(uint64_t ms, void (*fn)(void *cls, bool cut), void *cls);
int __wrap_svc_after(uint64_t ms, void (*fn)(void *cls, bool cut), void *cls);
int __wrap_svc_after(uint64_t ms, void (*fn)(void *cls, bool cut), void *cls) {
  after_calls++;
  if (!cut_now)
    return __real_svc_after(ms, fn, cls);
  fn(cls, true);
  return 0;
}

static struct svc_request request(const char *path, const struct svc_kv *query,
                                  const struct svc_kv *headers) {
  struct svc_request req = {.method = "GET",
                            .path = path,
                            .version = "HTTP/1.1",
                            .remote_addr = "192.0.2.7",
                            .remote_port = 4242,
                            .ctx = &ctx,
                            .query = query,
                            .headers = headers};
  return req;
}

static const char *resp_header(const struct svc_response *resp,
                               const char *name) {
  size_t i;

  for (i = 0; i < resp->nheaders; i++) {
    if (strcmp(resp->headers[i].name, name) == 0)
      return resp->headers[i].value;
  }
  return NULL;
}

/* Runs handler and expects status with a body containing want. */
static void expect(svc_handler handler, const struct svc_request *req,
                   int status, const char *want) {
  struct svc_response resp = SVC_RESPONSE_INIT;

  assert_int_equal(handler(req, &resp), 0);
  svc_await(&resp);
  assert_int_equal(resp.status, status);
  assert_non_null(resp.body);
  assert_non_null(strstr(resp.body, want));
  svc_response_free(&resp);
}

static void data_fails(const char *size, const char *want) {
  const struct svc_kv q[] = {{"size", size}, {NULL, NULL}};
  struct svc_request req = request("/data", q, NULL);

  expect(whoami_data, &req, 400, want);
}

/* Bug caught: bad sizes served (as 0 or as a huge allocation) instead of a
 * 400 naming the problem. */
static void test_data_bad_sizes(void **state) {
  struct svc_request req = request("/data", NULL, NULL);

  (void)state;
  expect(whoami_data, &req, 400, "missing size: use /data?size=N");
  data_fails("", "invalid size: empty value");
  data_fails("ten", "invalid size: expected decimal digits");
  data_fails("-1", "invalid size: negative value");
  data_fails("99999999999999999999", "invalid size: value too large");
  data_fails("1.5", "fractions are not supported");
  data_fails("5kb", "unknown unit");
}

/* Bug caught: the limit not applied, applied off by one, or not named. */
static void test_data_over_max(void **state) {
  (void)state;
  data_fails("1001", "invalid size: 1001 bytes exceeds the maximum of 1000 "
                     "bytes (--max-data, WHOAMI_MAX_DATA)");
  data_fails("1KiB", "exceeds the maximum of 1000 bytes");
}

/* Bug caught: a wrong byte count, a wrong content type, a body buffered in
 * memory (size bytes allocated) instead of streamed, a stream that writes
 * past the block it is given or anything but zeros. */
static void test_data_sizes(void **state) {
  static const char *const sizes[] = {"0", "1", "1000"};
  static const size_t want[] = {0, 1, 1000};
  size_t i;

  (void)state;
  for (i = 0; i < 3; i++) {
    const struct svc_kv q[] = {{"size", sizes[i]}, {NULL, NULL}};
    struct svc_request req = request("/data", q, NULL);
    struct svc_response resp = SVC_RESPONSE_INIT;
    char block[301];
    size_t pos = 0;

    assert_int_equal(whoami_data(&req, &resp), 0);
    assert_int_equal(resp.status, 200);
    assert_int_equal(resp.body_len, want[i]);
    assert_string_equal(resp.content_type, "application/octet-stream");
    assert_null(resp.body);
    assert_non_null(resp.fill);
    /* read it as the server does: blocks no larger than what is left */
    while (pos < resp.body_len) {
      size_t max = resp.body_len - pos < 300 ? resp.body_len - pos : 300;
      size_t j;
      ssize_t n;

      memset(block, 'x', sizeof block);
      n = resp.fill(resp.fill_cls, pos, block, max);
      assert_true(n > 0 && (size_t)n <= max);
      for (j = 0; j < (size_t)n; j++)
        assert_int_equal(block[j], 0);
      assert_int_equal(block[max], 'x');
      pos += (size_t)n;
    }
    assert_int_equal(pos, want[i]);
    svc_response_free(&resp);
  }
}

/* Bug caught: headers missing, reordered or duplicates merged; request
 * facts (remote, method, protocol) wrong. */
static void test_root_text(void **state) {
  const struct svc_kv h[] = {{"Host", "h:1"},
                             {"X-B", "2"},
                             {"X-A", "1"},
                             {"X-A", "again"},
                             {NULL, NULL}};
  struct svc_request req = request("/", NULL, h);
  struct svc_response resp = SVC_RESPONSE_INIT;

  (void)state;
  assert_int_equal(whoami_root(&req, &resp), 0);
  assert_int_equal(resp.status, 200);
  assert_string_equal(resp.content_type, "text/plain; charset=utf-8");
  assert_non_null(strstr(resp.body, "Hostname: "));
  assert_non_null(strstr(resp.body, "\nRemoteAddr: 192.0.2.7:4242\n"
                                    "Method: GET\nURL: /\n"
                                    "Protocol: HTTP/1.1\n\n"
                                    "Host: h:1\nX-B: 2\nX-A: 1\nX-A: again\n"));
  assert_string_equal(resp_header(&resp, "Vary"), "Accept");
  assert_null(resp_header(&resp, "X-Whoami-Waited-Ms"));
  svc_response_free(&resp);
}

/* Bug caught: headers past the list's inline room (16) lost, reordered or
 * their values garbled when the list moves to the heap (40: two moves). */
static void test_root_many_headers(void **state) {
  enum { N = 40 };
  char names[N][8], values[N][8];
  struct svc_kv h[N + 1];
  char want[N * 16 + 1];
  size_t off = 0;

  (void)state;
  for (int i = 0; i < N; i++) {
    snprintf(names[i], sizeof names[i], "X-%d", i);
    snprintf(values[i], sizeof values[i], "v%d", i);
    h[i] = (struct svc_kv){names[i], values[i]};
    off += (size_t)snprintf(want + off, sizeof want - off, "X-%d: v%d\n", i, i);
  }
  h[N] = (struct svc_kv){NULL, NULL};
  struct svc_request req = request("/", NULL, h);
  expect(whoami_root, &req, 200, want);
}

/* Bug caught: the query string dropped from URL, or not re-encoded (a
 * decoded space or newline would reach the output raw). */
static void test_root_url_with_query(void **state) {
  const struct svc_kv q[] = {
      {"a", "1"}, {"b", "x y\n"}, {"flag", NULL}, {NULL, NULL}};
  struct svc_request req = request("/", q, NULL);

  (void)state;
  expect(whoami_root, &req, 200, "\nURL: /?a=1&b=x%20y%0A&flag\n");
}

/* Bug caught: Accept ignored on /, or /api answering text. */
static void test_negotiation(void **state) {
  const struct svc_kv json[] = {{"Accept", "application/json"}, {NULL, NULL}};
  const struct svc_kv any[] = {{"Accept", "*/*"}, {NULL, NULL}};
  struct svc_request root_json = request("/", NULL, json);
  struct svc_request api_any = request("/api", NULL, any);
  struct svc_response resp = SVC_RESPONSE_INIT;

  (void)state;
  assert_int_equal(whoami_root(&root_json, &resp), 0);
  assert_string_equal(resp.content_type, "application/json");
  assert_non_null(strstr(resp.body, "\"remote_addr\":\"192.0.2.7\","
                                    "\"remote_port\":4242,"));
  svc_response_free(&resp);
  assert_int_equal(whoami_api(&api_any, &resp), 0);
  assert_int_equal(resp.status, 200);
  assert_string_equal(resp.content_type, "application/json");
  assert_non_null(strstr(resp.body, "\"headers\":[{\"name\":\"Accept\","
                                    "\"value\":\"*/*\"}]}"));
  svc_response_free(&resp);
}

static void wait_fails(const char *wait, const char *want) {
  const struct svc_kv q[] = {{"wait", wait}, {NULL, NULL}};
  struct svc_request req = request("/", q, NULL);

  expect(whoami_root, &req, 400, want);
  req.path = "/api";
  expect(whoami_api, &req, 400, want);
}

/* Bug caught: malformed or excessive waits accepted (a client could hold
 * a thread for ever). */
static void test_wait_errors(void **state) {
  (void)state;
  wait_fails("", "invalid duration: empty value");
  wait_fails("soon", "invalid duration: expected decimal digits");
  wait_fails("-5", "invalid duration: negative value");
  wait_fails("2h", "invalid duration: unknown unit");
  wait_fails("501", "invalid wait: 501 ms exceeds the maximum of 500 ms "
                    "(--max-wait, WHOAMI_MAX_WAIT)");
  wait_fails("1s", "invalid wait: 1000 ms exceeds the maximum of 500 ms");
}

/* Bug caught: the wait skipped or shortened (a wait used to start from a
 * time rounded down to the millisecond and could end up to 1 ms short:
 * this failed about 1 run in 6), or the handler blocking for the wait
 * instead of deferring the answer (a thread held per waiting request).
 * Only lower bounds: load can lengthen a wait, never shorten it. */
static void test_wait_delays(void **state) {
  const struct svc_kv q[] = {{"wait", "120ms"}, {NULL, NULL}};
  struct svc_request req = request("/", q, NULL);
  struct svc_response resp = SVC_RESPONSE_INIT;
  struct timespec t0;
  struct timespec t1;
  double ms;

  (void)state;
  after_calls = 0;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  assert_int_equal(whoami_root(&req, &resp), 0);
  /* deferred, not slept: nothing answered yet, one timer asked for */
  assert_non_null(resp.pending);
  assert_int_equal(resp.status, 0);
  assert_int_equal(after_calls, 1);
  svc_await(&resp);
  clock_gettime(CLOCK_MONOTONIC, &t1);
  ms = (double)(t1.tv_sec - t0.tv_sec) * 1e3 +
       (double)(t1.tv_nsec - t0.tv_nsec) / 1e6;
  assert_int_equal(resp.status, 200);
  assert_true(ms >= 120.0);
  assert_true(atoi(resp_header(&resp, "X-Whoami-Waited-Ms")) >= 120);
  assert_null(resp_header(&resp, "X-Whoami-Wait-Cut"));
  assert_non_null(strstr(resp.body, "\nURL: /?wait=120ms\n"));
  svc_response_free(&resp);
}

/* Bug caught: a wait the drain cut short not flagged (a client could not
 * tell a cut demo wait from a full one), or its answer lost. */
static void test_wait_cut(void **state) {
  const struct svc_kv q[] = {{"wait", "500ms"}, {NULL, NULL}};
  struct svc_request req = request("/api", q, NULL);
  struct svc_response resp = SVC_RESPONSE_INIT;

  (void)state;
  cut_now = 1;
  assert_int_equal(whoami_api(&req, &resp), 0);
  cut_now = 0;
  svc_await(&resp);
  assert_int_equal(resp.status, 200);
  assert_string_equal(resp.content_type, "application/json");
  assert_non_null(resp_header(&resp, "X-Whoami-Wait-Cut"));
  assert_string_equal(resp_header(&resp, "X-Whoami-Wait-Cut"), "draining");
  assert_true(atoi(resp_header(&resp, "X-Whoami-Waited-Ms")) < 500);
  svc_response_free(&resp);
}

/* Bug caught: a request without ?wait= deferred or delayed. */
static void test_no_wait_answers_at_once(void **state) {
  struct svc_request req = request("/", NULL, NULL);
  struct svc_response resp = SVC_RESPONSE_INIT;

  (void)state;
  after_calls = 0;
  assert_int_equal(whoami_root(&req, &resp), 0);
  assert_null(resp.pending);
  assert_int_equal(after_calls, 0);
  assert_int_equal(resp.status, 200);
  svc_response_free(&resp);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_data_bad_sizes),
      cmocka_unit_test(test_data_over_max),
      cmocka_unit_test(test_data_sizes),
      cmocka_unit_test(test_root_text),
      cmocka_unit_test(test_root_many_headers),
      cmocka_unit_test(test_root_url_with_query),
      cmocka_unit_test(test_negotiation),
      cmocka_unit_test(test_wait_errors),
      cmocka_unit_test(test_wait_delays),
      cmocka_unit_test(test_wait_cut),
      cmocka_unit_test(test_no_wait_answers_at_once),
  };

  return cmocka_run_group_tests_name("whoami_handlers", tests, NULL, NULL);
}
