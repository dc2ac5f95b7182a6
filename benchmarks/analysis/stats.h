/* stats: descriptive statistics of one group of samples, and bootstrap
 * confidence intervals for the verdicts.
 *
 * Definitions (also in docs/benchmarks-analysis.md):
 *  - median and p95: linear interpolation between closest ranks on the
 *    sorted values (h = (n-1)p, x[floor h] + (h - floor h)(x[floor h + 1] -
 *    x[floor h])), the "type 7" estimator of R and numpy's default;
 *  - MAD: median of |x - median|, unscaled (as reported);
 *  - outlier: |x - median| > 3 x 1.4826 x MAD, i.e. beyond 3 standard
 *    deviations for normal data (never when MAD is 0, never when n < 8:
 *    with fewer values the MAD itself is too unsteady and the rule flags
 *    ordinary scatter); flagged, kept;
 *  - confidence intervals: percentile bootstrap of the median (one sample)
 *    or of the ratio of two medians (two independent samples), with
 *    STATS_BOOT_RESAMPLES resamples from a fixed seed, so the same data
 *    always gives the same interval. */
#ifndef SL_ANALYSIS_STATS_H
#define SL_ANALYSIS_STATS_H

#include <stddef.h>
#include <stdint.h>

/* MAD -> standard deviation for normally distributed data. */
#define STATS_MAD_SCALE 1.4826
/* Smallest group in which outliers are flagged. */
#define STATS_OUTLIER_MIN_N 8
/* Bootstrap resamples and seed: stated in every report. */
#define STATS_BOOT_RESAMPLES 10000
#define STATS_BOOT_SEED UINT64_C(20261201)

struct stats_summary {
  size_t n; /* values used */
  double median, p95, min, max, mad, mean;
  size_t
      outliers; /* count of values flagged (0 when n < STATS_OUTLIER_MIN_N) */
};

/* Quantile p in [0,1] of sorted values v[0..n-1] (n >= 1), type 7. */
double stats_quantile_sorted(const double *v, size_t n, double p);

/* Summary of n values (any order; not modified). Returns 0, or -1 when
 * n is 0 or allocation fails (out untouched). */
int stats_compute(const double *v, size_t n, struct stats_summary *out);

/* 1 when x is an outlier for (median, mad) as defined above (the caller
 * checks n >= STATS_OUTLIER_MIN_N; stats_compute does). */
int stats_is_outlier(double x, double median, double mad);

/* A confidence interval [lo, hi] at level (e.g. 0.95). */
struct stats_ci {
  double lo, hi;
};

/* Percentile bootstrap interval of the median of a[0..na-1] (na >= 1).
 * Returns 0, or -1 on bad arguments or allocation failure. */
int stats_boot_median_ci(const double *a, size_t na, double level,
                         unsigned resamples, uint64_t seed,
                         struct stats_ci *out);

/* Percentile bootstrap interval of median(a) / median(b), a and b
 * resampled independently (na, nb >= 1; every median of b must be > 0,
 * which holds when all b > 0). Returns 0, or -1 on bad arguments,
 * a zero median of b, or allocation failure. */
int stats_boot_ratio_ci(const double *a, size_t na, const double *b, size_t nb,
                        double level, unsigned resamples, uint64_t seed,
                        struct stats_ci *out);

#endif
