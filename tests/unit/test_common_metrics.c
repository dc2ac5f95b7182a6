/* test_common_metrics.c: counters and the Prometheus text exposition. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdio.h>
#include <string.h>

#include "metrics.h"

static const char *const routes[] = {"/", "/notes/{id}", "/a\"b\\c"};
static const struct metrics_info info = {.service = "hello",
                                         .version = "1.2.3",
                                         .variant = "scratch",
                                         .revision = "abc",
                                         .start_time = 1700000000.5};

static struct sb rendered; /* freed at the end of each test */

static char *render(struct metrics *m) {
  sb_free(&rendered);
  assert_int_equal(metrics_render(m, &info, &rendered), 0);
  return rendered.buf;
}

static void has_line(const char *text, const char *line) {
  char want[512];
  snprintf(want, sizeof want, "\n%s\n", line);
  if (strstr(text, want) == NULL)
    fail_msg("missing line \"%s\" in:\n%s", line, text);
}

/* Bug caught: series merged across route/method/code or counted twice. */
static void counts_by_route_method_code(void **state) {
  (void)state;
  struct metrics *m = metrics_new(routes, 3);
  metrics_observe(m, 0, "GET", 200, 0.001);
  metrics_observe(m, 0, "GET", 200, 0.001);
  metrics_observe(m, 0, "HEAD", 200, 0.001);
  metrics_observe(m, 1, "DELETE", 404, 0.001);
  metrics_observe(m, 3, "GET", 404, 0.001);
  metrics_observe(m, 0, "BREW", 405, 0.001);
  const char *t = render(m);
  has_line(t, "# TYPE http_requests_total counter");
  has_line(t, "http_requests_total{route=\"/\",method=\"GET\",code=\"200\"} 2");
  has_line(t,
           "http_requests_total{route=\"/\",method=\"HEAD\",code=\"200\"} 1");
  has_line(t, "http_requests_total{route=\"/notes/"
              "{id}\",method=\"DELETE\",code=\"404\"} 1");
  has_line(
      t,
      "http_requests_total{route=\"unmatched\",method=\"GET\",code=\"404\"} 1");
  /* arbitrary client methods must not create series of their own */
  has_line(t,
           "http_requests_total{route=\"/\",method=\"other\",code=\"405\"} 1");
  assert_null(strstr(t, "BREW"));
  metrics_free(m);
  sb_free(&rendered);
}

/* Bug caught: non-cumulative buckets, wrong bucket edges, wrong sum. */
static void histogram(void **state) {
  (void)state;
  struct metrics *m = metrics_new(routes, 3);
  metrics_observe(m, 1, "GET", 200, 0.0004);
  metrics_observe(m, 1, "GET", 200, 0.005); /* exactly on an edge: le */
  metrics_observe(m, 1, "GET", 200, 0.3);
  metrics_observe(m, 1, "GET", 200, 60); /* beyond the last bucket */
  const char *t = render(m);
  has_line(t, "# TYPE http_request_duration_seconds histogram");
  has_line(t, "http_request_duration_seconds_bucket{route=\"/notes/"
              "{id}\",le=\"0.0005\"} 1");
  has_line(t, "http_request_duration_seconds_bucket{route=\"/notes/"
              "{id}\",le=\"0.005\"} 2");
  has_line(t, "http_request_duration_seconds_bucket{route=\"/notes/"
              "{id}\",le=\"0.25\"} 2");
  has_line(t, "http_request_duration_seconds_bucket{route=\"/notes/"
              "{id}\",le=\"0.5\"} 3");
  has_line(t, "http_request_duration_seconds_bucket{route=\"/notes/"
              "{id}\",le=\"10\"} 3");
  has_line(t, "http_request_duration_seconds_bucket{route=\"/notes/"
              "{id}\",le=\"+Inf\"} 4");
  has_line(t, "http_request_duration_seconds_count{route=\"/notes/{id}\"} 4");
  has_line(
      t,
      "http_request_duration_seconds_sum{route=\"/notes/{id}\"} 60.305400000");
  metrics_free(m);
  sb_free(&rendered);
}

/* Bug caught: gauge not going down, build info or start time missing,
 * label values not escaped. */
static void gauge_info_escaping(void **state) {
  (void)state;
  struct metrics *m = metrics_new(routes, 3);
  metrics_inflight(m, 1);
  metrics_inflight(m, 1);
  metrics_inflight(m, -1);
  metrics_observe(m, 2, "GET", 200, 0);
  const char *t = render(m);
  has_line(t, "# TYPE http_requests_in_flight gauge");
  has_line(t, "http_requests_in_flight 1");
  has_line(t, "build_info{service=\"hello\",version=\"1.2.3\",variant="
              "\"scratch\",revision=\"abc\"} 1");
  has_line(t, "process_start_time_seconds 1700000000.500");
  has_line(t, "http_requests_total{route=\"/"
              "a\\\"b\\\\c\",method=\"GET\",code=\"200\"} 1");
  metrics_free(m);
  sb_free(&rendered);
}

/* Bug caught: unbounded series growth (memory) or a lost count when the
 * series table is full. */
static void series_cap(void **state) {
  (void)state;
  struct metrics *m = metrics_new(routes, 3);
  for (int code = 100; code < 100 + 600; code++)
    metrics_observe(m, 0, "GET", code, 0);
  const char *t = render(m);
  has_line(t, "http_requests_total{route=\"unmatched\",method=\"other\",code="
              "\"other\"} 89");
  has_line(t, "http_requests_total{route=\"/\",method=\"GET\",code=\"610\"} 1");
  assert_null(strstr(t, "code=\"611\""));
  metrics_free(m);
  sb_free(&rendered);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(counts_by_route_method_code),
      cmocka_unit_test(histogram),
      cmocka_unit_test(gauge_info_escaping),
      cmocka_unit_test(series_cap),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
