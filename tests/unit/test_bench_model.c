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
#define assert_near(a, b, eps)                                                 \
  assert_true(fabs((double)(a) - (double)(b)) <= (eps))

#define EPS 1e-9

/* Known case: 12.5 MB on the wire, 25 MB unpacked, 3 layers, 100 Mbit/s,
 * 20 ms, fixed 0.3 s, 10 round trips, throughput 1, 10 ns/byte, 0.1 s per
 * layer -> 0.3 + 0.2 + 1.0 + 0.25 + 0.3 = 2.05 s. Catches bits/bytes and
 * ms/s mixups. */
static void predict_known(void **state) {
  (void)state;
  struct model_coef c = {.fixed_s = 0.3,
                         .round_trips = 10,
                         .throughput = 1,
                         .unpack_s_per_byte = 10e-9,
                         .per_layer_s = 0.1};
  double t =
      model_predict(&c, 12500000ULL, 25000000ULL, 3, 0.020, 100000000ULL);
  assert_near(t, 2.05, EPS);
  /* unlimited rate: no transfer term */
  t = model_predict(&c, 12500000ULL, 25000000ULL, 3, 0.0, 0);
  assert_near(t, 0.85, EPS);
}

static void error_pct(void **state) {
  (void)state;
  assert_near(model_error_pct(1.1, 1.0), 10.0, 1e-9);
  assert_near(model_error_pct(0.9, 1.0), -10.0, 1e-9);
  assert_near(model_error_pct(1.0, 0.0), 0.0, EPS);
}

/* Observations generated from known coefficients on the harness's own
 * profiles must give those coefficients back. Catches a swapped feature,
 * a wrong weight, a scaling left in the result. */
static void fit_recovers_known(void **state) {
  (void)state;
  const struct model_coef truth = {.fixed_s = 0.15,
                                   .round_trips = 9.5,
                                   .throughput = 1.05,
                                   .unpack_s_per_byte = 15e-9,
                                   .per_layer_s = 0.2};
  static const struct {
    double rtt_s;
    uint64_t rate;
  } links[] = {{0, 0}, {0.001, 1000000000ULL}, {0.020, 100000000ULL}};
  static const uint64_t sizes[][3] = {{2200, 4000, 0},
                                      {74500, 132000, 1},
                                      {1600000, 2800000, 3},
                                      {70000000, 168000000, 4},
                                      {285000000, 616000000, 7}};
  struct model_obs obs[15];
  size_t n = 0;
  for (size_t l = 0; l < 3; l++)
    for (size_t s = 0; s < 5; s++) {
      obs[n] = (struct model_obs){.wire_bytes = sizes[s][0],
                                  .uncompressed_bytes = sizes[s][1],
                                  .layers = (unsigned)sizes[s][2],
                                  .rtt_s = links[l].rtt_s,
                                  .rate_bps = links[l].rate};
      obs[n].measured_s =
          model_predict(&truth, obs[n].wire_bytes, obs[n].uncompressed_bytes,
                        obs[n].layers, obs[n].rtt_s, obs[n].rate_bps);
      n++;
    }
  struct model_coef c;
  assert_int_equal(model_fit(obs, n, &c), 5);
  assert_near(c.fixed_s, truth.fixed_s, 1e-6);
  assert_near(c.round_trips, truth.round_trips, 1e-4);
  assert_near(c.throughput, truth.throughput, 1e-6);
  assert_near(c.unpack_s_per_byte, truth.unpack_s_per_byte, 1e-12);
  assert_near(c.per_layer_s, truth.per_layer_s, 1e-6);
}

/* Catches: negative terms published (a negative fixed cost is nonsense);
 * the term is pinned at 0 and the rest refitted. */
static void fit_no_negative_terms(void **state) {
  (void)state;
  /* pure transfer, no fixed cost, no unpack term (nothing unpacked): tiny
     * noise pushes the fixed cost below 0 */
  struct model_obs obs[] = {
      {.wire_bytes = 1000000,
       .uncompressed_bytes = 0,
       .rtt_s = 0.02,
       .rate_bps = 100000000,
       .measured_s = 0.08 + 0.2 - 0.001},
      {.wire_bytes = 5000000,
       .uncompressed_bytes = 0,
       .rtt_s = 0.02,
       .rate_bps = 100000000,
       .measured_s = 0.40 + 0.2},
      {.wire_bytes = 1000000,
       .uncompressed_bytes = 0,
       .rtt_s = 0.05,
       .rate_bps = 20000000,
       .measured_s = 0.40 + 0.5},
      {.wire_bytes = 5000000,
       .uncompressed_bytes = 0,
       .rtt_s = 0.05,
       .rate_bps = 20000000,
       .measured_s = 2.0 + 0.5 - 0.001},
  };
  struct model_coef c;
  int m = model_fit(obs, 4, &c);
  assert_true(m >= 1 && m <= 4);
  assert_true(c.fixed_s >= 0 && c.round_trips >= 0 && c.throughput >= 0 &&
              c.unpack_s_per_byte >= 0);
  assert_near(c.round_trips, 10, 0.5);
  assert_near(c.throughput, 1, 0.02);
}

/* Catches: a fit claimed from too little data, and a term nothing
 * exercises being invented. One observation: only the fixed cost can be
 * fitted (the other terms are given up, last first). */
static void fit_refuses_underdetermined(void **state) {
  (void)state;
  struct model_coef c = {.fixed_s = 42};
  assert_int_equal(model_fit(NULL, 0, &c), -1);
  assert_near(c.fixed_s, 42, 0);
  struct model_obs one = {.wire_bytes = 100,
                          .uncompressed_bytes = 200,
                          .rtt_s = 0.02,
                          .rate_bps = 1000000,
                          .measured_s = 0.5};
  assert_int_equal(model_fit(&one, 1, &c), 1);
  assert_near(c.fixed_s, 0.5, 1e-9);
  /* loopback only: rtt and rate terms are not exercised, 2 terms fitted */
  struct model_obs loop[] = {
      {.wire_bytes = 1000, .uncompressed_bytes = 1000000, .measured_s = 0.16},
      {.wire_bytes = 100000,
       .uncompressed_bytes = 100000000,
       .measured_s = 1.15},
      {.wire_bytes = 10000, .uncompressed_bytes = 10000000, .measured_s = 0.25},
  };
  assert_int_equal(model_fit(loop, 3, &c), 2);
  assert_near(c.round_trips, 0, 0);
  assert_near(c.throughput, 0, 0);
  assert_near(c.unpack_s_per_byte, 1e-8, 1e-10);
}

/* The defaults must be plausible for the planner: an empty image on a
 * 20 ms link costs a few hundred ms, a 270 MB image at 100 Mbit/s about
 * half a minute or more. */
static void defaults_plausible(void **state) {
  (void)state;
  double empty =
      model_predict(&MODEL_DEFAULT, 2200, 4000, 0, 0.020, 100000000ULL);
  double naive = model_predict(&MODEL_DEFAULT, 285000000ULL, 616000000ULL, 7,
                               0.020, 100000000ULL);
  assert_true(empty > 0.1 && empty < 1.0);
  assert_true(naive > 20 && naive < 60);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(predict_known),
      cmocka_unit_test(error_pct),
      cmocka_unit_test(fit_recovers_known),
      cmocka_unit_test(fit_no_negative_terms),
      cmocka_unit_test(fit_refuses_underdetermined),
      cmocka_unit_test(defaults_plausible),
  };
  return cmocka_run_group_tests_name("bench_model", tests, NULL, NULL);
}
