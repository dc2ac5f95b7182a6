/* Unit tests of the pull-time model (benchmarks/analysis/model.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <math.h>

#include "model.h"

/* cmocka 1.1's assert_float_equal casts to float (24-bit mantissa): too
 * coarse for epoch seconds and small tolerances, so compare doubles. */
#define assert_near(a, b, eps) assert_true(fabs((double)(a) - (double)(b)) <= (eps))

#define EPS 1e-9

/* Catches: layers counted one round trip each instead of in waves of 3,
 * the parallel-connection handshake forgotten, 0 layers giving 0 waves. */
static void round_trips(void **state)
{
    (void)state;
    assert_int_equal(model_round_trips(0, 3), 4); /* hs, /v2/, manifest, config */
    assert_int_equal(model_round_trips(1, 3), 5); /* + extra handshake, 1 wave */
    assert_int_equal(model_round_trips(3, 3), 5);
    assert_int_equal(model_round_trips(4, 3), 6);
    assert_int_equal(model_round_trips(7, 3), 7);
    assert_int_equal(model_round_trips(4, 1), 8);
    assert_int_equal(model_round_trips(4, 0), model_round_trips(4, MODEL_DEFAULT_PARALLEL));
}

/* Known case: 1 layer, 12.5 MB on the wire, 100 Mbit/s, 20 ms, fixed 0.3 s
 * -> 5 x 0.02 + 1.0 + 0.3 = 1.4 s. Catches bits/bytes and ms/s mixups. */
static void predict_known(void **state)
{
    (void)state;
    double t = model_predict(12500000ULL, 1, 3, 0.020, 100000000ULL, 0.3);
    assert_near(t, 1.4, EPS);
    /* unlimited rate: no transfer term */
    t = model_predict(12500000ULL, 1, 3, 0.020, 0, 0.3);
    assert_near(t, 0.4, EPS);
    /* zero RTT: transfer + fixed */
    t = model_predict(2500000ULL, 1, 3, 0.0, 20000000ULL, 0.0);
    assert_near(t, 1.0, EPS);
}

static void error_pct(void **state)
{
    (void)state;
    assert_near(model_error_pct(1.1, 1.0), 10.0, 1e-6);
    assert_near(model_error_pct(0.9, 1.0), -10.0, 1e-6);
    assert_near(model_error_pct(1.0, 0.0), 0.0, EPS);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(round_trips),
        cmocka_unit_test(predict_known),
        cmocka_unit_test(error_pct),
    };
    return cmocka_run_group_tests_name("bench_model", tests, NULL, NULL);
}
