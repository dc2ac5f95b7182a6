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
#define assert_near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

#define EPS 1e-9

/* Catches: median of an even count taken as one element, not the mean of two. */
static void median_even_odd(void **state)
{
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
static void p95_interpolated(void **state)
{
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

/* Known vector: {1,1,2,2,4,6,9}: median 2, deviations {1,1,0,0,2,4,7} ->
 * MAD 1. Catches MAD computed around the mean or scaled. */
static void mad_known(void **state)
{
    (void)state;
    double v[] = {1, 1, 2, 2, 4, 6, 9};
    struct stats_summary s;
    assert_int_equal(stats_compute(v, 7, &s), 0);
    assert_near(s.median, 2, EPS);
    assert_near(s.mad, 1, EPS);
    /* 9 is 7 from the median: > 3 x 1.4826 = 4.45 -> outlier; 6 (4) is not */
    assert_int_equal(s.outliers, 1);
    assert_true(stats_is_outlier(9, s.median, s.mad));
    assert_false(stats_is_outlier(6, s.median, s.mad));
}

/* Catches: everything flagged when MAD is 0 (identical values). */
static void no_outliers_when_mad_zero(void **state)
{
    (void)state;
    double v[] = {3, 3, 3, 3, 100};
    struct stats_summary s;
    assert_int_equal(stats_compute(v, 5, &s), 0);
    assert_near(s.mad, 0, EPS);
    assert_int_equal(s.outliers, 0);
}

/* Catches: input reordered in place (the report keeps file order). */
static void input_untouched(void **state)
{
    (void)state;
    double v[] = {3, 1, 2};
    struct stats_summary s;
    assert_int_equal(stats_compute(v, 3, &s), 0);
    assert_near(v[0], 3, EPS);
    assert_near(v[1], 1, EPS);
}

static void empty_is_error(void **state)
{
    (void)state;
    struct stats_summary s = {.n = 77};
    assert_int_equal(stats_compute(NULL, 0, &s), -1);
    assert_int_equal(s.n, 77);
}

static void quantile_edges(void **state)
{
    (void)state;
    double v[] = {1, 2, 3, 4};
    assert_near(stats_quantile_sorted(v, 4, 0), 1, EPS);
    assert_near(stats_quantile_sorted(v, 4, 1), 4, EPS);
    assert_near(stats_quantile_sorted(v, 4, 0.25), 1.75, EPS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(median_even_odd),  cmocka_unit_test(p95_interpolated),
        cmocka_unit_test(mad_known),        cmocka_unit_test(no_outliers_when_mad_zero),
        cmocka_unit_test(input_untouched),  cmocka_unit_test(empty_is_error),
        cmocka_unit_test(quantile_edges),
    };
    return cmocka_run_group_tests_name("bench_stats", tests, NULL, NULL);
}
