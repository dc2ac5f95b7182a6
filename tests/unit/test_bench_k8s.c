/* Unit tests of the kubectl output parser (benchmarks/k8s/k8s.c) on the
 * constructed (hand-written, not captured) recordings in tests/fixtures/k8s/
 * (BENCH_FIXTURES overrides the fixtures root): the API server's
 * timestamps, and the client-side stamped watch streams. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "csv.h"
#include "k8s.h"

/* cmocka 1.1's assert_float_equal casts to float (24-bit mantissa): too
 * coarse for epoch seconds and small tolerances, so compare doubles. */
#define assert_near(a, b, eps)                                                 \
  assert_true(fabs((double)(a) - (double)(b)) <= (eps))

#define EPS 1e-6

static char *load(const char *name, size_t *len) {
  const char *root = getenv("BENCH_FIXTURES");
  char path[1024], err[256];
  snprintf(path, sizeof path, "%s/k8s/%s", root ? root : "tests/fixtures",
           name);
  char *b = csv_slurp(path, len, err, sizeof err);
  if (b == NULL)
    fail_msg("%s", err);
  return b;
}

/* Known epochs: 1970-01-01T00:00:00Z = 0; 2000-03-01 = 951868800 (after a
 * leap day); offsets subtract. Catches month/leap-year and sign errors. */
static void rfc3339_valid(void **state) {
  (void)state;
  double t;
  char err[256];
  assert_int_equal(k8s_parse_time("1970-01-01T00:00:00Z", &t, err, sizeof err),
                   0);
  assert_near(t, 0, EPS);
  assert_int_equal(k8s_parse_time("2000-03-01T00:00:00Z", &t, err, sizeof err),
                   0);
  assert_near(t, 951868800.0, EPS);
  assert_int_equal(k8s_parse_time("2026-11-20T10:15:02Z", &t, err, sizeof err),
                   0);
  assert_near(t, 1795169702.0, EPS);
  assert_int_equal(
      k8s_parse_time("2026-11-20T12:15:02.5+02:00", &t, err, sizeof err), 0);
  assert_near(t, 1795169702.5, EPS);
  assert_int_equal(
      k8s_parse_time("2026-11-20t05:45:02.417384-04:30", &t, err, sizeof err),
      0);
  assert_near(t, 1795169702.417384, EPS);
  assert_int_equal(k8s_parse_time("2024-02-29T23:59:60z", &t, err, sizeof err),
                   0);
}

