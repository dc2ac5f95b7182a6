/* Tests of the report (benchmarks/analysis/{samples,report}.c) on the
 * synthetic results folder tests/fixtures/results-small/ (BENCH_FIXTURES
 * overrides the fixtures root). Expected numbers are recomputed here from
 * the raw samples.csv with a separate, naive reader and quantile code, then
 * looked up in the generated report.md / summary.json. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "report.h"

/* cmocka 1.1's assert_float_equal casts to float (24-bit mantissa): too
 * coarse for epoch seconds and small tolerances, so compare doubles. */
#define assert_near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

static char dir[1024];

/* ---- independent reference computation ---- */

static int cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

static double q7(double *v, size_t n, double p)
{
    qsort(v, n, sizeof *v, cmp);
    double h = (double)(n - 1) * p;
    size_t lo = (size_t)h;
    return lo + 1 < n ? v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]) : v[lo];
}

/* Values of ok, non-warm-up samples of (phase, subject suffix, profile,
 * metric), reading the fixture line by line (its only quoted field is on
 * a failed line, which is skipped before splitting matters). */
static size_t ref_values(const char *phase, const char *subject, const char *profile,
                         const char *metric, double *out, size_t max)
{
    char path[1200], line[1024];
    snprintf(path, sizeof path, "%s/samples.csv", dir);
    FILE *f = fopen(path, "r");
    assert_non_null(f);
    size_t n = 0;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strstr(line, ",fail,") != NULL)
            continue;
        char *fld[13];
        size_t k = 0;
        char *save = NULL;
        for (char *t = strtok_r(line, ",\n", &save); t != NULL && k < 13;
             t = strtok_r(NULL, ",\n", &save))
            fld[k++] = t;
        /* empty detail is dropped by strtok: 12 tokens */
        if (k < 12 || strcmp(fld[0], phase) != 0 || strcmp(fld[1], subject) != 0 ||
            strcmp(fld[5], profile) != 0 || strcmp(fld[8], metric) != 0 ||
            strcmp(fld[7], "1") == 0)
            continue;
        if (n < max)
            out[n++] = atof(fld[9]);
    }
    fclose(f);
    return n;
}

static char *report_text(struct report *r)
{
    char *buf = NULL;
    size_t len = 0;
    FILE *f = open_memstream(&buf, &len);
    assert_non_null(f);
    assert_int_equal(report_write_md(r, f), 0);
    fclose(f);
    return buf;
}

static int setup(void **state)
{
    (void)state;
    const char *root = getenv("BENCH_FIXTURES");
    snprintf(dir, sizeof dir, "%s/results-small", root ? root : "tests/fixtures");
    struct report *r = calloc(1, sizeof *r);
    char err[512];
    if (report_load(r, dir, err, sizeof err) < 0) {
        fprintf(stderr, "%s\n", err);
        free(r);
        return -1;
    }
    *state = r;
    return 0;
}

static int teardown(void **state)
{
    report_free(*state);
    free(*state);
    return 0;
}

/* Catches: warm-ups or failed samples counted in the median/p95; wrong
 * profile column in the pull table. */
static void pull_cells(void **state)
{
    struct report *r = *state;
    double v[64];
    size_t n = ref_values("pull_cold", "slimline/hello:scratch", "cloud", "seconds", v, 64);
    assert_int_equal(n, 5);
    double med = q7(v, n, 0.5), p95 = q7(v, n, 0.95);
    /* simpler, explicit: the cloud cell */
    char cell[64];
    snprintf(cell, sizeof cell, "%.3f [%.3f] |", med, p95);
    char *md = report_text(r);
    /* the first hello:scratch row after the pull heading */
    char *pull = strstr(md, "### Pull time");
    assert_non_null(pull);
    char *row = strstr(pull, "| hello:scratch | ");
    assert_non_null(row);
    char *eol = strchr(row, '\n');
    assert_non_null(eol);
    *eol = '\0';
    assert_non_null(strstr(row, cell));
    free(md);
}

/* Catches: the failed pull lost, warm-ups not excluded, failures not marked
 * in the cell. */
static void failures_kept(void **state)
{
    struct report *r = *state;
    const struct report_group *g = report_find(r, "pull_cold", "hello", "alpine", "cloud", "seconds");
    assert_non_null(g);
    assert_int_equal(g->n_fail, 1);
    assert_int_equal(g->n_warmup, 1);
    assert_int_equal(g->n, 4);
    char *md = report_text(r);
    assert_non_null(strstr(md, "(1 failed)"));
    assert_non_null(strstr(md, "| pull_cold | slimline/hello:alpine | cloud | 3 | seconds | pull "
                               "failed: timeout, after 60 s |"));
    free(md);
}

