/* targets: see targets.h. */
#include "targets.h"

#include "plan.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define SEL(k, s, v)                                                           \
  { .kind = (k), .service = (s), .variant = (v) }

const struct target_def TARGETS[] = {
    {.id = "hello_scratch_size",
     .what = "compressed size on the wire ≤ 96 KiB",
     .type = TARGET_VALUE_LE,
     .phase = "size",
     .metric = "bytes_wire",
     .profile = "-",
     .subject = SEL("service", "hello", "scratch"),
     .limit = 96 * 1024.0,
     .unit = "B",
     .source =
         "size guard, event-driven issue (epoll and licence texts included)"},
    {.id = "notes_scratch_size",
     .what = "compressed size on the wire ≤ 420 KiB",
     .type = TARGET_VALUE_LE,
     .phase = "size",
     .metric = "bytes_wire",
     .profile = "-",
     .subject = SEL("service", "notes", "scratch"),
     .limit = 420 * 1024.0,
     .unit = "B",
     .source = "size guard, event-driven issue"},
    {.id = "hello_scratch_pull_vs_empty",
     .what = "cold pull ≤ 1.2 × the empty image's",
     .type = TARGET_RATIO_LE,
     .phase = "pull_cold",
     .metric = "seconds",
     .profile = "cloud",
     .subject = SEL("service", "hello", "scratch"),
     .baseline = SEL("empty", NULL, NULL),
     .limit = 1.2,
     .unit = "×",
     .source = "benchmark harness issue"},
    {.id = "pull_model_out_of_sample",
     .what = "pull model's out-of-sample prediction within ±15 %",
     .type = TARGET_MODEL_BAND,
     .phase = "pull_cold",
     .metric = "seconds",
     .profile = "edge",
     .subject = SEL(NULL, NULL, NULL),
     .limit = 15,
     .unit = "%",
     .source = "load and statistics issue"},
    {.id = "hello_scratch_start_vs_floor",
     .what = "warm start-to-ready ≤ 1.1 × the runtime floor's",
     .type = TARGET_RATIO_LE,
     .phase = "start_warm",
     .metric = "seconds",
     .profile = "-",
     .subject = SEL("service", "hello", "scratch"),
     .baseline = SEL("floor", NULL, NULL),
     .limit = 1.1,
     .unit = "×",
     .source = "pod-startup issue"},
    {.id = "hello_scratch_pod_warm_vs_floor",
     .what = "warm pod ready ≤ 1.1 × the floor's pod",
     .type = TARGET_RATIO_LE,
     .phase = "pod_warm",
     .metric = "ready_ms",
     .profile = "-",
     .subject = SEL("service", "hello", "scratch"),
     .baseline = SEL("floor", NULL, NULL),
     .limit = 1.1,
     .unit = "×",
     .source = "pod-startup issue"},
    {.id = "hello_scratch_pod_cold_vs_naive",
     .what = "cold pod ready ≤ 0.05 × hello:naive's",
     .type = TARGET_RATIO_LE,
     .phase = "pod_cold",
     .metric = "ready_ms",
     .profile = "cloud",
     .subject = SEL("service", "hello", "scratch"),
     .baseline = SEL("service", "hello", "naive"),
     .limit = 0.05,
     .unit = "×",
     .source = "pod-startup issue"},
    {.id = "hello_scratch_rps_vs_native",
     .what = "req/s in a container ≥ 0.9 × the same binary native",
     .type = TARGET_RATIO_GE,
     .phase = "load",
     .metric = "rps",
     .profile = "-",
     .subject = SEL("service", "hello", "scratch"),
     .baseline = SEL("native", "hello", "native-static"),
     .limit = 0.9,
     .unit = "×",
     .source = "load and statistics issue"},
    {.id = "static_rps_vs_glibc",
     .what = "req/s (static musl) ≥ 0.9 × the naive image's (glibc)",
     .type = TARGET_RATIO_GE,
     .phase = "load",
     .metric = "rps",
     .profile = "-",
     .subject = SEL("service", NULL, "scratch"),
     .baseline = SEL("service", "=", "naive"),
     .limit = 0.9,
     .unit = "×",
     .source = "load and statistics issue"},
    /* make bench-native: the service layer against nginx, libmicrohttpd
     * bare, Go, and notes' read called directly in C */
    {.id = "native_hello_vs_nginx",
     .what = "req/s ≥ 1.1 × nginx's, access logs off",
     .type = TARGET_RATIO_GE,
     .phase = "load",
     .metric = "rps",
     .profile = "-",
     .subject = SEL("native", "hello", "native-glibc"),
     .baseline = SEL("peer", "nginx", "native"),
     .limit = 1.1,
     .unit = "×",
     .source = "event-driven issue",
     .suite = "native"},
    {.id = "native_hello_log_vs_nginx_log",
     .what = "req/s ≥ 1.0 × nginx's, both writing their access log to a file",
     .type = TARGET_RATIO_GE,
     .phase = "load",
     .metric = "rps",
     .profile = "-",
     .subject = SEL("native", "hello", "native-glibc-log"),
     .baseline = SEL("peer", "nginx", "native-log"),
     .limit = 1.0,
     .unit = "×",
     .source = "event-driven issue",
     .suite = "native"},
    {.id = "native_hello_p99_vs_nginx",
     .what = "p99 latency ≤ 1.0 × nginx's",
     .type = TARGET_RATIO_LE,
     .phase = "load",
     .metric = "p99_ms",
     .profile = "-",
     .subject = SEL("native", "hello", "native-glibc"),
     .baseline = SEL("peer", "nginx", "native"),
     .limit = 1.0,
     .unit = "×",
     .source = "event-driven issue",
     .suite = "native"},
    {.id = "native_whoami_vs_hello",
     .what = "GET / req/s ≥ 0.8 × hello's",
     .type = TARGET_RATIO_GE,
     .phase = "load",
     .metric = "rps",
     .profile = "-",
     .subject = SEL("native", "whoami", "native-glibc"),
     .baseline = SEL("native", "hello", "native-glibc"),
     .limit = 0.8,
     .unit = "×",
     .source = "event-driven issue",
     .suite = "native"},
    {.id = "native_notes_vs_direct",
     .what = "GET /notes/{id} req/s ≥ 0.4 × the same read called directly in C",
     .type = TARGET_RATIO_GE,
     .phase = "load",
     .metric = "rps",
     .profile = "-",
     .subject = SEL("native", "notes", "native-glibc"),
     .baseline = SEL("native", "notes", "direct"),
     .limit = 0.4,
     .unit = "×",
     .source = "event-driven issue",
     .suite = "native"},
};
const size_t NTARGETS = sizeof TARGETS / sizeof TARGETS[0];

