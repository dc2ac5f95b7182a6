/* Unit tests of services/whoami/parse.c: sizes and durations, every
 * accepted form and every error path with its message. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include <cmocka.h>

#include "../../services/whoami/parse.h"

#define SENTINEL UINT64_C(0xdeadbeef)

/* Expects text to fail with a message containing want, out untouched. */
static void size_fails(const char *text, uint64_t max, const char *want) {
  char err[128] = "";
  uint64_t out = SENTINEL;

  assert_int_equal(whoami_parse_size(text, max, &out, err, sizeof err), -1);
  assert_non_null(strstr(err, want));
  assert_true(out == SENTINEL);
}

static void duration_fails(const char *text, uint64_t max, const char *want) {
  char err[128] = "";
  uint64_t out = SENTINEL;

  assert_int_equal(whoami_parse_duration(text, max, &out, err, sizeof err), -1);
  assert_non_null(strstr(err, want));
  assert_true(out == SENTINEL);
}

static uint64_t size_ok(const char *text, uint64_t max) {
  char err[128] = "";
  uint64_t out = SENTINEL;

  assert_int_equal(whoami_parse_size(text, max, &out, err, sizeof err), 0);
  return out;
}

static uint64_t duration_ok(const char *text, uint64_t max) {
  char err[128] = "";
  uint64_t out = SENTINEL;

  assert_int_equal(whoami_parse_duration(text, max, &out, err, sizeof err), 0);
  return out;
}

/* Bug caught: units ignored or multiplied wrongly, zero rejected. */
static void test_size_accepted_forms(void **state) {
  (void)state;
  assert_true(size_ok("0", UINT64_MAX) == 0);
  assert_true(size_ok("1", UINT64_MAX) == 1);
  assert_true(size_ok("007", UINT64_MAX) == 7);
  assert_true(size_ok("1048576", UINT64_MAX) == 1048576);
  assert_true(size_ok("5B", UINT64_MAX) == 5);
  assert_true(size_ok("2KiB", UINT64_MAX) == 2048);
  assert_true(size_ok("3MiB", UINT64_MAX) == 3 * 1048576);
  assert_true(size_ok("1GiB", UINT64_MAX) == UINT64_C(1) << 30);
  assert_true(size_ok("18446744073709551615", UINT64_MAX) == UINT64_MAX);
}

/* Bug caught: a missing parameter treated as 0. */
static void test_size_missing(void **state) {
  (void)state;
  size_fails(NULL, UINT64_MAX, "missing size");
}

/* Bug caught: "" parsed as 0 (strtoull's behaviour). */
static void test_size_empty(void **state) {
  (void)state;
  size_fails("", UINT64_MAX, "invalid size: empty value");
}

/* Bug caught: "-1" wrapping to UINT64_MAX (strtoull accepts a sign). */
static void test_size_negative(void **state) {
  (void)state;
  size_fails("-1", UINT64_MAX, "invalid size: negative value");
  size_fails("-0", UINT64_MAX, "invalid size: negative value");
}

/* Bug caught: junk, signs or whitespace accepted or partially parsed. */
static void test_size_junk(void **state) {
  (void)state;
  size_fails("abc", UINT64_MAX, "invalid size: expected decimal digits");
  size_fails("+5", UINT64_MAX, "invalid size: expected decimal digits");
  size_fails(" 5", UINT64_MAX, "invalid size: expected decimal digits");
  size_fails("0x10", UINT64_MAX, "invalid size: unknown unit");
  size_fails("5 ", UINT64_MAX, "invalid size: unknown unit");
  size_fails("12abc", UINT64_MAX, "invalid size: unknown unit");
}

/* Bug caught: unit matching by prefix or case-insensitively ("5kb"). */
static void test_size_unit_errors(void **state) {
  (void)state;
  size_fails("5kb", UINT64_MAX,
             "unknown unit (use no unit, B, KiB, MiB or GiB)");
  size_fails("5KiBx", UINT64_MAX, "unknown unit");
  size_fails("5Ki", UINT64_MAX, "unknown unit");
  size_fails("5MB", UINT64_MAX, "unknown unit");
  size_fails("1.5", UINT64_MAX, "invalid size: fractions are not supported");
  size_fails("1,5", UINT64_MAX, "invalid size: fractions are not supported");
}

/* Bug caught: silent wrap-around on digits or on the unit factor. */
static void test_size_overflow(void **state) {
  (void)state;
  size_fails("18446744073709551616", UINT64_MAX,
             "invalid size: value too large");
  size_fails("99999999999999999999999", UINT64_MAX,
             "invalid size: value too large");
  size_fails("17179869184GiB", UINT64_MAX, "invalid size: value too large");
}

/* Bug caught: an off-by-one at the limit, or a message that does not name
 * the limit. */
static void test_size_max(void **state) {
  (void)state;
  assert_true(size_ok("16777216", 16777216) == 16777216);
  assert_true(size_ok("16MiB", 16777216) == 16777216);
  size_fails("16777217", 16777216,
             "16777217 bytes exceeds the maximum of 16777216 bytes");
  size_fails("17MiB", 16777216, "exceeds the maximum of 16777216 bytes");
  size_fails("1", 0, "exceeds the maximum of 0 bytes");
}

