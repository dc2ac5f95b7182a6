/* stats: see stats.h. */
#include "stats.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

double stats_quantile_sorted(const double *v, size_t n, double p)
{
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

int stats_is_outlier(double x, double median, double mad)
{
    if (mad <= 0.0)
        return 0;
    return fabs(x - median) > 3.0 * STATS_MAD_SCALE * mad;
}

int stats_compute(const double *v, size_t n, struct stats_summary *out)
{
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
