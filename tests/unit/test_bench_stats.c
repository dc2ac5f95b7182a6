/* Unit tests of the statistics module (benchmarks/analysis/stats.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>

#include "stats.h"

/* cmocka 1.1's assert_float_equal casts to float (24-bit mantissa): too
 * coarse for epoch seconds and small tolerances, so compare doubles. */
#define assert_near(a, b, eps)                                                 \
  assert_true(fabs((double)(a) - (double)(b)) <= (eps))

#define EPS 1e-9

/* Catches: median of an even count taken as one element, not the mean of two. */
static void median_even_odd(void **state) {
  (void)state;
  struct stats_summary s;
  double odd[] = {5, 1, 3};
  assert_int_equal(stats_compute(odd, 3, &s), 0);
  assert_near(s.median, 3, EPS);
  double even[] = {4, 1, 3, 2};
  assert_int_equal(stats_compute(even, 4, &s), 0);
  assert_near(s.median, 2.5, EPS);
  assert_near(s.min, 1, EPS);
  assert_near(s.max, 4, EPS);
  assert_near(s.mean, 2.5, EPS);
  assert_int_equal(s.n, 4);
}

/* Known vector: 1..10 -> p95 = 9.55 (type 7: h = 9 x 0.95 = 8.55). Catches
 * nearest-rank p95 (10) or off-by-one ranks. */
static void p95_interpolated(void **state) {
  (void)state;
  double v[] = {10, 9, 8, 7, 6, 5, 4, 3, 2, 1};
  struct stats_summary s;
  assert_int_equal(stats_compute(v, 10, &s), 0);
  assert_near(s.p95, 9.55, EPS);
  assert_near(s.median, 5.5, EPS);
  double one[] = {42};
  assert_int_equal(stats_compute(one, 1, &s), 0);
  assert_near(s.p95, 42, EPS);
  assert_near(s.mad, 0, EPS);
}

/* Known vector: {1,1,2,2,2,4,6,9}: median 2, deviations {1,1,0,0,0,2,4,7}
 * -> MAD 1. Catches MAD computed around the mean or scaled. */
static void mad_known(void **state) {
  (void)state;
  double v[] = {1, 1, 2, 2, 2, 4, 6, 9};
  struct stats_summary s;
  assert_int_equal(stats_compute(v, 8, &s), 0);
  assert_near(s.median, 2, EPS);
  assert_near(s.mad, 1, EPS);
  /* 9 is 7 from the median: > 3 x 1.4826 = 4.45 -> outlier; 6 (4) is not */
  assert_int_equal(s.outliers, 1);
  assert_true(stats_is_outlier(9, s.median, s.mad));
  assert_false(stats_is_outlier(6, s.median, s.mad));
}

/* Catches: outliers flagged in small groups, where the MAD of a handful of
 * values is itself noise (the same 9 among 7 values is not flagged). */
static void no_outliers_below_min_n(void **state) {
  (void)state;
  double v[] = {1, 1, 2, 2, 4, 6, 9};
  struct stats_summary s;
  assert_int_equal(stats_compute(v, 7, &s), 0);
  assert_near(s.mad, 1, EPS);
  assert_int_equal(s.outliers, 0);
}

/* Catches: everything flagged when MAD is 0 (identical values). */
static void no_outliers_when_mad_zero(void **state) {
  (void)state;
  double v[] = {3, 3, 3, 3, 3, 3, 3, 3, 100};
  struct stats_summary s;
  assert_int_equal(stats_compute(v, 9, &s), 0);
  assert_near(s.mad, 0, EPS);
  assert_int_equal(s.outliers, 0);
}

/* Catches: input reordered in place (the report keeps file order). */
static void input_untouched(void **state) {
  (void)state;
  double v[] = {3, 1, 2};
  struct stats_summary s;
  assert_int_equal(stats_compute(v, 3, &s), 0);
  assert_near(v[0], 3, EPS);
  assert_near(v[1], 1, EPS);
}

static void empty_is_error(void **state) {
  (void)state;
  struct stats_summary s = {.n = 77};
  assert_int_equal(stats_compute(NULL, 0, &s), -1);
  assert_int_equal(s.n, 77);
}

