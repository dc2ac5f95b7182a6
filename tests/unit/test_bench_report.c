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
#include "targets.h"

/* cmocka 1.1's assert_float_equal casts to float (24-bit mantissa): too
 * coarse for epoch seconds and small tolerances, so compare doubles. */
#define assert_near(a, b, eps)                                                 \
  assert_true(fabs((double)(a) - (double)(b)) <= (eps))

static char dir[1024];

/* ---- independent reference computation ---- */

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static double q7(double *v, size_t n, double p) {
  qsort(v, n, sizeof *v, cmp);
  double h = (double)(n - 1) * p;
  size_t lo = (size_t)h;
  return lo + 1 < n ? v[lo] + (h - (double)lo) * (v[lo + 1] - v[lo]) : v[lo];
}

/* Values of ok, non-warm-up samples of (phase, subject, profile, metric),
 * reading the fixture line by line (format 2: runtime after profile; its
 * only quoted field is on a failed line, which is skipped before splitting
 * matters). */
static size_t ref_values(const char *phase, const char *subject,
                         const char *profile, const char *metric, double *out,
                         size_t max) {
  char path[1200], line[1024];
  snprintf(path, sizeof path, "%s/samples.csv", dir);
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  size_t n = 0;
  while (fgets(line, sizeof line, f) != NULL) {
    if (strstr(line, ",fail,") != NULL)
      continue;
    char *fld[14];
    size_t k = 0;
    char *save = NULL;
    for (char *t = strtok_r(line, ",\n", &save); t != NULL && k < 14;
         t = strtok_r(NULL, ",\n", &save))
      fld[k++] = t;
    /* empty detail is dropped by strtok: 13 tokens */
    if (k < 13 || strcmp(fld[0], phase) != 0 || strcmp(fld[1], subject) != 0 ||
        strcmp(fld[5], profile) != 0 || strcmp(fld[9], metric) != 0 ||
        strcmp(fld[8], "1") == 0)
      continue;
    if (n < max)
      out[n++] = atof(fld[10]);
  }
  fclose(f);
  return n;
}

static char *report_text(struct report *r) {
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  assert_non_null(f);
  assert_int_equal(report_write_md(r, f), 0);
  fclose(f);
  return buf;
}

static int setup(void **state) {
  (void)state;
  const char *root = getenv("BENCH_FIXTURES");
  snprintf(dir, sizeof dir, "%s/results-small", root ? root : "tests/fixtures");
  struct report *r = calloc(1, sizeof *r);
  char err[512];
  if (report_load(r, dir, "bench", err, sizeof err) < 0) {
    fprintf(stderr, "%s\n", err);
    free(r);
    return -1;
  }
  *state = r;
  return 0;
}

static int teardown(void **state) {
  report_free(*state);
  free(*state);
  return 0;
}

/* The row of `label` in the section after `heading`, cut at its end. */
static char *row_after(char *md, const char *heading, const char *label) {
  char *sec = strstr(md, heading);
  assert_non_null(sec);
  char *row = strstr(sec, label);
  assert_non_null(row);
  char *eol = strchr(row, '\n');
  assert_non_null(eol);
  *eol = '\0';
  return row;
}

static double mad_of(double *v, size_t n, double med) {
  double d[64];
  for (size_t i = 0; i < n; i++)
    d[i] = fabs(v[i] - med);
  return q7(d, n, 0.5);
}

/* Catches: make bench-native's report carrying sections about pulls it
 * never made (a "Self-test not recorded" link emulator, a pull-time model
 * fitted on nothing), while make bench's keeps them. */
static void native_suite_has_no_pull_sections(void **state) {
  char *md = report_text(*state);
  assert_non_null(strstr(md, "## Link emulator"));
  assert_non_null(strstr(md, "## Pull-time model"));
  free(md);

  struct report native = {0};
  char err[512];
  assert_int_equal(report_load(&native, dir, "native", err, sizeof err), 0);
  assert_false(report_has_pulls(&native));
  md = report_text(&native);
  assert_null(strstr(md, "## Link emulator"));
  assert_null(strstr(md, "## Pull-time model"));
  assert_non_null(strstr(md, "## Targets"));
  free(md);
  report_free(&native);
}

/* Catches: warm-ups or failed samples counted in the median; the wrong
 * profile column in the pull table; the sample count or MAD missing. */