/* Catches: impossible dates, missing zone or junk accepted. */
static void rfc3339_invalid(void **state) {
  (void)state;
  static const struct {
    const char *in, *msg;
  } cases[] = {
      {"2026-11-20 10:15:02Z", "expected YYYY-MM-DDTHH:MM:SS"},
      {"2026-11-20T10:15Z", "expected YYYY-MM-DDTHH:MM:SS"},
      {"2026-13-01T00:00:00Z", "out of range"},
      {"2023-02-29T00:00:00Z", "out of range"},
      {"2026-11-20T24:00:00Z", "out of range"},
      {"2026-11-20T10:15:02", "missing time zone"},
      {"2026-11-20T10:15:02.Z", "empty fraction"},
      {"2026-11-20T10:15:02+0200", "bad UTC offset"},
      {"2026-11-20T10:15:02Zjunk", "trailing text"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    double t = 7;
    char err[256] = "";
    assert_int_equal(k8s_parse_time(cases[i].in, &t, err, sizeof err), -1);
    if (strstr(err, cases[i].msg) == NULL)
      fail_msg("'%s': got '%s'", cases[i].in, err);
    assert_near(t, 7, EPS);
  }
}

/* Catches: "ms" read as minutes, compound durations summed wrong. */
static void go_durations(void **state) {
  (void)state;
  double s;
  assert_int_equal(k8s_parse_go_duration("1.832s", &s), 0);
  assert_near(s, 1.832, EPS);
  assert_int_equal(k8s_parse_go_duration("850ms", &s), 0);
  assert_near(s, 0.85, EPS);
  assert_int_equal(k8s_parse_go_duration("1m2.5s", &s), 0);
  assert_near(s, 62.5, EPS);
  assert_int_equal(k8s_parse_go_duration("1h0m0s", &s), 0);
  assert_near(s, 3600, EPS);
  assert_int_equal(k8s_parse_go_duration("12\xc2\xb5s", &s), 0);
  assert_near(s, 12e-6, 1e-12);
  assert_int_equal(k8s_parse_go_duration("0", &s), 0);
  assert_int_equal(k8s_parse_go_duration("", &s), -1);
  assert_int_equal(k8s_parse_go_duration("5", &s), -1);
  assert_int_equal(k8s_parse_go_duration("5 s", &s), -1);
  assert_int_equal(k8s_parse_go_duration("5d", &s), -1);
}

/* Catches: the earlier pod's Pulling event (same name, other uid) taken;
 * the kubelet pull duration not read; scheduler eventTime ignored. */
static void cold_pod(void **state) {
  (void)state;
  size_t pl, el;
  char *p = load("pod-cold.json", &pl), *e = load("events-cold.json", &el);
  struct k8s_phases ph;
  char err[256];
  assert_int_equal(k8s_pod_phases(p, pl, e, el, NULL, &ph, err, sizeof err), 0);
  double c = ph.created;
  assert_near(ph.scheduled - c, 0, EPS);
  assert_near(ph.pulling - c, 1, EPS);
  assert_near(ph.pulled - c, 3, EPS);
  assert_near(ph.started - c, 4, EPS);
  assert_near(ph.ready - c, 5, EPS);
  assert_near(ph.pull_reported, 1.832, EPS);
  assert_int_equal(ph.image_present, 0);
  assert_string_equal(ph.phase, "Running");
  /* by container name too; an unknown name gives no start time */
  assert_int_equal(k8s_pod_phases(p, pl, e, el, "app", &ph, err, sizeof err),
                   0);
  assert_near(ph.started - c, 4, EPS);
  assert_int_equal(
      k8s_pod_phases(p, pl, e, el, "sidecar", &ph, err, sizeof err), 0);
  assert_true(ph.started < 0);
  free(p);
  free(e);
}

/* Catches: "already present" not recognised, so a warm start looks like a
 * pull with a missing duration. */
static void warm_pod(void **state) {
  (void)state;
  size_t pl, el;
  char *p = load("pod-warm.json", &pl), *e = load("events-warm.json", &el);
  struct k8s_phases ph;
  char err[256];
  assert_int_equal(k8s_pod_phases(p, pl, e, el, NULL, &ph, err, sizeof err), 0);
  assert_int_equal(ph.image_present, 1);
  assert_true(ph.pulling < 0);
  assert_true(ph.pull_reported < 0);
  assert_near(ph.pulled - ph.created, 1, EPS);
  assert_near(ph.ready - ph.created, 2, EPS);
  free(p);
  free(e);
}

/* Catches: a Ready=False condition's time taken as ready; waiting reason lost. */
static void pending_pod(void **state) {
  (void)state;
  size_t pl, el;
  char *p = load("pod-pending.json", &pl),
       *e = load("events-pending.json", &el);
  struct k8s_phases ph;
  char err[256];
  assert_int_equal(k8s_pod_phases(p, pl, e, el, NULL, &ph, err, sizeof err), 0);
  assert_true(ph.ready < 0);
  assert_true(ph.started < 0);
  assert_true(ph.pulled < 0);
  assert_near(ph.pulling - ph.created, 1, EPS);
  assert_string_equal(ph.phase, "Pending");
  assert_string_equal(ph.waiting, "ImagePullBackOff");
  free(p);
  free(e);
}

/* Catches: pods not yet ready counted; first/last swapped. */
static void scale_list(void **state) {
  (void)state;
  size_t l;
  char *b = load("pods-scale.json", &l);
  struct k8s_scale s;
  char err[256];
  assert_int_equal(k8s_scale_ready(b, l, &s, err, sizeof err), 0);
  assert_int_equal(s.pods, 4);
  assert_int_equal(s.ready, 3);
  double t0;
  assert_int_equal(k8s_parse_time("2026-11-20T10:30:01Z", &t0, err, sizeof err),
                   0);
  assert_near(s.first_ready - t0, 2, EPS);
  assert_near(s.last_ready - t0, 3, EPS);
  free(b);
}

static void bad_json(void **state) {
  (void)state;
  struct k8s_phases ph;
  char err[256];
  const char *notpod = "{\"kind\":\"Service\",\"metadata\":{\"name\":\"x\"}}";
  assert_int_equal(k8s_pod_phases(notpod, strlen(notpod), NULL, 0, NULL, &ph,
                                  err, sizeof err),
                   -1);
  assert_non_null(strstr(err, "kind is Service, expected Pod"));
  const char *nots = "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\"}}";
  assert_int_equal(
      k8s_pod_phases(nots, strlen(nots), NULL, 0, NULL, &ph, err, sizeof err),
      -1);
  assert_non_null(strstr(err, "no metadata.creationTimestamp"));
  const char *badts = "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\","
                      "\"creationTimestamp\":\"yesterday\"}}";
  assert_int_equal(
      k8s_pod_phases(badts, strlen(badts), NULL, 0, NULL, &ph, err, sizeof err),
      -1);
  assert_non_null(strstr(err, "invalid timestamp 'yesterday'"));
  const char *ok = "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\","
                   "\"creationTimestamp\":\"2026-01-01T00:00:00Z\"}}";
  assert_int_equal(
      k8s_pod_phases(ok, strlen(ok), "{", 1, NULL, &ph, err, sizeof err), -1);
  assert_non_null(strstr(err, "invalid events json"));
  assert_int_equal(
      k8s_pod_phases(ok, strlen(ok), "{}", 2, NULL, &ph, err, sizeof err), -1);
  assert_non_null(strstr(err, "no items array"));
  struct k8s_scale s;
  assert_int_equal(k8s_scale_ready("{}", 2, &s, err, sizeof err), -1);
  assert_non_null(strstr(err, "no items array"));
}

#define MS 1000000LL

/* A fake clock for k8s_stamp: 1000, 2000, ... */
static int64_t fake_now;
static int64_t fake_clock(void) {
  fake_now += 1000;
  return fake_now;
}

/* kubectl's pretty-printed watch output -> one stamped compact line per
 * object, which k8s_watch_pod then reads. Catches: values split or merged
 * wrongly, lines that are not compact (a newline inside would break the
 * line format). */
static void stamp_raw(void **state) {
  (void)state;
  size_t len, n = 0;
  char *raw = load("watch-raw.json", &len);
  FILE *in = fmemopen(raw, len, "r");
  char *outbuf = NULL;
  size_t outlen = 0;
  FILE *out = open_memstream(&outbuf, &outlen);
  char err[256];
  fake_now = 0;
  assert_int_equal(k8s_stamp(in, out, fake_clock, &n, err, sizeof err), 0);
  fclose(in);
  fclose(out);
  assert_int_equal(n, 3);
  /* three lines, each "<ns> {...}" */
#define STARTS(s, lit) assert_int_equal(strncmp((s), lit, strlen(lit)), 0)
  STARTS(outbuf, "1000 "
                 "{\"type\":\"ADDED\",\"object\":{\"apiVersion\":\"v1\","
                 "\"kind\":\"Pod\",");
  char *l2 = strchr(outbuf, '\n') + 1, *l3 = strchr(l2, '\n') + 1;
  STARTS(l2, "2000 {\"type\":\"MODIFIED\",\"object\":{");
  STARTS(l3, "3000 {\"type\":\"ERROR\",\"object\":{");
  assert_non_null(strchr(l3, '\n'));
  assert_string_equal(strchr(l3, '\n'), "\n");
  struct k8s_watch w;
  assert_int_equal(k8s_watch_pod(outbuf, outlen, NULL, 0,
                                 "sl-hello-scratch-cold-3", NULL, &w, err,
                                 sizeof err),
                   0);
  assert_true(w.added == 1000);
  assert_true(w.scheduled == 2000);
  assert_true(w.running == -1);
  assert_int_equal(w.pod_objects, 2);
  free(raw);
  free(outbuf);
}

static int stamp_string(const char *in_text, size_t *n, char *err,
                        size_t errlen) {
  FILE *in = fmemopen((void *)in_text, strlen(in_text), "r");
  FILE *out = fopen("/dev/null", "w");
  int rc = k8s_stamp(in, out, fake_clock, n, err, errlen);
  fclose(in);
  fclose(out);
  return rc;
}

/* Catches: kubectl's "No resources found" or a truncated object taken as
 * data; empty input treated as an error. */
static void stamp_bad(void **state) {
  (void)state;
  size_t n = 9;
  char err[256] = "";
  assert_int_equal(stamp_string("", &n, err, sizeof err), 0);
  assert_int_equal(n, 0);
  assert_int_equal(stamp_string(" \n\t\n", &n, err, sizeof err), 0);
  assert_int_equal(n, 0);
  assert_int_equal(
      stamp_string("No resources found in x namespace.\n", &n, err, sizeof err),
      -1);
  assert_string_equal(err, "value 1: expected a JSON object, got 'N'");
  assert_int_equal(stamp_string("{\"a\":1}\n{\"a\":", &n, err, sizeof err), -1);
  assert_non_null(strstr(err, "value 2: invalid JSON"));
  assert_int_equal(stamp_string("{\"a\":1}[1]", &n, err, sizeof err), -1);
  assert_string_equal(err, "value 2: expected a JSON object, got '['");
  assert_int_equal(stamp_string("\x01", &n, err, sizeof err), -1);
  assert_string_equal(err, "value 1: expected a JSON object, got byte 0x01");
}

static int64_t real_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_REALTIME, &ts);
  return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

