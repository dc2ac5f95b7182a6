/* stats: see stats.h. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

double stats_quantile_sorted(const double *v, size_t n, double p) {
  if (n == 1 || p <= 0.0)
    return v[0];
  if (p >= 1.0)
    return v[n - 1];
  double h = (double)(n - 1) * p;
  size_t lo = (size_t)floor(h);
  double frac = h - (double)lo;
  if (lo + 1 >= n)
    return v[n - 1];
  return v[lo] + frac * (v[lo + 1] - v[lo]);
}

int stats_is_outlier(double x, double median, double mad) {
  if (mad <= 0.0)
    return 0;
  return fabs(x - median) > 3.0 * STATS_MAD_SCALE * mad;
}

int stats_compute(const double *v, size_t n, struct stats_summary *out) {
  if (n == 0)
    return -1;
  int rc = -1;
  double *s = malloc(n * sizeof *s);
  double *d = malloc(n * sizeof *d);
  if (s == NULL || d == NULL)
    goto out;
  memcpy(s, v, n * sizeof *s);
  qsort(s, n, sizeof *s, cmp_double);
  struct stats_summary r;
  memset(&r, 0, sizeof r);
  r.n = n;
  r.min = s[0];
  r.max = s[n - 1];
  r.median = stats_quantile_sorted(s, n, 0.5);
  r.p95 = stats_quantile_sorted(s, n, 0.95);
  double sum = 0;
  for (size_t i = 0; i < n; i++) {
    sum += s[i];
    d[i] = fabs(s[i] - r.median);
  }
  r.mean = sum / (double)n;
  qsort(d, n, sizeof *d, cmp_double);
  r.mad = stats_quantile_sorted(d, n, 0.5);
  if (n >= STATS_OUTLIER_MIN_N)
    for (size_t i = 0; i < n; i++)
      if (stats_is_outlier(s[i], r.median, r.mad))
        r.outliers++;
  *out = r;
  rc = 0;
out:
  free(s);
  free(d);
  return rc;
}

/* splitmix64: small, well-mixed, and the same sequence on every machine. */
static uint64_t rng_next(uint64_t *state) {
  uint64_t z = (*state += UINT64_C(0x9E3779B97F4A7C15));
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

/* Uniform index in [0, n) without modulo bias worth mentioning (n is far
 * below 2^32 here; the multiply-shift maps 32 random bits onto n). */
static size_t rng_index(uint64_t *state, size_t n) {
  return (size_t)(((rng_next(state) >> 32) * (uint64_t)n) >> 32);
}

static double resample_median(const double *v, size_t n, double *tmp,
                              uint64_t *state) {
  for (size_t i = 0; i < n; i++)
    tmp[i] = v[rng_index(state, n)];
  qsort(tmp, n, sizeof *tmp, cmp_double);
  return stats_quantile_sorted(tmp, n, 0.5);
}

/* Interval of the statistic values st[0..m-1] (sorted here). */
static void percentile_ci(double *st, size_t m, double level,
                          struct stats_ci *out) {
  qsort(st, m, sizeof *st, cmp_double);
  double alpha = (1.0 - level) / 2.0;
  out->lo = stats_quantile_sorted(st, m, alpha);
  out->hi = stats_quantile_sorted(st, m, 1.0 - alpha);
}

int stats_boot_median_ci(const double *a, size_t na, double level,
                         unsigned resamples, uint64_t seed,
                         struct stats_ci *out) {
  if (na == 0 || resamples == 0 || !(level > 0.0 && level < 1.0))
    return -1;
  double *tmp = malloc(na * sizeof *tmp);
  double *st = malloc(resamples * sizeof *st);
  int rc = -1;
  if (tmp == NULL || st == NULL)
    goto out;
  uint64_t state = seed;
  for (unsigned i = 0; i < resamples; i++)
    st[i] = resample_median(a, na, tmp, &state);
  percentile_ci(st, resamples, level, out);
  rc = 0;
out:
  free(tmp);
  free(st);
  return rc;
}

int stats_boot_ratio_ci(const double *a, size_t na, const double *b, size_t nb,
                        double level, unsigned resamples, uint64_t seed,
                        struct stats_ci *out) {
  if (na == 0 || nb == 0 || resamples == 0 || !(level > 0.0 && level < 1.0))
    return -1;
  double *tmp = malloc((na > nb ? na : nb) * sizeof *tmp);
  double *st = malloc(resamples * sizeof *st);
  int rc = -1;
  if (tmp == NULL || st == NULL)
    goto out;
  uint64_t state = seed;
  for (unsigned i = 0; i < resamples; i++) {
    double ma = resample_median(a, na, tmp, &state);
    double mb = resample_median(b, nb, tmp, &state);
    if (!(mb > 0.0))
      goto out;
    st[i] = ma / mb;
  }
  percentile_ci(st, resamples, level, out);
  rc = 0;
out:
  free(tmp);
  free(st);
  return rc;
}