/* Catches: MAD or p95 of start-to-ready wrong, ms conversion missing, the
 * outlier dropped instead of flagged. */
static void start_cell_and_outlier(void **state)
{
    struct report *r = *state;
    double v[64], d[64];
    size_t n = ref_values("start_warm", "slimline/hello:naive", "-", "seconds", v, 64);
    assert_int_equal(n, 7);
    double med = q7(v, n, 0.5);
    double p95 = q7(v, n, 0.95);
    for (size_t i = 0; i < n; i++)
        d[i] = fabs(v[i] - med);
    double mad = q7(d, n, 0.5);
    char cell[96];
    snprintf(cell, sizeof cell, "| hello:naive | %.1f (%.1f) %.1f |", med * 1000, mad * 1000,
             p95 * 1000);
    char *md = report_text(r);
    assert_non_null(strstr(md, cell));
    /* the 3x value is kept and flagged */
    double maxv = v[n - 1];
    char flag[96];
    snprintf(flag, sizeof flag, "start_warm `slimline/hello:naive` - seconds: 1 of 7");
    assert_non_null(strstr(md, flag));
    assert_true(maxv > 2 * med);
    free(md);
}

/* Catches: ratio to naive computed against the wrong image; stand-in not
 * labelled. */
static void size_ratio_and_standin(void **state)
{
    struct report *r = *state;
    double a[4], b[4];
    assert_int_equal(ref_values("size", "slimline/hello:alpine", "-", "bytes_wire", a, 4), 1);
    assert_int_equal(ref_values("size", "slimline/hello:naive", "-", "bytes_wire", b, 4), 1);
    char want[96];
    snprintf(want, sizeof want, "| hello:alpine (stand-in) | %.1f MiB | %.3f |", a[0] / 1048576.0,
             a[0] / b[0]);
    char *md = report_text(r);
    assert_non_null(strstr(md, want));
    assert_non_null(strstr(md, "alpine stand-in, not upstream alpine"));
    free(md);
}

/* Catches: verdicts inverted, limits wrong (KiB vs kB), empty-image and
 * floor comparisons using the wrong image. */
static void targets(void **state)
{
    struct report *r = *state;
    double v[64], e[64];
    char *md = report_text(r);
    char *t = strstr(md, "## Targets");
    assert_non_null(t);

    assert_int_equal(ref_values("size", "slimline/hello:scratch", "-", "bytes_wire", v, 64), 1);
    char want[256];
    snprintf(want, sizeof want, "- `hello:scratch` compressed size ≤ 64 KiB: %.1f KiB (%.0f B) → **%s**",
             v[0] / 1024, v[0], v[0] <= 65536 ? "pass" : "falls short");
    assert_non_null(strstr(t, want));

    assert_int_equal(ref_values("size", "slimline/notes:scratch", "-", "bytes_wire", v, 64), 1);
    double notes_size = v[0];
    snprintf(want, sizeof want, "- `notes:scratch` compressed size ≤ 400 KiB: %.1f KiB (%.0f B) → **%s**",
             v[0] / 1024, v[0], v[0] <= 409600 ? "pass" : "falls short");
    assert_non_null(strstr(t, want));

    size_t n = ref_values("pull_cold", "slimline/hello:scratch", "cloud", "seconds", v, 64);
    size_t m = ref_values("pull_cold", "slimline/empty:empty", "cloud", "seconds", e, 64);
    double h = q7(v, n, 0.5), em = q7(e, m, 0.5);
    snprintf(want, sizeof want, "image: %.3f s vs empty %.3f s (%.2f ×) → **%s**", h, em, h / em,
             h <= 1.2 * em ? "pass" : "falls short");
    assert_non_null(strstr(t, want));

    n = ref_values("load", "slimline/notes:scratch", "-", "rps", v, 64);
    m = ref_values("load", "slimline/notes:naive", "-", "rps", e, 64);
    double s = q7(v, n, 0.5), nv = q7(e, m, 0.5);
    snprintf(want, sizeof want, "`notes:scratch` (static musl) ≥ 0.9 × req/s of `notes:naive`: "
             "%.0f req/s vs %.0f req/s (%.2f ×) → **%s**", s, nv, s / nv,
             s >= 0.9 * nv ? "pass" : "falls short");
    assert_non_null(strstr(t, want));
    free(md);

    json_t *j = report_summary_json(r);
    assert_non_null(j);
    json_t *tg = json_object_get(j, "targets");
    assert_true(json_array_size(tg) == r->ntargets);
    assert_string_equal(json_string_value(json_object_get(json_array_get(tg, 1), "verdict")),
                        notes_size <= 409600 ? "pass" : "falls short");
    json_decref(j);
}