enum report_verdict targets_verdict_le(double lo, double hi, double limit) {
  if (hi <= limit)
    return REPORT_PASS;
  if (lo > limit)
    return REPORT_SHORT;
  return REPORT_INCONCLUSIVE;
}

enum report_verdict targets_verdict_ge(double lo, double hi, double limit) {
  if (lo >= limit)
    return REPORT_PASS;
  if (hi < limit)
    return REPORT_SHORT;
  return REPORT_INCONCLUSIVE;
}

enum report_verdict targets_verdict_band(double lo, double hi, double limit) {
  if (lo >= -limit && hi <= limit)
    return REPORT_PASS;
  if (lo > limit || hi < -limit)
    return REPORT_SHORT;
  return REPORT_INCONCLUSIVE;
}

static int sel_match(const struct target_sel *s, const struct report_group *g,
                     const char *subject_service) {
  if (s->kind && strcmp(s->kind, g->kind) != 0)
    return 0;
  if (s->service) {
    const char *want =
        strcmp(s->service, "=") == 0 ? subject_service : s->service;
    if (strcmp(want, g->service) != 0)
      return 0;
  }
  return s->variant == NULL || strcmp(s->variant, g->variant) == 0;
}

static int group_match(const struct target_def *d,
                       const struct report_group *g) {
  return strcmp(g->phase, d->phase) == 0 && strcmp(g->metric, d->metric) == 0 &&
         (d->profile == NULL || strcmp(g->profile, d->profile) == 0) &&
         (d->runtime == NULL || strcmp(g->runtime, d->runtime) == 0) &&
         sel_match(&d->subject, g, NULL);
}

/* The baseline group: same phase, metric and profile; for pods the same
 * runtime too (runc is compared with runc). Elsewhere the runtime is what
 * differs on purpose (a container against the native binary). */
static const struct report_group *
find_baseline(const struct report *r, const struct target_def *d,
              const struct report_group *subj) {
  int pod = strncmp(d->phase, "pod_", 4) == 0;
  for (size_t i = 0; i < r->ngroups; i++) {
    const struct report_group *g = &r->groups[i];
    if (g != subj && strcmp(g->phase, d->phase) == 0 &&
        strcmp(g->metric, d->metric) == 0 &&
        strcmp(g->profile, subj->profile) == 0 &&
        (!pod || strcmp(g->runtime, subj->runtime) == 0) &&
        sel_match(&d->baseline, g, subj->service))
      return g;
  }
  return NULL;
}

