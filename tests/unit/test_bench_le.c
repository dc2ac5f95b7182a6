/* Unit tests of the link emulator arithmetic (benchmarks/linkemu/le.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "le.h"

static char err[256];

/* Catches: wrong unit multipliers (kbit as 1024, mbit off by 10^3). */
static void rate_units(void **state) {
  (void)state;
  uint64_t v = 7;
  assert_int_equal(le_parse_rate("100mbit", &v, err, sizeof err), 0);
  assert_true(v == 100000000ULL);
  assert_int_equal(le_parse_rate("1gbit", &v, err, sizeof err), 0);
  assert_true(v == 1000000000ULL);
  assert_int_equal(le_parse_rate("64kbit", &v, err, sizeof err), 0);
  assert_true(v == 64000ULL);
  assert_int_equal(le_parse_rate("9600bit", &v, err, sizeof err), 0);
  assert_true(v == 9600ULL);
  assert_int_equal(le_parse_rate("1.5Mbit", &v, err, sizeof err), 0);
  assert_true(v == 1500000ULL);
}

/* Catches: 0 / unlimited not mapped to "no limit". */
static void rate_unlimited(void **state) {
  (void)state;
  uint64_t v = 7;
  assert_int_equal(le_parse_rate("0", &v, err, sizeof err), 0);
  assert_true(v == 0);
  v = 7;
  assert_int_equal(le_parse_rate("unlimited", &v, err, sizeof err), 0);
  assert_true(v == 0);
}