static void quantile_edges(void **state) {
  (void)state;
  double v[] = {1, 2, 3, 4};
  assert_near(stats_quantile_sorted(v, 4, 0), 1, EPS);
  assert_near(stats_quantile_sorted(v, 4, 1), 4, EPS);
  assert_near(stats_quantile_sorted(v, 4, 0.25), 1.75, EPS);
}

/* Catches: a bootstrap that is not reproducible (seeded from the clock or
 * state left over from a previous call). */
static void bootstrap_deterministic(void **state) {
  (void)state;
  double a[] = {10, 12, 11, 13, 9, 10.5, 11.5};
  struct stats_ci c1, c2;
  assert_int_equal(stats_boot_median_ci(a, 7, 0.95, 2000, 42, &c1), 0);
  assert_int_equal(stats_boot_median_ci(a, 7, 0.95, 2000, 42, &c2), 0);
  assert_near(c1.lo, c2.lo, 0);
  assert_near(c1.hi, c2.hi, 0);
  /* the interval lies within the data and holds the median (11) */
  assert_true(c1.lo >= 9 && c1.hi <= 13);
  assert_true(c1.lo <= 11 && c1.hi >= 11);
  assert_true(c1.hi > c1.lo);
}

/* Catches: an interval that ignores the spread (identical values give a
 * point; a wider sample gives a wider interval). */
static void bootstrap_width_follows_spread(void **state) {
  (void)state;
  double same[] = {5, 5, 5, 5, 5};
  double narrow[] = {10, 10.1, 9.9, 10.05, 9.95, 10.02, 9.98, 10.01};
  double wide[] = {10, 14, 6, 12, 8, 13, 7, 11};
  struct stats_ci c, n, w;
  assert_int_equal(stats_boot_median_ci(same, 5, 0.95, 1000, 1, &c), 0);
  assert_near(c.lo, 5, EPS);
  assert_near(c.hi, 5, EPS);
  assert_int_equal(stats_boot_median_ci(narrow, 8, 0.95, 1000, 1, &n), 0);
  assert_int_equal(stats_boot_median_ci(wide, 8, 0.95, 1000, 1, &w), 0);
  assert_true(w.hi - w.lo > 10 * (n.hi - n.lo));
}

/* Catches: ratio inverted (b/a), or the two samples resampled together. */
static void bootstrap_ratio(void **state) {
  (void)state;
  double a[] = {20, 21, 19, 20.5, 19.5, 20.2};
  double b[] = {10, 10.5, 9.5, 10.2, 9.8, 10.1};
  struct stats_ci c;
  assert_int_equal(stats_boot_ratio_ci(a, 6, b, 6, 0.95, 4000, 7, &c), 0);
  assert_true(c.lo > 1.8 && c.hi < 2.2);
  assert_true(c.lo <= 2.0 && c.hi >= 1.98);
  /* overlapping samples: the interval straddles 1 */
  double x[] = {10, 12, 9, 11, 13, 8};
  double y[] = {11, 9, 12, 10, 8, 13};
  assert_int_equal(stats_boot_ratio_ci(x, 6, y, 6, 0.95, 4000, 7, &c), 0);
  assert_true(c.lo < 1.0 && c.hi > 1.0);
}

static void bootstrap_bad_input(void **state) {
  (void)state;
  double a[] = {1, 2};
  double z[] = {0, 0};
  struct stats_ci c;
  assert_int_equal(stats_boot_median_ci(a, 0, 0.95, 100, 1, &c), -1);
  assert_int_equal(stats_boot_median_ci(a, 2, 1.5, 100, 1, &c), -1);
  assert_int_equal(stats_boot_ratio_ci(a, 2, z, 2, 0.95, 100, 1, &c), -1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(median_even_odd),
      cmocka_unit_test(p95_interpolated),
      cmocka_unit_test(mad_known),
      cmocka_unit_test(no_outliers_below_min_n),
      cmocka_unit_test(no_outliers_when_mad_zero),
      cmocka_unit_test(input_untouched),
      cmocka_unit_test(empty_is_error),
      cmocka_unit_test(quantile_edges),
      cmocka_unit_test(bootstrap_deterministic),
      cmocka_unit_test(bootstrap_width_follows_spread),
      cmocka_unit_test(bootstrap_ratio),
      cmocka_unit_test(bootstrap_bad_input),
  };
  return cmocka_run_group_tests_name("bench_stats", tests, NULL, NULL);
}
