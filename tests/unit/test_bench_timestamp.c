/* Unit tests of benchmarks/probe/timestamp.c, the RFC 3339 conversion (the
 * engine's and the CRI's timestamps to Unix nanoseconds). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <string.h>

#include "timestamp.h"

/* Catches: fraction digits scaled wrongly, offset sign inverted, leap-year
 * and month arithmetic off, nanoseconds lost to floating point. */
static void rfc3339_valid(void **state) {
  static const struct {
    const char *in;
    int64_t ns;
  } cases[] = {
      {"1970-01-01T00:00:00Z", 0},
      {"2000-03-01T00:00:00Z", INT64_C(951868800000000000)},
      {"2026-12-01T00:18:34.123456789Z", INT64_C(1796084314123456789)},
      {"2026-12-01T00:18:34.1234567891234Z", INT64_C(1796084314123456789)},
      {"2026-12-01T00:18:34.5Z", INT64_C(1796084314500000000)},
      {"2026-12-01T00:18:34.000001z", INT64_C(1796084314000001000)},
      {"2026-12-01t01:18:34.123456789+01:00", INT64_C(1796084314123456789)},
      {"2026-11-30T19:48:34.123456789-04:30", INT64_C(1796084314123456789)},
      {"1969-12-31T23:59:59Z", INT64_C(-1000000000)},
      {"2262-04-11T23:47:16.854775807Z", INT64_MAX},
      {"1677-09-21T00:12:44Z", INT64_C(-9223372036000000000)},
  };
  char err[256];
  int64_t ns;

  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    if (ts_rfc3339_ns(cases[i].in, &ns, err, sizeof err) < 0)
      fail_msg("'%s': %s", cases[i].in, err);
    if (ns != cases[i].ns)
      fail_msg("'%s': got %lld, want %lld", cases[i].in, (long long)ns,
               (long long)cases[i].ns);
  }
}

static void rfc3339_invalid(void **state) {
  static const struct {
    const char *in, *msg;
  } cases[] = {
      {"0001-01-01T00:00:00Z", "Go's zero time: never set"},
      {"2026-12-01 00:18:34Z", "expected YYYY-MM-DDTHH:MM:SS"},
      {"2026-12-01T00:18Z", "expected YYYY-MM-DDTHH:MM:SS"},
      {"", "expected YYYY-MM-DDTHH:MM:SS"},
      {"2026-02-29T00:00:00Z", "field out of range"},
      {"2026-12-01T24:00:00Z", "field out of range"},
      {"2026-12-01T00:18:34", "missing time zone"},
      {"2026-12-01T00:18:34.Z", "empty fraction"},
      {"2026-12-01T00:18:34+0100", "bad UTC offset"},
      {"2026-12-01T00:18:34Z ", "trailing text"},
      {"2300-01-01T00:00:00Z", "out of range: int64 nanoseconds span"},
      {"1600-01-01T00:00:00Z", "out of range"},
      {"2262-04-11T23:47:16.854775808Z", "out of range"},
      {"1677-09-21T00:12:43Z", "out of range"},
  };
  char err[256];
  int64_t ns = 7;

  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    err[0] = '\0';
    assert_int_equal(ts_rfc3339_ns(cases[i].in, &ns, err, sizeof err), -1);
    if (strstr(err, cases[i].msg) == NULL)
      fail_msg("'%s': got '%s', want '%s'", cases[i].in, err, cases[i].msg);
    assert_true(ns == 7);
  }
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(rfc3339_valid),
      cmocka_unit_test(rfc3339_invalid),
  };
  return cmocka_run_group_tests_name("bench_timestamp", tests, NULL, NULL);
}
