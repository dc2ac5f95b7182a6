/* test_common_rfc3339.c: the one time formatter (services/common/rfc3339.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "rfc3339.h"

/* Bug caught: wrong fields (no milliseconds, local time, month from 0). */
static void test_formats_utc_ms(void **state) {
  (void)state;
  char buf[RFC3339_MS_SIZE];
  assert_int_equal(rfc3339_ms(1700000000123LL, buf, sizeof buf), 0);
  assert_string_equal(buf, "2023-11-14T22:13:20.123Z");
  assert_int_equal(rfc3339_ms(0, buf, sizeof buf), 0);
  assert_string_equal(buf, "1970-01-01T00:00:00.000Z");
  assert_int_equal(rfc3339_ms(253402300799999LL, buf, sizeof buf), 0);
  assert_string_equal(buf, "9999-12-31T23:59:59.999Z");
  assert_int_equal(strlen(buf), RFC3339_MS_SIZE - 1);
}

/* Bug caught: truncating division before the epoch ("...:00.-01Z"). */
static void test_before_epoch(void **state) {
  (void)state;
  char buf[RFC3339_MS_SIZE];
  assert_int_equal(rfc3339_ms(-1, buf, sizeof buf), 0);
  assert_string_equal(buf, "1969-12-31T23:59:59.999Z");
  assert_int_equal(rfc3339_ms(-1000, buf, sizeof buf), 0);
  assert_string_equal(buf, "1969-12-31T23:59:59.000Z");
}

/* Bug caught: a cut stamp or a five-digit year reported as success. */
static void test_refuses(void **state) {
  (void)state;
  char buf[64];
  memset(buf, 'x', sizeof buf);
  assert_int_equal(rfc3339_ms(0, buf, RFC3339_MS_SIZE - 1), -1);
  assert_string_equal(buf, "");
  memset(buf, 'x', sizeof buf);
  assert_int_equal(rfc3339_ms(253402300800000LL, buf, sizeof buf), -1);
  assert_string_equal(buf, "");
}

/* Bug caught: the part to the second differing within one second (the
 * log's once-a-second cache relies on it). */
static void test_seconds_prefix(void **state) {
  (void)state;
  char a[RFC3339_MS_SIZE], b[RFC3339_MS_SIZE];
  assert_int_equal(rfc3339_ms(1700000000000LL, a, sizeof a), 0);
  assert_int_equal(rfc3339_ms(1700000000999LL, b, sizeof b), 0);
  assert_memory_equal(a, b, RFC3339_SECONDS_LEN);
  assert_int_equal(a[RFC3339_SECONDS_LEN], '.');
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_formats_utc_ms),
      cmocka_unit_test(test_before_epoch),
      cmocka_unit_test(test_refuses),
      cmocka_unit_test(test_seconds_prefix),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
