/* report: statistics per group of samples, the pull model, the targets,
 * and the two outputs generated from them (report.md, summary.json). */
#ifndef REPORT_H
#define REPORT_H

#include "samples.h"
#include "stats.h"

#include <jansson.h>
#include <stdio.h>

/* All samples of one (phase, subject, profile, metric). */
struct report_group {
    const char *phase, *subject, *service, *variant, *kind, *profile, *metric, *unit;
    double *vals;      /* ok, non-warm-up values, in file order */
    size_t n, cap;
    size_t n_fail;     /* failed samples (warm-up or not) */
    size_t n_warmup;   /* warm-up samples, excluded */
    int has_stats;     /* st valid (n >= 1) */
    struct stats_summary st;
};

/* One image (service x variant) seen in the samples. */
struct report_image {
    const char *subject, *service, *variant, *kind;
};

/* One row of the pull model table. */
struct report_model_row {
    const char *subject, *service, *variant, *kind, *profile;
    double measured_s, predicted_s, error_pct, fixed_s, rtt_ms;
    uint64_t rate_bps, wire_bytes;
    size_t layers;
    unsigned round_trips;
};

enum report_verdict { REPORT_PASS, REPORT_SHORT, REPORT_NOT_MEASURED };

struct report_target {
    char line[256];    /* the text before the verdict */
    char id[64];       /* machine name for summary.json */
    double measured, limit;
    const char *unit;
    enum report_verdict verdict;
};

struct report {
    struct sample_set samples;
    struct profile_set profiles;
    struct linkcheck_set linkcheck;
    int have_profiles, have_linkcheck;
    json_t *env;       /* NULL when env.json is missing or invalid */
    char env_note[256];
    char charts_note[512];
    struct report_group *groups;
    size_t ngroups;
    struct report_image *images;
    size_t nimages;
    struct report_model_row *model;
    size_t nmodel;
    struct report_target *targets;
    size_t ntargets;
    const char *const *profiles_seen; /* names in first-seen order */
    size_t nprofiles_seen;
    unsigned parallel; /* concurrent layer downloads assumed by the model */
};

/* Load DIR/samples.csv (required), DIR/profiles.csv, DIR/linkcheck.csv,
 * DIR/env.json (optional) and compute everything. Returns 0, or -1 with a
 * message in err. On success free with report_free. */
int report_load(struct report *r, const char *dir, char *err, size_t errlen);

/* Group and compute from r->samples (already loaded): groups, images,
 * model rows, targets. Returns 0 or -1 (out of memory). */
int report_compute(struct report *r, char *err, size_t errlen);

/* Find a group; NULL when absent. profile "-" for non-pull phases. */
const struct report_group *report_find(const struct report *r, const char *phase,
                                       const char *service, const char *variant,
                                       const char *profile, const char *metric);

/* Median of a group or -1 when absent or without ok samples. */
double report_median(const struct report *r, const char *phase, const char *service,
                     const char *variant, const char *profile, const char *metric);

/* 1 when a base recorded in env.json has kind local-standin and a name
 * containing "alpine". */
int report_alpine_standin(const struct report *r);

int report_write_md(const struct report *r, FILE *f);
/* Returns a new JSON object (caller json_decref) or NULL. */
json_t *report_summary_json(const struct report *r);

const char *report_verdict_name(enum report_verdict v);

void report_free(struct report *r);

#endif