static void pull_cells(void **state) {
  struct report *r = *state;
  double v[64];
  size_t n = ref_values("pull_cold", "slimline/hello:scratch", "cloud",
                        "seconds", v, 64);
  assert_int_equal(n, 5);
  double med = q7(v, n, 0.5);
  char cell[64];
  snprintf(cell, sizeof cell, "| %.3f (±%.3f, n=5) |", med, mad_of(v, n, med));
  char *md = report_text(r);
  /* columns: cold loopback, cold cloud: the cloud cell is the second */
  char *row = row_after(md, "### Pull time", "| hello:scratch | ");
  char *first = strstr(row, " | ") + 3;
  first = strstr(first, " | ");
  assert_non_null(first);
  assert_true(strncmp(first + 1, cell, strlen(cell)) == 0);
  free(md);
}

/* Catches: the failed pull lost, warm-ups not excluded, failures not marked
 * in the cell, the failure table without the runtime column. */
static void failures_kept(void **state) {
  struct report *r = *state;
  const struct report_group *g =
      report_find(r, "pull_cold", "hello", "alpine", "cloud", NULL, "seconds");
  assert_non_null(g);
  assert_int_equal(g->n_fail, 1);
  assert_int_equal(g->n_warmup, 1);
  assert_int_equal(g->n, 4);
  char *md = report_text(r);
  assert_non_null(strstr(md, ", 1 failed)"));
  assert_non_null(strstr(
      md,
      "| pull_cold | slimline/hello:alpine | cloud | - | 3 | seconds | pull "
      "failed: timeout, after 60 s |"));
  free(md);
}

/* Catches: ms conversion missing in the start table; the outlier dropped
 * instead of flagged; outliers flagged in groups under 8. */
static void start_cell_and_outlier(void **state) {
  struct report *r = *state;
  double v[64];
  size_t n =
      ref_values("start_warm", "slimline/hello:naive", "-", "seconds", v, 64);
  assert_int_equal(n, 8);
  double med = q7(v, n, 0.5);
  char cell[96];
  snprintf(cell, sizeof cell, "| %.1f (±%.1f, n=8) |", med * 1000,
           mad_of(v, n, med) * 1000);
  char *md = report_text(r);
  char *row =
      row_after(md, "### Start-to-ready", "| hello:naive (stand-in base) |");
  assert_non_null(strstr(row, cell));
  free(md);
  md = report_text(r);
  assert_non_null(
      strstr(md, "start_warm `slimline/hello:naive` - runc seconds: 1 of 8"));
  /* hello:scratch has 7 warm starts with the same spread: not flagged */
  assert_null(strstr(md, "start_warm `slimline/hello:scratch`"));
  free(md);
}

/* Catches: ratio to naive computed against the wrong image; a row built on
 * a stand-in base not marked (in report.md and summary.json) although
 * env.json (copied from a real run) says so. */
static void size_ratio_and_standin(void **state) {
  struct report *r = *state;
  double a[4], b[4];
  assert_int_equal(
      ref_values("size", "slimline/hello:alpine", "-", "bytes_wire", a, 4), 1);
  assert_int_equal(
      ref_values("size", "slimline/hello:naive", "-", "bytes_wire", b, 4), 1);
  char want[160];
  snprintf(want, sizeof want, "| %.1f MiB | %.4f |", a[0] / 1048576.0,
           a[0] / b[0]);
  char *md = report_text(r);
  char *row = row_after(md, "### Size", "| hello:alpine (alpine stand-in) |");
  assert_non_null(strstr(row, want));
  assert_non_null(strstr(row, "slimline-local/alpine-standin:3.20 (stand-in)"));
  free(md);
  md = report_text(r);
  assert_non_null(strstr(md, "| hello:scratch | scratch |"));
  assert_non_null(strstr(md, "**local stand-in**, not upstream"));
  free(md);
  json_t *j = report_summary_json(r);
  json_t *im;
  size_t i, standins = 0;
  json_array_foreach(json_object_get(j, "images"), i, im) {
    const char *subj = json_string_value(json_object_get(im, "subject"));
    int si = json_is_true(json_object_get(im, "standin"));
    if (strcmp(subj, "slimline/hello:alpine") == 0 ||
        strcmp(subj, "slimline/hello:naive") == 0)
      assert_true(si);
    if (strcmp(subj, "slimline/hello:scratch") == 0)
      assert_false(si);
    standins += si;
  }
  assert_int_equal(json_integer_value(json_object_get(j, "standin_rows")),
                   standins);
  json_decref(j);
}

static const struct report_target *target(const struct report *r,
                                          const char *id) {
  for (size_t i = 0; i < r->ntargets; i++)
    if (strcmp(r->targets[i].id, id) == 0)
      return &r->targets[i];
  fail_msg("no target %s", id);
  return NULL;
}