/* The stamp is the arrival of the object's LAST byte: the writer sends
 * half an object, waits 150 ms, sends the rest and a second object.
 * Catches stamping at the first byte (or at end of input). */
static void stamp_arrival(void **state) {
  (void)state;
  int fds[2];
  assert_int_equal(pipe(fds), 0);
  int64_t t0 = real_ns();
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    struct timespec d = {0, 150 * 1000000L};
    close(fds[0]);
    (void)!write(fds[1], "{\n    \"a\": ", 11);
    nanosleep(&d, NULL);
    (void)!write(fds[1], "1\n}\n{\"b\":2}\n", 12);
    nanosleep(&d, NULL);
    _exit(0);
  }
  close(fds[1]);
  FILE *in = fdopen(fds[0], "r");
  char *outbuf = NULL;
  size_t outlen = 0, n = 0;
  FILE *out = open_memstream(&outbuf, &outlen);
  char err[256];
  assert_int_equal(k8s_stamp(in, out, real_ns, &n, err, sizeof err), 0);
  int64_t t_end = real_ns();
  fclose(in);
  fclose(out);
  waitpid(pid, NULL, 0);
  assert_int_equal(n, 2);
  long long s1, s2;
  char v1[32], v2[32];
  assert_int_equal(sscanf(outbuf, "%lld %31s\n%lld %31s", &s1, v1, &s2, v2), 4);
  assert_string_equal(v1, "{\"a\":1}");
  assert_string_equal(v2, "{\"b\":2}");
  assert_true(s1 - t0 >= 140 * MS);
  assert_true(s2 - s1 <
              100 * MS); /* arrived together, not at the end of input */
  assert_true(t_end - s2 >= 100 * MS);
  free(outbuf);
}