/* Catches: model row using the wrong fixed cost or RTT. */
static void model_row(void **state)
{
    struct report *r = *state;
    double w[4], l[4], lo[64];
    assert_int_equal(ref_values("size", "slimline/hello:naive", "-", "bytes_wire", w, 4), 1);
    assert_int_equal(ref_values("size", "slimline/hello:naive", "-", "layers", l, 4), 1);
    size_t n = ref_values("pull_cold", "slimline/hello:naive", "loopback", "seconds", lo, 64);
    double fixed = q7(lo, n, 0.5);
    /* profiles.csv: cloud = 100 Mbit/s, 20 ms; 1 layer -> 5 round trips */
    double pred = 5 * 0.020 + w[0] * 8 / 100e6 + fixed;
    assert_true(l[0] == 1);
    int found = 0;
    for (size_t i = 0; i < r->nmodel; i++) {
        const struct report_model_row *m = &r->model[i];
        if (strcmp(m->subject, "slimline/hello:naive") == 0 && strcmp(m->profile, "cloud") == 0) {
            assert_near(m->predicted_s, pred, 1e-9);
            found = 1;
        }
    }
    assert_true(found);
}

/* ---- samples.csv validation ---- */

static void write_file(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    assert_non_null(f);
    fputs(text, f);
    fclose(f);
}

/* Catches: malformed rows accepted or reported without their line number. */
static void bad_samples(void **state)
{
    (void)state;
    static const char *hdr =
        "phase,subject,service,variant,kind,profile,rep,warmup,metric,value,unit,status,detail\n";
    static const struct {
        const char *body, *msg;
    } cases[] = {
        {"size,s,hello,naive,service,-,0,0,layers,1,count,ok\n", "line 2: 12 columns, expected 13"},
        {"size,s,hello,naive,service,-,x,0,layers,1,count,ok,\n", "line 2: rep 'x' is not a non-negative integer"},
        {"size,s,hello,naive,service,-,0,2,layers,1,count,ok,\n", "line 2: warmup '2' is not 0 or 1"},
        {"size,s,hello,naive,service,-,0,0,layers,1,count,maybe,\n", "line 2: status 'maybe' is not ok or fail"},
        {"size,s,hello,naive,service,-,0,0,layers,,count,ok,\n", "line 2: value '' is not a number"},
        {"size,s,hello,naive,service,-,0,0,layers,1x,count,ok,\n", "line 2: value '1x' is not a number"},
        {"size,s,hello,naive,service,-,0,0,layers,1,count,ok,\nsize,s,,naive,service,-,0,0,layers,1,count,ok,\n", "line 3: empty service"},
        {"size,s,hello,naive,service,-,0,0,layers,1,count,ok,\"unterminated\n", "line 2: unterminated quoted field"},
    };
    char path[] = "/tmp/test_bench_report_XXXXXX";
    int fd = mkstemp(path);
    assert_true(fd >= 0);
    close(fd);
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char text[1024];
        snprintf(text, sizeof text, "%s%s", hdr, cases[i].body);
        write_file(path, text);
        struct sample_set s;
        char err[512] = "";
        assert_int_equal(samples_load(path, &s, err, sizeof err), -1);
        if (strstr(err, cases[i].msg) == NULL)
            fail_msg("case %zu: got '%s', want '%s'", i, err, cases[i].msg);
        assert_non_null(strstr(err, path));
    }
    write_file(path, "phase,subject\n");
    struct sample_set s;
    char err[512];
    assert_int_equal(samples_load(path, &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "line 1: header has 2 columns, expected 13"));
    write_file(path, "");
    assert_int_equal(samples_load(path, &s, err, sizeof err), -1);
    assert_non_null(strstr(err, "empty file"));
    /* a failed sample with an empty value is fine */
    char ok[512];
    snprintf(ok, sizeof ok, "%ssize,s,hello,naive,service,-,0,0,layers,,count,fail,\"no, manifest\"\n", hdr);
    write_file(path, ok);
    assert_int_equal(samples_load(path, &s, err, sizeof err), 0);
    assert_int_equal(s.n, 1);
    assert_string_equal(s.v[0].detail, "no, manifest");
    samples_free(&s);
    unlink(path);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(pull_cells),
        cmocka_unit_test(failures_kept),
        cmocka_unit_test(start_cell_and_outlier),
        cmocka_unit_test(size_ratio_and_standin),
        cmocka_unit_test(targets),
        cmocka_unit_test(model_row),
        cmocka_unit_test(bad_samples),
    };
    return cmocka_run_group_tests_name("bench_report", tests, setup, teardown);
}