/* Catches: each rejected form silently accepted or with a vague message. */
static void rate_errors(void **state) {
  (void)state;
  static const struct {
    const char *in;
    const char *msg;
  } cases[] = {
      {"", "empty"},
      {"100", "missing unit"},
      {"100mb", "unknown unit"},
      {"mbit", "expected a number"},
      {"-5mbit", "expected a number"},
      {"1e30gbit", "too large"},
      {"0.0001bit", "below 1 bit/s"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint64_t v = 42;
    err[0] = '\0';
    assert_int_equal(le_parse_rate(cases[i].in, &v, err, sizeof err), -1);
    assert_true(v == 42);
    assert_non_null(strstr(err, cases[i].msg));
  }
  uint64_t v = 42;
  assert_int_equal(le_parse_rate(NULL, &v, err, sizeof err), -1);
}

/* Catches: us/ms/s multipliers wrong, decimals truncated. */
static void duration_units(void **state) {
  (void)state;
  uint64_t ns = 0;
  assert_int_equal(le_parse_duration("20ms", &ns, err, sizeof err), 0);
  assert_true(ns == 20000000ULL);
  assert_int_equal(le_parse_duration("250us", &ns, err, sizeof err), 0);
  assert_true(ns == 250000ULL);
  assert_int_equal(le_parse_duration("2s", &ns, err, sizeof err), 0);
  assert_true(ns == 2000000000ULL);
  assert_int_equal(le_parse_duration("0.5ms", &ns, err, sizeof err), 0);
  assert_true(ns == 500000ULL);
  assert_int_equal(le_parse_duration("0", &ns, err, sizeof err), 0);
  assert_true(ns == 0);
}

static void duration_errors(void **state) {
  (void)state;
  static const struct {
    const char *in;
    const char *msg;
  } cases[] = {
      {"", "empty"},
      {"20", "missing unit"},
      {"20min", "unknown unit"},
      {"ms", "expected a number"},
      {"7200s", "more than one hour"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    uint64_t ns = 42;
    assert_int_equal(le_parse_duration(cases[i].in, &ns, err, sizeof err), -1);
    assert_true(ns == 42);
    assert_non_null(strstr(err, cases[i].msg));
  }
}

/* Catches: port overflow, missing pieces, host truncation. */
static void hostport(void **state) {
  (void)state;
  char host[16];
  uint16_t port = 0;
  assert_int_equal(le_parse_hostport("127.0.0.1:5001", host, sizeof host, &port,
                                     err, sizeof err),
                   0);
  assert_string_equal(host, "127.0.0.1");
  assert_int_equal(port, 5001);
  assert_int_equal(le_parse_hostport("localhost:0", host, sizeof host, &port,
                                     err, sizeof err),
                   0);
  assert_int_equal(port, 0);
  static const struct {
    const char *in;
    const char *msg;
  } cases[] = {
      {"", "empty"},
      {"127.0.0.1", "expected HOST:PORT"},
      {":80", "empty host"},
      {"127.0.0.1:", "empty port"},
      {"127.0.0.1:http", "not a number"},
      {"127.0.0.1:65536", "above 65535"},
      {"a-very-long-host-name:80", "too long"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    assert_int_equal(le_parse_hostport(cases[i].in, host, sizeof host, &port,
                                       err, sizeof err),
                     -1);
    assert_non_null(strstr(err, cases[i].msg));
  }
}

/* Catches: refill not proportional to time, cap not applied, bits/bytes mixup. */
static void bucket_refill(void **state) {
  (void)state;
  struct le_bucket b;
  le_bucket_init(&b, 8000000ULL /* 1 MB/s */, 10000.0, 1000);
  assert_true(b.tokens == 10000.0);
  le_bucket_take(&b, 10000);
  assert_false(le_bucket_can_send(&b));
  le_bucket_refill(&b, 1000 + 1000000ULL); /* 1 ms -> 1000 bytes */
  assert_true(b.tokens > 999.9 && b.tokens < 1000.1);
  assert_true(le_bucket_can_send(&b));
  le_bucket_refill(&b, 1000 + 1000000000ULL); /* 1 s: capped at burst */
  assert_true(b.tokens == 10000.0);
  /* time going backwards changes nothing */
  le_bucket_refill(&b, 5);
  assert_true(b.tokens == 10000.0);
}

/* Catches: debt not repaid before the next send, wrong wait time. */
static void bucket_debt_and_wait(void **state) {
  (void)state;
  struct le_bucket b;
  le_bucket_init(&b, 8000000ULL, 1000.0, 0);
  le_bucket_take(&b, 3000); /* tokens -2000: 2 ms of debt at 1 MB/s */
  assert_false(le_bucket_can_send(&b));
  uint64_t w = le_bucket_wait_ns(&b);
  assert_true(w >= 2000000ULL && w <= 2000002ULL);
  le_bucket_refill(&b, w);
  assert_true(le_bucket_can_send(&b));
  le_bucket_refill(&b, w + 1000); /* still fine */
  le_bucket_init(&b, 0, 1000.0, 0);
  le_bucket_take(&b, 1u << 30);
  assert_true(le_bucket_can_send(&b));
  assert_true(le_bucket_wait_ns(&b) == 0);
}

/* Catches: long-run rate drifting with chunked reads (the emulator's core
 * promise): simulate a sender that reads a chunk whenever allowed. */
static void bucket_long_run_rate(void **state) {
  (void)state;
  const uint64_t rate = 100000000ULL; /* 100 Mbit/s */
  struct le_bucket b;
  le_bucket_init(&b, rate, le_burst_bytes(rate), 0);
  uint64_t t = 0, sent = 0;
  const size_t chunk = le_chunk_size(rate);
  while (t < 2000000000ULL) {
    le_bucket_refill(&b, t);
    if (le_bucket_can_send(&b)) {
      le_bucket_take(&b, chunk);
      sent += chunk;
    } else {
      t += le_bucket_wait_ns(&b);
    }
  }
  double bps = (double)sent * 8.0 / 2.0;
  /* burst + one chunk over 2 s is < 1 % */
  assert_true(bps > 0.99 * (double)rate && bps < 1.01 * (double)rate);
}

/* Catches: time-to-send arithmetic off by a factor 8 or 1000. */
static void tx_and_bytes(void **state) {
  (void)state;
  assert_true(le_tx_ns(125000, 1000000000ULL) ==
              1000000ULL);                      /* 125 kB at 1 Gbit/s = 1 ms */
  assert_true(le_tx_ns(1, 3) == 2666666667ULL); /* rounded up */
  assert_true(le_tx_ns(1000, 0) == 0);
  assert_true(le_bytes_in(1000000ULL, 1000000000ULL) == 125000ULL);
  assert_true(le_bytes_in(1, 1) == 0);
  assert_true(le_bytes_in(5, 0) == UINT64_MAX);
  assert_true(le_release_ns(100, 10000000ULL) == 10000100ULL);
}

/* Catches: chunk/burst/cap bounds not applied. */
static void sizes(void **state) {
  (void)state;
  assert_true(le_chunk_size(0) == 256 * 1024);
  assert_true(le_chunk_size(1000000ULL) ==
              16 * 1024); /* 250 B per 2 ms -> floor */
  assert_true(le_chunk_size(100000000ULL) == 25000); /* 2 ms at 100 Mbit/s */
  assert_true(le_chunk_size(100000000000ULL) == 256 * 1024); /* ceiling */
  assert_true(le_burst_bytes(100000000ULL) == 62500.0); /* 5 ms at 100 Mbit/s */
  assert_true(le_burst_bytes(1000000ULL) == 16384.0);
  assert_true(le_line_cap(0, 0) == 8u * 1024 * 1024);
  assert_true(le_line_cap(20000000ULL, 25000000ULL) ==
              1024u * 1024); /* small BDP -> floor */
  assert_true(le_line_cap(10000000000ULL, 1000000000ULL) == 64u * 1024 * 1024);
  size_t c = le_line_cap(1000000000ULL, 10000000ULL); /* 1.25 MB BDP */
  assert_true(c == 2u * 1250000u + 2u * 250000u);
}

static void within10(void **state) {
  (void)state;
  assert_true(le_within10(110.0, 100.0));
  assert_true(le_within10(90.0, 100.0));
  assert_false(le_within10(110.5, 100.0));
  assert_false(le_within10(89.0, 100.0));
  assert_false(le_within10(0.0, 0.0));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(rate_units),
      cmocka_unit_test(rate_unlimited),
      cmocka_unit_test(rate_errors),
      cmocka_unit_test(duration_units),
      cmocka_unit_test(duration_errors),
      cmocka_unit_test(hostport),
      cmocka_unit_test(bucket_refill),
      cmocka_unit_test(bucket_debt_and_wait),
      cmocka_unit_test(bucket_long_run_rate),
      cmocka_unit_test(tx_and_bytes),
      cmocka_unit_test(sizes),
      cmocka_unit_test(within10),
  };
  return cmocka_run_group_tests_name("bench_le", tests, NULL, NULL);
}