/* The cold watch: an earlier pod of the same name (terminating, then
 * DELETED), an ERROR watch event and the earlier pod's Pulling event must
 * all be ignored. Catches: phases taken from the old pod; the pull size or
 * duration not read from the kubelet's 1.30 message. */
static void watch_cold(void **state) {
  (void)state;
  size_t pl, el;
  char *p = load("watch-pods-cold.stamped", &pl),
       *e = load("watch-events-cold.stamped", &el);
  struct k8s_watch w;
  char err[256];
  assert_int_equal(k8s_watch_pod(p, pl, e, el, "sl-hello-scratch-cold-3", NULL,
                                 &w, err, sizeof err),
                   0);
  assert_string_equal(w.uid, "6f1c2a4e-93b1-4d0a-8a57-2b7f0c9d1e11");
  assert_string_equal(w.node, "worker-1");
  assert_int_equal(w.pod_objects, 5);
  assert_int_equal(w.pod_events, 5);
  assert_true(w.scheduled - w.added == 4100000);
  assert_true(w.running - w.added == 2312400000);
  assert_true(w.ready - w.added == 2315900000);
  assert_true(w.pulling - w.added == 12 * MS);
  assert_true(w.pulled - w.added == 2298700000);
  assert_near(w.pull_reported, 2.281, EPS);
  assert_true(w.image_bytes == 74943);
  assert_int_equal(w.image_present, 0);
  assert_string_equal(w.waiting, ""); /* running at the end */
  /* by container name; another name has no running time */
  assert_int_equal(k8s_watch_pod(p, pl, e, el, "sl-hello-scratch-cold-3", "app",
                                 &w, err, sizeof err),
                   0);
  assert_true(w.running - w.added == 2312400000);
  assert_int_equal(k8s_watch_pod(p, pl, e, el, "sl-hello-scratch-cold-3",
                                 "sidecar", &w, err, sizeof err),
                   0);
  assert_true(w.running == -1);
  free(p);
  free(e);
}

