/* targets: the performance targets of the report, as one static table
 * judged by one evaluator (lwan's route tables are the model).
 *
 * A row selects a group of samples (phase, metric, profile, runtime, and
 * the subject by kind/service/variant), optionally a baseline group with
 * the same profile and runtime, and states a limit:
 *   TARGET_VALUE_LE   an exact measurement (sizes: deterministic, one
 *                     sample) at most the limit;
 *   TARGET_RATIO_LE / TARGET_RATIO_GE
 *                     median(subject) / median(baseline) against the limit,
 *                     judged on a bootstrap 95 % interval of that ratio
 *                     (stats.h: resamples and seed fixed): pass when the
 *                     whole interval meets the limit, falls short when the
 *                     whole interval misses it, inconclusive otherwise;
 *   TARGET_MODEL_BAND the pull model's out-of-sample prediction on the
 *                     hold-out profile within +-limit % of the measured
 *                     median, judged on the interval of that median.
 * A side with fewer than PLAN_MIN_JUDGED samples gives "insufficient
 * data", never pass or fail. A selector field NULL matches anything; a
 * subject selector that matches several groups (every service, every
 * runtime) gives one verdict per match. */
#ifndef SL_ANALYSIS_TARGETS_H
#define SL_ANALYSIS_TARGETS_H

#include "report.h"

enum target_type {
  TARGET_VALUE_LE,
  TARGET_RATIO_LE,
  TARGET_RATIO_GE,
  TARGET_MODEL_BAND
};

struct target_sel {
  const char *kind, *service,
      *variant; /* NULL: any; service "=": the subject's */
};

struct target_def {
  const char
      *id; /* summary.json id; the matched service/runtime/profile appended */
  const char *what; /* human text after the subject's label */
  enum target_type type;
  const char *phase, *metric;
  const char *profile; /* "-", a name, or NULL: any (one verdict each) */
  const char *runtime; /* NULL: any (one verdict per runtime) */
  struct target_sel subject, baseline;
  double limit;       /* ratio, bytes, or percent (band) */
  const char *unit;   /* of the value: "×", "B", "%" */
  const char *source; /* the issue or doc that set it */
  const char *suite;  /* NULL: make bench; "native": make bench-native */
};

/* The table (targets.c). */
extern const struct target_def TARGETS[];
extern const size_t NTARGETS;

/* Judge every row of TARGETS against r (groups and model computed) into
 * r->targets. Returns 0 or -1 on allocation failure. */
int targets_judge(struct report *r);

/* The verdict of an interval [lo, hi] against a limit. */
enum report_verdict targets_verdict_le(double lo, double hi, double limit);
enum report_verdict targets_verdict_ge(double lo, double hi, double limit);
enum report_verdict targets_verdict_band(double lo, double hi, double limit);

#endif
