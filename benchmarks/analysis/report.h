/* report: the computing side of benchreport. Loads a results folder
 * (benchmarks/FORMAT.md), groups the samples, fits the pull-time model and
 * judges the targets (targets.c). Rendering lives elsewhere: render_md.c
 * (report.md), render_json.c (summary.json), render_html.c (report.html),
 * charts.c (gnuplot). */
#ifndef SL_ANALYSIS_REPORT_H
#define SL_ANALYSIS_REPORT_H

#include "model.h"
#include "samples.h"
#include "stats.h"

#include <jansson.h>
#include <stdio.h>

/* All samples of one (phase, subject, profile, runtime, metric). */
struct report_group {
  const char *phase, *subject, *service, *variant, *kind, *profile, *runtime,
      *metric, *unit;
  double *vals; /* ok, non-warm-up values, in file order */
  size_t n, cap;
  size_t n_fail;   /* failed samples (warm-up or not) */
  size_t n_warmup; /* warm-up samples, excluded */
  int has_stats;   /* st valid (n >= 1) */
  struct stats_summary st;
  const char
      *note; /* first non-empty "reps capped" note of the group, or NULL */
};

/* One subject (image, peer, native binary) seen in the samples. */
struct report_image {
  const char *subject, *service, *variant, *kind;
  const char *base; /* base image ref from env.json, "" when unknown */
  int standin;      /* built on a local stand-in base (env.json) */
};

/* One row of the pull model table: an image's median cold pull on one
 * link next to the fitted model's prediction. */
struct report_model_row {
  const char *subject, *service, *variant, *kind, *profile;
  double measured_s, predicted_s, error_pct;
  size_t n;
  double rtt_ms;
  uint64_t rate_bps, wire_bytes, uncompressed_bytes;
  unsigned layers;
  int in_sample; /* the profile was used for the fit */
};

enum report_verdict {
  REPORT_PASS,
  REPORT_SHORT,        /* falls short: the whole interval misses */
  REPORT_INCONCLUSIVE, /* the interval straddles the limit */
  REPORT_INSUFFICIENT, /* fewer than PLAN_MIN_JUDGED samples on a side */
  REPORT_NOT_MEASURED
};

struct report_target {
  char id[96];    /* machine name for summary.json */
  char line[512]; /* the text before the verdict */
  double value;   /* ratio, bytes or error %, -1 when not measured */
  double ci_lo, ci_hi;
  int has_ci;
  double limit;    /* the limit in the unit of value (band: +-limit) */
  size_t n_a, n_b; /* samples behind each side (n_b 0: no baseline) */
  const char *unit;
  enum report_verdict verdict;
};

struct report_budget_row {
  char *block;
  long steps_planned, steps_run;
  double planned_s, spent_s;
};

/* A small table read verbatim (attack surface, SBOM counts): a header
 * row and data rows of ncols strings each. */
struct report_table {
  char **cells; /* (nrows + 1) * ncols, row-major, the header first */
  size_t nrows, ncols;
};

struct report_skip {
  char *phase, *subject, *profile, *runtime, *reason;
};

struct report {
  const char *suite; /* "bench" (NULL) or "native": which targets apply */
  struct sample_set samples;
  struct profile_set profiles;
  struct linkcheck_set linkcheck;
  int have_profiles, have_linkcheck;
  json_t *env; /* NULL when env.json is missing or invalid */
  char env_note[256];
  char charts_note[512];
  struct report_group *groups;
  size_t ngroups;
  struct report_image *images;
  size_t nimages;
  /* pull model: the fit (model_fit's return: terms, -1 = no fit) on the
     * in-sample profiles, and one row per (image, profile) measured */
  struct model_coef fit;
  int fit_terms;
  size_t fit_obs;
  char fit_profiles[128]; /* "loopback, datacenter, cloud" */
  char holdout[64];       /* the out-of-sample profile ("" = none) */
  struct report_model_row *model;
  size_t nmodel;
  struct report_target *targets;
  size_t ntargets;
  const char *const *profiles_seen; /* names in first-seen order */
  size_t nprofiles_seen;
  const char *const *runtimes_seen; /* pod runtimes, first-seen order */
  size_t nruntimes_seen;
  struct report_budget_row *budget; /* budget.csv joined with plan-budget.tsv */
  size_t nbudget;
  struct report_skip *skips; /* plan-skipped.tsv */
  size_t nskips;
  struct report_table surface; /* sbom/attack-surface.csv */
  struct report_table sboms;   /* sbom/sboms.tsv */
};

/* Load DIR/samples.csv (required), DIR/profiles.csv, DIR/linkcheck.csv,
 * DIR/env.json, DIR/budget.csv, DIR/plan-skipped.tsv, DIR/sbom/
 * attack-surface.csv, DIR/sbom/sboms.tsv (optional) and compute everything;
 * suite: whose targets are judged ("bench", or "native" for make
 * bench-native; NULL = "bench"; borrowed). Returns 0, or -1 with a message in
 * err. On success free with report_free. */
int report_load(struct report *r, const char *dir, const char *suite, char *err,
                size_t errlen);

/* 0 for the native suite (make bench-native pulls nothing: no link
 * emulator, no pull-time model to report), else 1. */
int report_has_pulls(const struct report *r);

/* Group and compute from r->samples (already loaded): groups, images,
 * model, targets. Returns 0 or -1 (out of memory). */
int report_compute(struct report *r, char *err, size_t errlen);

/* Find a group; NULL when absent. profile "-" for phases without a link;
 * runtime NULL matches any runtime (the first group found). */
const struct report_group *report_find(const struct report *r,
                                       const char *phase, const char *service,
                                       const char *variant, const char *profile,
                                       const char *runtime, const char *metric);

/* Median of a group or -1 when absent or without ok samples. */
double report_median(const struct report *r, const char *phase,
                     const char *service, const char *variant,
                     const char *profile, const char *runtime,
                     const char *metric);

/* The image record of a subject, NULL when unknown. */
const struct report_image *report_image_of(const struct report *r,
                                           const char *service,
                                           const char *variant);

/* A subject's label for tables and charts, e.g. "hello:alpine (stand-in
 * base)", "native hello (static, no container)", "runtime floor". */
const char *report_label(const struct report_image *im, char *buf, size_t n);

/* Number of rows built on a local stand-in base. */
size_t report_standins(const struct report *r);

const char *report_verdict_name(enum report_verdict v);

/* Renderers (render_md.c, render_json.c, render_html.c). write_md returns
 * 0 or -1 on a write error; summary_json returns a new object (caller
 * json_decref) or NULL. */
int report_write_md(const struct report *r, FILE *f);
/* report.md's sections written apart: the pod-startup SLO and the live
 * cluster's rows (render_pods.c), the attack surface and SBOMs
 * (render_surface.c); each writes nothing when the run has no such data. */
void report_write_md_slo(const struct report *r, FILE *f);
void report_write_md_k8s(const struct report *r, FILE *f);
void report_write_md_surface(const struct report *r, FILE *f);
json_t *report_summary_json(const struct report *r);

/* report.html: report.md's text and tables as HTML, with the charts that
 * DIR/charts/NAME.svg hold (gnuplot's, from charts.c) inline; a missing
 * chart is said in its place. Self-contained: no script, no URL fetched.
 * Returns 0 or -1 on a write or allocation error. */
int report_write_html(const struct report *r, const char *dir, FILE *f);

/* Write s[0..n) (stopping early at a NUL) to f with & < > " ' escaped as
 * HTML entities: safe in text and in quoted attribute values. */
void report_html_escape(FILE *f, const char *s, size_t n);

void report_free(struct report *r);

#endif