/* Catches: "already present" not recognised in the watch. */
static void watch_warm(void **state) {
  (void)state;
  size_t pl, el;
  char *p = load("watch-pods-warm.stamped", &pl),
       *e = load("watch-events-warm.stamped", &el);
  struct k8s_watch w;
  char err[256];
  assert_int_equal(k8s_watch_pod(p, pl, e, el, "sl-hello-scratch-warm-3", NULL,
                                 &w, err, sizeof err),
                   0);
  assert_int_equal(w.image_present, 1);
  assert_true(w.pulling == -1);
  assert_true(w.image_bytes == -1);
  assert_true(w.pull_reported < 0);
  assert_true(w.pulled - w.added == 9900000);
  assert_true(w.running - w.added == 61500000);
  assert_true(w.ready - w.added == 68400000);
  free(p);
  free(e);
}

/* Catches: a waiting container counted as running; a pod of another name
 * matched. */
static void watch_pending_and_absent(void **state) {
  (void)state;
  size_t pl, el;
  char *p = load("watch-pods-pending.stamped", &pl),
       *e = load("watch-events-pending.stamped", &el);
  struct k8s_watch w;
  char err[256];
  assert_int_equal(k8s_watch_pod(p, pl, e, el, "sl-hello-scratch-cold-4", NULL,
                                 &w, err, sizeof err),
                   0);
  assert_true(w.added > 0);
  assert_true(w.scheduled - w.added == 2900000);
  assert_true(w.running == -1 && w.ready == -1 && w.pulled == -1);
  assert_true(w.pulling - w.added == 12 * MS);
  assert_string_equal(w.waiting, "ImagePullBackOff");
  assert_int_equal(k8s_watch_pod(p, pl, e, el, "sl-hello-scratch-cold-9", NULL,
                                 &w, err, sizeof err),
                   0);
  assert_true(w.added == -1);
  assert_int_equal(w.pod_objects, 0);
  assert_int_equal(w.pod_events, 0);
  free(p);
  free(e);
}

/* Without --output-watch-events kubectl prints bare objects: accepted. */
static void watch_bare_objects(void **state) {
  (void)state;
  const char *s =
      "100 "
      "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\","
      "\"uid\":\"u1\"},\"status\":{\"phase\":\"Pending\"}}\n"
      "\n"
      "350 "
      "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\"p\","
      "\"uid\":\"u1\"},\"status\":{\"phase\":\"Running\","
      "\"conditions\":[{\"type\":\"Ready\",\"status\":\"True\"}],"
      "\"containerStatuses\":[{\"name\":\"app\",\"state\":{\"running\":{}}}]}}"
      "\n";
  struct k8s_watch w;
  char err[256];
  assert_int_equal(
      k8s_watch_pod(s, strlen(s), NULL, 0, "p", NULL, &w, err, sizeof err), 0);
  assert_true(w.added == 100 && w.ready == 350 && w.running == 350);
  assert_true(w.scheduled == -1);
}

/* Catches: malformed lines skipped silently (a broken recording would
 * then look like a pod that never became ready). */