static struct report_target *target_new(struct report *r) {
  struct report_target *t = realloc(r->targets, (r->ntargets + 1) * sizeof *t);
  if (t == NULL)
    return NULL;
  r->targets = t;
  t = &r->targets[r->ntargets++];
  memset(t, 0, sizeof *t);
  t->value = -1;
  return t;
}

/* "`hello:scratch` (runtime crun, profile cloud)" */
static void subject_text(const struct report *r, const struct report_group *g,
                         char *buf, size_t n) {
  char lb[128];
  const struct report_image *im = report_image_of(r, g->service, g->variant);
  struct report_image tmp = {.subject = g->subject,
                             .service = g->service,
                             .variant = g->variant,
                             .kind = g->kind,
                             .base = ""};
  report_label(im ? im : &tmp, lb, sizeof lb);
  int pod = strncmp(g->phase, "pod_", 4) == 0;
  int prof = strcmp(g->profile, "-") != 0;
  if (pod && prof)
    snprintf(buf, n, "`%s` (%s, %s)", lb, g->runtime, g->profile);
  else if (pod)
    snprintf(buf, n, "`%s` (%s)", lb, g->runtime);
  else if (prof)
    snprintf(buf, n, "`%s` (%s)", lb, g->profile);
  else
    snprintf(buf, n, "`%s`", lb);
}

static void id_text(const struct target_def *d, const struct report_group *g,
                    char *buf, size_t n) {
  int each_service = d->subject.service == NULL && d->type != TARGET_VALUE_LE;
  int each_image = d->type == TARGET_MODEL_BAND;
  snprintf(buf, n, "%s%s%s%s%s", d->id, each_image ? "_" : "",
           each_image ? g->subject : "", each_service && !each_image ? "_" : "",
           each_service && !each_image ? g->service : "");
  if (strncmp(g->phase, "pod_", 4) == 0) {
    size_t len = strlen(buf);
    snprintf(buf + len, n - len, "_%s", g->runtime);
  }
}

static int judge_value(struct report_target *t, const struct target_def *d,
                       const struct report_group *g, const char *who) {
  t->n_a = g->n;
  t->value = g->st.median;
  t->verdict = g->st.median <= d->limit ? REPORT_PASS : REPORT_SHORT;
  snprintf(t->line, sizeof t->line,
           "%s %s: %.1f KiB (%.0f B; exact, one measurement)", who, d->what,
           g->st.median / 1024.0, g->st.median);
  return 0;
}

static int judge_ratio(struct report_target *t, const struct target_def *d,
                       const struct report_group *g,
                       const struct report_group *b, const char *who) {
  char lb[128];
  t->n_a = g->n;
  if (b == NULL || !b->has_stats) {
    t->verdict = REPORT_NOT_MEASURED;
    snprintf(t->line, sizeof t->line, "%s %s: — (no baseline in this run)", who,
             d->what);
    return 0;
  }
  struct report_image tmp = {.subject = b->subject,
                             .service = b->service,
                             .variant = b->variant,
                             .kind = b->kind,
                             .base = ""};
  report_label(&tmp, lb, sizeof lb);
  t->n_b = b->n;
  t->value = g->st.median / b->st.median;
  if (g->n < PLAN_MIN_JUDGED || b->n < PLAN_MIN_JUDGED) {
    t->verdict = REPORT_INSUFFICIENT;
    snprintf(t->line, sizeof t->line,
             "%s %s: %g vs %g (`%s`), ratio %.3f on n = %zu / %zu, fewer than "
             "%d a side",
             who, d->what, g->st.median, b->st.median, lb, t->value, g->n, b->n,
             PLAN_MIN_JUDGED);
    return 0;
  }
  struct stats_ci ci;
  if (stats_boot_ratio_ci(g->vals, g->n, b->vals, b->n, 0.95,
                          STATS_BOOT_RESAMPLES, STATS_BOOT_SEED, &ci) < 0) {
    t->verdict = REPORT_NOT_MEASURED;
    snprintf(t->line, sizeof t->line, "%s %s: — (no interval: a zero baseline)",
             who, d->what);
    return 0;
  }
  t->has_ci = 1;
  t->ci_lo = ci.lo;
  t->ci_hi = ci.hi;
  t->verdict = d->type == TARGET_RATIO_LE
                   ? targets_verdict_le(ci.lo, ci.hi, d->limit)
                   : targets_verdict_ge(ci.lo, ci.hi, d->limit);
  snprintf(t->line, sizeof t->line,
           "%s %s: %.4g %s vs %.4g %s (`%s`), ratio %.3f, 95 %% CI [%.3f, "
           "%.3f], n = %zu / %zu",
           who, d->what, g->st.median, g->unit, b->st.median, b->unit, lb,
           t->value, ci.lo, ci.hi, g->n, b->n);
  return 0;
}

