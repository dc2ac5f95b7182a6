/* test_common_sb.c: the one growable buffer (services/common/sb.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "sb.h"

/* Bug caught: bytes lost or the NUL missing when the buffer grows. */
static void test_appends_and_grows(void **state) {
  (void)state;
  struct sb b = SB_INIT;
  char chunk[100];
  memset(chunk, 'a', sizeof chunk);
  for (int i = 0; i < 50; i++)
    assert_int_equal(sb_append(&b, chunk, sizeof chunk), 0);
  assert_int_equal(sb_puts(&b, "end"), 0);
  assert_int_equal(sb_printf(&b, "%d", 42), 0);
  assert_int_equal(b.len, 5005);
  assert_int_equal(strlen(b.buf), 5005);
  assert_string_equal(b.buf + 5000, "end42");
  sb_free(&b);
  assert_null(b.buf);
}

/* Bug caught: a size near SIZE_MAX wrapping len + extra + 1 to a small
 * allocation (a heap overflow on the next copy). */
static void test_overflow_is_a_failure(void **state) {
  (void)state;
  struct sb b = SB_INIT;
  assert_int_equal(sb_puts(&b, "abc"), 0);
  assert_int_equal(sb_reserve(&b, SIZE_MAX - 2), -1);
  assert_true(b.failed);
  assert_int_equal(b.len, 3);
  sb_free(&b);
  assert_int_equal(sb_reserve(&b, SIZE_MAX), -1);
  sb_free(&b);
}

/* Bug caught: a call after a failure succeeding (a cut response sent as
 * whole), or sb_steal handing out a failed buffer. */
static void test_failure_is_sticky(void **state) {
  (void)state;
  struct sb b = SB_INIT;
  size_t len = 99;
  assert_int_equal(sb_reserve(&b, SIZE_MAX), -1);
  assert_int_equal(sb_puts(&b, "x"), -1);
  assert_int_equal(sb_printf(&b, "%s", "y"), -1);
  assert_null(sb_steal(&b, &len));
  assert_null(b.buf);
  assert_false(b.failed); /* sb_steal freed it: SB_INIT again */
}

/* Bug caught: steal leaving the buffer shared, reset dropping memory or
 * keeping the failure. */
static void test_steal_and_reset(void **state) {
  (void)state;
  struct sb b = SB_INIT;
  size_t len = 99;
  char *p = sb_steal(&b, &len);
  assert_non_null(p);
  assert_string_equal(p, "");
  assert_int_equal(len, 0);
  free(p);
  assert_int_equal(sb_puts(&b, "hello"), 0);
  p = sb_steal(&b, &len);
  assert_string_equal(p, "hello");
  assert_int_equal(len, 5);
  assert_null(b.buf);
  free(p);
  assert_int_equal(sb_puts(&b, "line"), 0);
  char *mem = b.buf;
  sb_reset(&b);
  assert_ptr_equal(b.buf, mem);
  assert_int_equal(b.len, 0);
  assert_string_equal(b.buf, "");
  b.failed = 1;
  sb_reset(&b);
  assert_int_equal(sb_puts(&b, "again"), 0);
  assert_string_equal(b.buf, "again");
  sb_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_appends_and_grows),
      cmocka_unit_test(test_overflow_is_a_failure),
      cmocka_unit_test(test_failure_is_sticky),
      cmocka_unit_test(test_steal_and_reset),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