/* Catches: verdicts inverted or not following the interval rule, limits
 * wrong (KiB vs kB), ratios against the wrong baseline, a verdict given on
 * fewer than 5 samples. */
static void targets(void **state) {
  struct report *r = *state;
  double v[64], e[64];

  assert_int_equal(
      ref_values("size", "slimline/hello:scratch", "-", "bytes_wire", v, 64),
      1);
  const struct report_target *t = target(r, "hello_scratch_size");
  assert_int_equal(t->verdict, v[0] <= 96 * 1024 ? REPORT_PASS : REPORT_SHORT);
  assert_near(t->value, v[0], 0);

  /* hello:scratch vs the empty image on cloud: 5 / 5 samples */
  size_t n = ref_values("pull_cold", "slimline/hello:scratch", "cloud",
                        "seconds", v, 64);
  size_t m = ref_values("pull_cold", "slimline/empty:empty", "cloud", "seconds",
                        e, 64);
  t = target(r, "hello_scratch_pull_vs_empty");
  assert_int_equal(t->n_a, n);
  assert_int_equal(t->n_b, m);
  assert_near(t->value, q7(v, n, 0.5) / q7(e, m, 0.5), 1e-9);
  assert_true(t->has_ci && t->ci_lo <= t->value && t->value <= t->ci_hi);
  assert_int_equal(t->verdict, t->ci_hi <= 1.2  ? REPORT_PASS
                               : t->ci_lo > 1.2 ? REPORT_SHORT
                                                : REPORT_INCONCLUSIVE);

  /* load: 3 samples a side -> insufficient data, whatever the ratio */
  t = target(r, "hello_scratch_rps_vs_native");
  assert_int_equal(t->verdict, REPORT_INSUFFICIENT);
  assert_false(t->has_ci);
  assert_non_null(strstr(t->line, "fewer than 5"));

  /* pods: a cold hello:scratch pod is about 1 % of a cold naive one */
  t = target(r, "hello_scratch_pod_cold_vs_naive_runc");
  assert_int_equal(t->verdict, REPORT_PASS);
  assert_true(t->ci_hi < 0.05);

  /* no edge profile in this folder: the out-of-sample check is not measured */
  t = target(r, "pull_model_out_of_sample");
  assert_int_equal(t->verdict, REPORT_NOT_MEASURED);

  char *md = report_text(r);
  char *sec = strstr(md, "## Targets");
  assert_non_null(sec);
  assert_non_null(strstr(sec, "→ **insufficient data**"));
  free(md);
  json_t *j = report_summary_json(r);
  json_t *tg = json_object_get(j, "targets");
  assert_int_equal(json_array_size(tg), r->ntargets);
  json_decref(j);
}

/* Catches: the interval rule applied the wrong way round. */
static void verdict_rules(void **state) {
  (void)state;
  assert_int_equal(targets_verdict_le(0.8, 1.05, 1.1), REPORT_PASS);
  assert_int_equal(targets_verdict_le(1.11, 1.3, 1.1), REPORT_SHORT);
  assert_int_equal(targets_verdict_le(1.0, 1.2, 1.1), REPORT_INCONCLUSIVE);
  assert_int_equal(targets_verdict_ge(0.95, 1.1, 0.9), REPORT_PASS);
  assert_int_equal(targets_verdict_ge(0.5, 0.89, 0.9), REPORT_SHORT);
  assert_int_equal(targets_verdict_ge(0.85, 0.95, 0.9), REPORT_INCONCLUSIVE);
  assert_int_equal(targets_verdict_band(-10, 14, 15), REPORT_PASS);
  assert_int_equal(targets_verdict_band(16, 30, 15), REPORT_SHORT);
  assert_int_equal(targets_verdict_band(-30, -16, 15), REPORT_SHORT);
  assert_int_equal(targets_verdict_band(-20, 5, 15), REPORT_INCONCLUSIVE);
}

/* Catches: the SLO section quoting a p99 from fewer than 100 pods. */
static void pod_slo(void **state) {
  struct report *r = *state;
  char *md = report_text(r);
  char *row = row_after(md, "## Pod startup against",
                        "| hello:scratch | runc | warm |");
  assert_non_null(strstr(row, "| max "));
  assert_non_null(strstr(row, "| 6 |"));
  free(md);
}