static int judge_band(struct report_target *t, const struct target_def *d,
                      const struct report *r, const struct report_group *g,
                      const char *who) {
  t->n_a = g->n;
  const struct report_model_row *m = NULL;
  for (size_t i = 0; i < r->nmodel; i++)
    if (strcmp(r->model[i].subject, g->subject) == 0 &&
        strcmp(r->model[i].profile, g->profile) == 0)
      m = &r->model[i];
  if (m == NULL) {
    t->verdict = REPORT_NOT_MEASURED;
    snprintf(t->line, sizeof t->line, "%s %s: — (no model fit: %s)", who,
             d->what,
             r->fit_terms < 0 ? "too few in-sample pulls"
                              : "no size for this image");
    return 0;
  }
  t->value = m->error_pct;
  if (g->n < PLAN_MIN_JUDGED) {
    t->verdict = REPORT_INSUFFICIENT;
    snprintf(t->line, sizeof t->line,
             "%s %s: predicted %.3f s, measured %.3f s (%+.1f %%) on n = %zu, "
             "fewer than %d",
             who, d->what, m->predicted_s, m->measured_s, m->error_pct, g->n,
             PLAN_MIN_JUDGED);
    return 0;
  }
  struct stats_ci ci;
  if (stats_boot_median_ci(g->vals, g->n, 0.95, STATS_BOOT_RESAMPLES,
                           STATS_BOOT_SEED, &ci) < 0 ||
      !(ci.lo > 0)) {
    t->verdict = REPORT_NOT_MEASURED;
    snprintf(t->line, sizeof t->line, "%s %s: — (no interval)", who, d->what);
    return 0;
  }
  /* error = predicted / measured - 1: decreasing in measured */
  t->has_ci = 1;
  t->ci_lo = (m->predicted_s / ci.hi - 1) * 100;
  t->ci_hi = (m->predicted_s / ci.lo - 1) * 100;
  t->verdict = targets_verdict_band(t->ci_lo, t->ci_hi, d->limit);
  snprintf(t->line, sizeof t->line,
           "%s %s: predicted %.3f s, measured %.3f s, error %+.1f %%, 95 %% CI "
           "[%+.1f, %+.1f] %%, "
           "n = %zu",
           who, d->what, m->predicted_s, m->measured_s, m->error_pct, t->ci_lo,
           t->ci_hi, g->n);
  return 0;
}

int targets_judge(struct report *r) {
  for (size_t k = 0; k < NTARGETS; k++) {
    const struct target_def *d = &TARGETS[k];
    const char *suite = r->suite ? r->suite : "bench";
    if (strcmp(d->suite ? d->suite : "bench", suite) != 0)
      continue;
    size_t found = 0;
    for (size_t i = 0; i < r->ngroups; i++) {
      const struct report_group *g = &r->groups[i];
      if (!group_match(d, g) || !g->has_stats)
        continue;
      struct report_target *t = target_new(r);
      if (t == NULL)
        return -1;
      found++;
      char who[256];
      subject_text(r, g, who, sizeof who);
      id_text(d, g, t->id, sizeof t->id);
      t->unit = d->unit;
      t->limit = d->limit;
      switch (d->type) {
      case TARGET_VALUE_LE:
        judge_value(t, d, g, who);
        break;
      case TARGET_RATIO_LE:
      case TARGET_RATIO_GE:
        judge_ratio(t, d, g, find_baseline(r, d, g), who);
        break;
      case TARGET_MODEL_BAND:
        judge_band(t, d, r, g, who);
        break;
      }
    }
    if (found == 0) {
      struct report_target *t = target_new(r);
      if (t == NULL)
        return -1;
      snprintf(t->id, sizeof t->id, "%s", d->id);
      t->unit = d->unit;
      t->limit = d->limit;
      t->verdict = REPORT_NOT_MEASURED;
      snprintf(t->line, sizeof t->line,
               "%s%s%s%s: — (not measured in this run)",
               d->subject.service ? "`" : "",
               d->subject.service ? d->subject.service : "",
               d->subject.service ? "` " : "", d->what);
    }
  }
  return 0;
}
