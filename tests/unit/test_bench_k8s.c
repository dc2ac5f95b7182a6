/* Unit tests of the kubectl output parser (benchmarks/k8s/k8s.c) on the
 * hand-written recordings in tests/fixtures/k8s/ (BENCH_FIXTURES overrides
 * the fixtures root). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"
#include "k8s.h"

/* cmocka 1.1's assert_float_equal casts to float (24-bit mantissa): too
 * coarse for epoch seconds and small tolerances, so compare doubles. */
#define assert_near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

#define EPS 1e-6

static char *load(const char *name, size_t *len)
{
    const char *root = getenv("BENCH_FIXTURES");
    char path[1024], err[256];
    snprintf(path, sizeof path, "%s/k8s/%s", root ? root : "tests/fixtures", name);
    char *b = csv_slurp(path, len, err, sizeof err);
    if (b == NULL)
        fail_msg("%s", err);
    return b;
}

/* Known epochs: 1970-01-01T00:00:00Z = 0; 2000-03-01 = 951868800 (after a
 * leap day); offsets subtract. Catches month/leap-year and sign errors. */
static void rfc3339_valid(void **state)
{
    (void)state;
    double t;
    char err[256];
    assert_int_equal(k8s_parse_time("1970-01-01T00:00:00Z", &t, err, sizeof err), 0);
    assert_near(t, 0, EPS);
    assert_int_equal(k8s_parse_time("2000-03-01T00:00:00Z", &t, err, sizeof err), 0);
    assert_near(t, 951868800.0, EPS);
    assert_int_equal(k8s_parse_time("2026-11-20T10:15:02Z", &t, err, sizeof err), 0);
    assert_near(t, 1795169702.0, EPS);
    assert_int_equal(k8s_parse_time("2026-11-20T12:15:02.5+02:00", &t, err, sizeof err), 0);
    assert_near(t, 1795169702.5, EPS);
    assert_int_equal(k8s_parse_time("2026-11-20t05:45:02.417384-04:30", &t, err, sizeof err), 0);
    assert_near(t, 1795169702.417384, EPS);
    assert_int_equal(k8s_parse_time("2024-02-29T23:59:60z", &t, err, sizeof err), 0);
}

/* Catches: impossible dates, missing zone or junk accepted. */
static void rfc3339_invalid(void **state)
{
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
static void go_durations(void **state)
{
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
static void cold_pod(void **state)
{
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
    assert_int_equal(k8s_pod_phases(p, pl, e, el, "app", &ph, err, sizeof err), 0);
    assert_near(ph.started - c, 4, EPS);
    assert_int_equal(k8s_pod_phases(p, pl, e, el, "sidecar", &ph, err, sizeof err), 0);
    assert_true(ph.started < 0);
    free(p);
    free(e);
}

/* Catches: "already present" not recognised, so a warm start looks like a
 * pull with a missing duration. */
static void warm_pod(void **state)
{
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
static void pending_pod(void **state)
{
    (void)state;
    size_t pl, el;
    char *p = load("pod-pending.json", &pl), *e = load("events-pending.json", &el);
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
static void scale_list(void **state)
{
    (void)state;
    size_t l;
    char *b = load("pods-scale.json", &l);
    struct k8s_scale s;
    char err[256];
    assert_int_equal(k8s_scale_ready(b, l, &s, err, sizeof err), 0);
    assert_int_equal(s.pods, 4);
    assert_int_equal(s.ready, 3);
    double t0;
    assert_int_equal(k8s_parse_time("2026-11-20T10:30:01Z", &t0, err, sizeof err), 0);
    assert_near(s.first_ready - t0, 2, EPS);
    assert_near(s.last_ready - t0, 3, EPS);
    free(b);
}

static void bad_json(void **state)
{
    (void)state;
    struct k8s_phases ph;
    char err[256];
    const char *notpod = "{\"kind\":\"Service\",\"metadata\":{\"name\":\"x\"}}";
    assert_int_equal(k8s_pod_phases(notpod, strlen(notpod), NULL, 0, NULL, &ph, err, sizeof err), -1);
    assert_non_null(strstr(err, "kind is Service, expected Pod"));
    const char *nots = "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\"}}";
    assert_int_equal(k8s_pod_phases(nots, strlen(nots), NULL, 0, NULL, &ph, err, sizeof err), -1);
    assert_non_null(strstr(err, "no metadata.creationTimestamp"));
    const char *badts = "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\",\"creationTimestamp\":\"yesterday\"}}";
    assert_int_equal(k8s_pod_phases(badts, strlen(badts), NULL, 0, NULL, &ph, err, sizeof err), -1);
    assert_non_null(strstr(err, "invalid timestamp 'yesterday'"));
    const char *ok = "{\"kind\":\"Pod\",\"metadata\":{\"name\":\"x\",\"creationTimestamp\":\"2026-01-01T00:00:00Z\"}}";
    assert_int_equal(k8s_pod_phases(ok, strlen(ok), "{", 1, NULL, &ph, err, sizeof err), -1);
    assert_non_null(strstr(err, "invalid events json"));
    assert_int_equal(k8s_pod_phases(ok, strlen(ok), "{}", 2, NULL, &ph, err, sizeof err), -1);
    assert_non_null(strstr(err, "no items array"));
    struct k8s_scale s;
    assert_int_equal(k8s_scale_ready("{}", 2, &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "no items array"));
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(rfc3339_valid), cmocka_unit_test(rfc3339_invalid),
        cmocka_unit_test(go_durations),  cmocka_unit_test(cold_pod),
        cmocka_unit_test(warm_pod),      cmocka_unit_test(pending_pod),
        cmocka_unit_test(scale_list),    cmocka_unit_test(bad_json),
    };
    return cmocka_run_group_tests_name("bench_k8s", tests, NULL, NULL);
}
