/* test_common_num.c: the one decimal parser (services/common/num.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "num.h"

static enum num_result parse(const char *s, uint64_t max, uint64_t *out) {
  return num_parse_u64(s, strlen(s), max, out);
}

/* Bug caught: a digit dropped or the value built in the wrong order. */
static void test_accepts_digits(void **state) {
  (void)state;
  uint64_t v = 1;
  assert_int_equal(parse("0", 10, &v), NUM_OK);
  assert_int_equal(v, 0);
  assert_int_equal(parse("007", 10, &v), NUM_OK);
  assert_int_equal(v, 7);
  assert_int_equal(parse("1234567890", UINT64_MAX, &v), NUM_OK);
  assert_int_equal(v, 1234567890);
}

/* Bug caught: the bound checked off by one, or an overflow wrapping. */
static void test_bounds(void **state) {
  (void)state;
  uint64_t v = 0;
  assert_int_equal(parse("100", 100, &v), NUM_OK);
  assert_int_equal(v, 100);
  v = 42;
  assert_int_equal(parse("101", 100, &v), NUM_RANGE);
  assert_int_equal(v, 42); /* untouched on failure */
  assert_int_equal(parse("5", 4, &v), NUM_RANGE);
  assert_int_equal(parse("1", 0, &v), NUM_RANGE);
  assert_int_equal(parse("0", 0, &v), NUM_OK);
  assert_int_equal(parse("18446744073709551615", UINT64_MAX, &v), NUM_OK);
  assert_true(v == UINT64_MAX);
  assert_int_equal(parse("18446744073709551616", UINT64_MAX, &v), NUM_RANGE);
  assert_int_equal(parse("99999999999999999999999", UINT64_MAX, &v), NUM_RANGE);
  assert_int_equal(parse("9223372036854775807", INT64_MAX, &v), NUM_OK);
  assert_true(v == INT64_MAX);
  assert_int_equal(parse("9223372036854775808", INT64_MAX, &v), NUM_RANGE);
}

/* Bug caught: signs, spaces, prefixes or fractions accepted; a junk byte
 * after an overflow reported as a range error. */
static void test_rejects_junk(void **state) {
  (void)state;
  const char *bad[] = {"",   "-1",   "+1",  " 1",  "1 ",
                       "1a", "0x10", "1e3", "1.5", "99999999999999999999999x"};
  uint64_t v = 42;
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (parse(bad[i], UINT64_MAX, &v) != NUM_SYNTAX)
      fail_msg("\"%s\" is not a syntax error", bad[i]);
  assert_int_equal(v, 42);
}

/* Bug caught: reading past len (the input need not be NUL-terminated). */
static void test_stops_at_len(void **state) {
  (void)state;
  uint64_t v = 0;
  assert_int_equal(num_parse_u64("12KiB", 2, 100, &v), NUM_OK);
  assert_int_equal(v, 12);
  char raw[3] = {'9', '9', '9'}; /* no NUL */
  assert_int_equal(num_parse_u64(raw, 2, 1000, &v), NUM_OK);
  assert_int_equal(v, 99);
  assert_int_equal(num_parse_u64("5", 0, 100, &v), NUM_SYNTAX);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_accepts_digits),
      cmocka_unit_test(test_bounds),
      cmocka_unit_test(test_rejects_junk),
      cmocka_unit_test(test_stops_at_len),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