static void watch_bad_lines(void **state) {
  (void)state;
  static const struct {
    const char *in, *msg;
  } cases[] = {
      {"abc {}\n", "pod stream: line 1: expected '<ns> <json>'"},
      {"\n12{}\n", "pod stream: line 2: expected '<ns> <json>'"},
      {"12 {bad\n", "pod stream: line 1: invalid JSON"},
      {"12 [1]\n", "pod stream: line 1: invalid JSON: not an object"},
      {"99999999999999999999 {}\n",
       "pod stream: line 1: timestamp out of range"},
  };
  struct k8s_watch w;
  char err[256];
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    err[0] = '\0';
    assert_int_equal(k8s_watch_pod(cases[i].in, strlen(cases[i].in), NULL, 0,
                                   "p", NULL, &w, err, sizeof err),
                     -1);
    if (strstr(err, cases[i].msg) == NULL)
      fail_msg("'%s': got '%s'", cases[i].in, err);
  }
  assert_int_equal(
      k8s_watch_pod("1 {}\n", 5, "x\n", 2, "p", NULL, &w, err, sizeof err), -1);
  assert_non_null(strstr(err, "event stream: line 1"));
  struct k8s_watch_scale s;
  assert_int_equal(k8s_watch_scale("1 x\n", 4, 0, &s, err, sizeof err), -1);
  assert_non_null(strstr(err, "line 1: invalid JSON"));
}

/* Catches: the old (terminating) replica counted; a pod's later MODIFIED
 * taken as its Ready time; first and last swapped. */
static void watch_scale(void **state) {
  (void)state;
  size_t l;
  char *b = load("watch-scale.stamped", &l);
  struct k8s_watch_scale s;
  char err[256];
  int64_t start;
  double t;
  assert_int_equal(k8s_parse_time("2026-11-20T10:30:01Z", &t, err, sizeof err),
                   0);
  start = (int64_t)t * 1000000000;
  assert_int_equal(k8s_watch_scale(b, l, start, &s, err, sizeof err), 0);
  assert_int_equal(s.pods, 3);
  assert_int_equal(s.ready, 3);
  assert_true(s.first_ready - start == 140 * MS);
  assert_true(s.last_ready - start == 2015 * MS);
  /* pods first seen before `since` belong to an earlier scale-up */
  assert_int_equal(k8s_watch_scale(b, l, start + 49 * MS, &s, err, sizeof err),
                   0);
  assert_int_equal(s.pods, 2);
  assert_true(s.first_ready - start == 171 * MS);
  free(b);
}

static void image_bytes_message(void **state) {
  (void)state;
  assert_true(k8s_pulled_image_bytes(
                  "Successfully pulled image \"x\" in 1.2s (1.2s including "
                  "waiting). Image size: 74943 bytes.") == 74943);
  assert_true(
      k8s_pulled_image_bytes(
          "Successfully pulled image \"x\" in 1.2s (1.2s including waiting)") ==
      -1);
  assert_true(k8s_pulled_image_bytes("Image size: bytes.") == -1);
  assert_true(k8s_pulled_image_bytes("Image size: 12 MiB") == -1);
  assert_true(k8s_pulled_image_bytes(NULL) == -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(rfc3339_valid),
      cmocka_unit_test(rfc3339_invalid),
      cmocka_unit_test(go_durations),
      cmocka_unit_test(cold_pod),
      cmocka_unit_test(warm_pod),
      cmocka_unit_test(pending_pod),
      cmocka_unit_test(scale_list),
      cmocka_unit_test(bad_json),
      cmocka_unit_test(stamp_raw),
      cmocka_unit_test(stamp_bad),
      cmocka_unit_test(stamp_arrival),
      cmocka_unit_test(watch_cold),
      cmocka_unit_test(watch_warm),
      cmocka_unit_test(watch_pending_and_absent),
      cmocka_unit_test(watch_bare_objects),
      cmocka_unit_test(watch_bad_lines),
      cmocka_unit_test(watch_scale),
      cmocka_unit_test(image_bytes_message),
  };
  return cmocka_run_group_tests_name("bench_k8s", tests, NULL, NULL);
}