/* Catches: a model row whose prediction is not the fitted model's. */
static void model_row(void **state) {
  struct report *r = *state;
  assert_true(r->fit_terms > 0);
  int found = 0;
  for (size_t i = 0; i < r->nmodel; i++) {
    const struct report_model_row *m = &r->model[i];
    double pred = model_predict(&r->fit, m->wire_bytes, m->uncompressed_bytes,
                                m->layers, m->rtt_ms / 1000.0, m->rate_bps);
    assert_near(m->predicted_s, pred, 1e-12);
    assert_near(m->error_pct, (pred - m->measured_s) / m->measured_s * 100,
                1e-9);
    if (strcmp(m->subject, "slimline/hello:naive") == 0 &&
        strcmp(m->profile, "cloud") == 0) {
      double v[64];
      size_t n = ref_values("pull_cold", "slimline/hello:naive", "cloud",
                            "seconds", v, 64);
      assert_near(m->measured_s, q7(v, n, 0.5), 1e-12);
      assert_true(m->in_sample);
      found = 1;
    }
  }
  assert_true(found);
}

/* ---- samples.csv validation ---- */

static void write_file(const char *path, const char *text) {
  FILE *f = fopen(path, "w");
  assert_non_null(f);
  fputs(text, f);
  fclose(f);
}

/* Catches: malformed rows accepted or reported without their line number. */
static void bad_samples(void **state) {
  (void)state;
  static const char *hdr =
      "phase,subject,service,variant,kind,profile,runtime,rep,warmup,"
      "metric,value,unit,status,detail\n";
  static const struct {
    const char *body, *msg;
  } cases[] = {
      {"size,s,hello,naive,service,-,-,0,0,layers,1,count,ok\n",
       "line 2: 13 columns, expected 14"},
      {"size,s,hello,naive,service,-,-,x,0,layers,1,count,ok,\n",
       "line 2: rep 'x' is not a non-negative integer"},
      {"size,s,hello,naive,service,-,-,0,2,layers,1,count,ok,\n",
       "line 2: warmup '2' is not 0 or 1"},
      {"size,s,hello,naive,service,-,-,0,0,layers,1,count,maybe,\n",
       "line 2: status 'maybe' is not ok or fail"},
      {"size,s,hello,naive,service,-,-,0,0,layers,,count,ok,\n",
       "line 2: value '' is not a number"},
      {"size,s,hello,naive,service,-,-,0,0,layers,1x,count,ok,\n",
       "line 2: value '1x' is not a number"},
      {"size,s,hello,naive,service,-,-,0,0,layers,1,count,ok,\nsize,s,,naive,"
       "service,-,-,0,0,layers,1,count,ok,\n",
       "line 3: empty service"},
      {"size,s,hello,naive,service,-,,0,0,layers,1,count,ok,\n",
       "line 2: empty runtime"},
      {"size,s,hello,naive,service,-,-,0,0,layers,1,count,ok,\"unterminated\n",
       "line 2: unterminated quoted field"},
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
  assert_non_null(strstr(err, "line 1: header has 2 columns, expected 14"));
  write_file(path, "");
  assert_int_equal(samples_load(path, &s, err, sizeof err), -1);
  assert_non_null(strstr(err, "empty file"));
  /* a failed sample with an empty value is fine */
  char ok[512];
  snprintf(ok, sizeof ok,
           "%ssize,s,hello,naive,service,-,-,0,0,layers,,count,fail,\"no, "
           "manifest\"\n",
           hdr);
  write_file(path, ok);
  assert_int_equal(samples_load(path, &s, err, sizeof err), 0);
  assert_int_equal(s.n, 1);
  assert_string_equal(s.v[0].detail, "no, manifest");
  samples_free(&s);
  /* format 1 (no runtime column) is still read, runtime "-" */
  write_file(path,
             "phase,subject,service,variant,kind,profile,rep,warmup,metric,"
             "value,unit,status,"
             "detail\nsize,s,hello,naive,service,-,0,0,layers,3,count,ok,\n");
  assert_int_equal(samples_load(path, &s, err, sizeof err), 0);
  assert_string_equal(s.v[0].runtime, "-");
  assert_near(s.v[0].value, 3, 0);
  samples_free(&s);
  unlink(path);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(pull_cells),
      cmocka_unit_test(failures_kept),
      cmocka_unit_test(start_cell_and_outlier),
      cmocka_unit_test(size_ratio_and_standin),
      cmocka_unit_test(targets),
      cmocka_unit_test(verdict_rules),
      cmocka_unit_test(pod_slo),
      cmocka_unit_test(model_row),
      cmocka_unit_test(bad_samples),
      cmocka_unit_test(native_suite_has_no_pull_sections),
  };
  return cmocka_run_group_tests_name("bench_report", tests, setup, teardown);
}