/* Bug caught: a message cut without a NUL, or a write past errlen. */
static void test_size_small_err_buffer(void **state) {
  char err[8];
  uint64_t out = SENTINEL;

  (void)state;
  memset(err, 'X', sizeof err);
  assert_int_equal(whoami_parse_size("x", UINT64_MAX, &out, err, 4), -1);
  assert_string_equal(err, "inv");
  assert_int_equal(err[4], 'X');
  assert_int_equal(whoami_parse_size("x", UINT64_MAX, &out, NULL, 0), -1);
}

/* Bug caught: a plain number not read as milliseconds, wrong factors. */
static void test_duration_accepted_forms(void **state) {
  (void)state;
  assert_true(duration_ok("0", UINT64_MAX) == 0);
  assert_true(duration_ok("250", UINT64_MAX) == 250);
  assert_true(duration_ok("300ms", UINT64_MAX) == 300);
  assert_true(duration_ok("2s", UINT64_MAX) == 2000);
  assert_true(duration_ok("0s", UINT64_MAX) == 0);
  assert_true(duration_ok("1m", UINT64_MAX) == 60000);
}

/* Bug caught: any error path of the duration grammar accepted. */
static void test_duration_errors(void **state) {
  (void)state;
  duration_fails(NULL, UINT64_MAX, "missing duration");
  duration_fails("", UINT64_MAX, "invalid duration: empty value");
  duration_fails("-5", UINT64_MAX, "invalid duration: negative value");
  duration_fails("soon", UINT64_MAX,
                 "invalid duration: expected decimal digits");
  duration_fails("ms", UINT64_MAX, "invalid duration: expected decimal digits");
  duration_fails("5h", UINT64_MAX,
                 "unknown unit (use no unit for milliseconds, ms, s or m)");
  duration_fails("5S", UINT64_MAX, "unknown unit");
  duration_fails("5sec", UINT64_MAX, "unknown unit");
  duration_fails("5 s", UINT64_MAX, "unknown unit");
  duration_fails("1.5s", UINT64_MAX, "fractions are not supported");
  duration_fails("18446744073709551616", UINT64_MAX, "value too large");
  duration_fails("18446744073709552s", UINT64_MAX, "value too large");
  duration_fails("307445734561825861m", UINT64_MAX, "value too large");
}

/* Bug caught: the bound checked before the unit is applied ("31s" < 30000). */
static void test_duration_max(void **state) {
  (void)state;
  assert_true(duration_ok("30s", 30000) == 30000);
  assert_true(duration_ok("30000", 30000) == 30000);
  duration_fails("31s", 30000,
                 "invalid duration: 31000 ms exceeds the maximum of 30000 ms");
  duration_fails("30001ms", 30000, "exceeds the maximum of 30000 ms");
  duration_fails("1m", 30000, "60000 ms exceeds the maximum of 30000 ms");
}

/* Bug caught: JSON only on an exact "application/json" header, or JSON for
 * browsers and curl (wildcards), or q-values ignored. */
static void test_accept_negotiation(void **state) {
  (void)state;
  assert_int_equal(whoami_accept_json(NULL), 0);
  assert_int_equal(whoami_accept_json(""), 0);
  assert_int_equal(whoami_accept_json("*/*"), 0);
  assert_int_equal(whoami_accept_json("text/plain"), 0);
  assert_int_equal(whoami_accept_json("application/json"), 1);
  assert_int_equal(whoami_accept_json("Application/JSON"), 1);
  assert_int_equal(whoami_accept_json(" application/json ; charset=utf-8"), 1);
  assert_int_equal(whoami_accept_json("application/*"), 1);
  assert_int_equal(whoami_accept_json("text/html,application/xhtml+xml,"
                                      "application/xml;q=0.9,*/*;q=0.8"),
                   0);
  assert_int_equal(whoami_accept_json("application/json, */*;q=0.1"), 1);
  assert_int_equal(whoami_accept_json("text/plain;q=0.5, application/json"), 1);
  assert_int_equal(whoami_accept_json("application/json;q=0.5, text/plain"), 0);
  assert_int_equal(whoami_accept_json("application/json;q=0.5, text/*;q=0.4"),
                   1);
  assert_int_equal(whoami_accept_json("application/json, text/plain"), 0);
  assert_int_equal(whoami_accept_json("application/json;q=0"), 0);
  assert_int_equal(whoami_accept_json("application/json;q=0.000"), 0);
  assert_int_equal(whoami_accept_json("application/json;q=1.000"), 1);
  assert_int_equal(whoami_accept_json("application/jsonx"), 0);
  assert_int_equal(whoami_accept_json("application/json;q=2"), 0);
  assert_int_equal(whoami_accept_json("application/json;q=0.5x"), 0);
  assert_int_equal(whoami_accept_json("application/json;q=1.5"), 0);
  assert_int_equal(whoami_accept_json("application/json;q=0.12345"), 0);
  assert_int_equal(whoami_accept_json(",,application/json,,"), 1);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_size_accepted_forms),
      cmocka_unit_test(test_size_missing),
      cmocka_unit_test(test_size_empty),
      cmocka_unit_test(test_size_negative),
      cmocka_unit_test(test_size_junk),
      cmocka_unit_test(test_size_unit_errors),
      cmocka_unit_test(test_size_overflow),
      cmocka_unit_test(test_size_max),
      cmocka_unit_test(test_size_small_err_buffer),
      cmocka_unit_test(test_duration_accepted_forms),
      cmocka_unit_test(test_duration_errors),
      cmocka_unit_test(test_duration_max),
      cmocka_unit_test(test_accept_negotiation),
  };

  return cmocka_run_group_tests_name("whoami_parse", tests, NULL, NULL);
}
