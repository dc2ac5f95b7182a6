/* stats: descriptive statistics of one group of samples.
 *
 * Definitions (also in docs/benchmarks-analysis.md):
 *  - median and p95: linear interpolation between closest ranks on the
 *    sorted values (h = (n-1)p, x[floor h] + (h - floor h)(x[floor h + 1] -
 *    x[floor h])), the "type 7" estimator of R and numpy's default;
 *  - MAD: median of |x - median|, unscaled (as reported);
 *  - outlier: |x - median| > 3 x 1.4826 x MAD, i.e. beyond 3 standard
 *    deviations for normal data (never when MAD is 0); flagged, kept. */
#ifndef STATS_H
#define STATS_H

#include <stddef.h>

/* MAD -> standard deviation for normally distributed data. */
#define STATS_MAD_SCALE 1.4826

struct stats_summary {
    size_t n; /* values used */
    double median, p95, min, max, mad, mean;
    size_t outliers; /* count of values flagged */
};

/* Quantile p in [0,1] of sorted values v[0..n-1] (n >= 1), type 7. */
double stats_quantile_sorted(const double *v, size_t n, double p);

/* Summary of n values (any order; not modified). Returns 0, or -1 when
 * n is 0 or allocation fails (out untouched). */
int stats_compute(const double *v, size_t n, struct stats_summary *out);

/* 1 when x is an outlier for (median, mad) as defined above. */
int stats_is_outlier(double x, double median, double mad);

#endif
