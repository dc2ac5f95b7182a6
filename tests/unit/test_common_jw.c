/* test_common_jw.c: JSON string escaping (jw) and the buffer under it (sb). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <stdlib.h>
#include <string.h>

#include "jw.h"
#include "sb.h"

static void expect(const char *in, size_t n, const char *out) {
  struct sb b = SB_INIT;
  assert_int_equal(jw_strn(&b, in, n), 0);
  assert_string_equal(b.buf, out);
  sb_free(&b);
}
#define EXPECT(lit, out) expect(lit, sizeof(lit) - 1, out)

/* Bug caught: quotes or backslashes breaking out of the string. */
static void quotes_and_backslash(void **state) {
  (void)state;
  EXPECT("plain", "\"plain\"");
  EXPECT("", "\"\"");
  EXPECT("a\"b\\c/", "\"a\\\"b\\\\c/\"");
}

/* Bug caught: raw control characters (log injection, invalid JSON). */
static void control_chars(void **state) {
  (void)state;
  EXPECT("\n\r\t\b\f", "\"\\n\\r\\t\\b\\f\"");
  EXPECT("\x01\x1f", "\"\\u0001\\u001f\"");
  EXPECT("a\0b", "\"a\\u0000b\"");
  EXPECT("\x7f", "\"\x7f\"");
}

/* Bug caught: valid multi-byte UTF-8 mangled. */
static void valid_utf8(void **state) {
  (void)state;
  EXPECT("caf\xc3\xa9", "\"caf\xc3\xa9\"");
  EXPECT("\xe2\x82\xac", "\"\xe2\x82\xac\"");
  EXPECT("\xf0\x9f\x98\x80", "\"\xf0\x9f\x98\x80\"");
  EXPECT("\xf4\x8f\xbf\xbf", "\"\xf4\x8f\xbf\xbf\"");
}

/* Bug caught: invalid UTF-8 copied into output that must be valid JSON. */
static void invalid_utf8(void **state) {
  (void)state;
  EXPECT("\xff", "\"\\ufffd\"");
  EXPECT("\x80", "\"\\ufffd\"");
  EXPECT("\xc3", "\"\\ufffd\"");            /* truncated at the end */
  EXPECT("\xc3(", "\"\\ufffd(\"");          /* bad continuation */
  EXPECT("\xc0\xaf", "\"\\ufffd\\ufffd\""); /* overlong '/' */
  EXPECT("\xe0\x80\xaf", "\"\\ufffd\\ufffd\\ufffd\""); /* overlong */
  EXPECT("\xed\xa0\x80", "\"\\ufffd\\ufffd\\ufffd\""); /* surrogate */
  EXPECT("\xf4\x90\x80\x80",
         "\"\\ufffd\\ufffd\\ufffd\\ufffd\""); /* > U+10FFFF */
  EXPECT("\xf5", "\"\\ufffd\"");
  EXPECT("\xe2\x82", "\"\\ufffd\\ufffd\"");
}

/* Bug caught: NULL crashing instead of writing null; key helper. */
static void str_and_key(void **state) {
  (void)state;
  struct sb b = SB_INIT;
  jw_key(&b, "k\"");
  jw_str(&b, NULL);
  assert_string_equal(b.buf, "\"k\\\"\":null");
  sb_free(&b);
}

/* Bug caught: growth losing data, printf longer than the stack buffer. */
static void sb_growth(void **state) {
  (void)state;
  struct sb b = SB_INIT;
  char big[1000];
  memset(big, 'x', sizeof big - 1);
  big[sizeof big - 1] = '\0';
  for (int i = 0; i < 100; i++)
    assert_int_equal(sb_printf(&b, "%d,", i % 10), 0);
  assert_int_equal(b.len, 200);
  assert_int_equal(sb_printf(&b, "%s", big), 0);
  assert_int_equal(b.len, 200 + 999);
  assert_memory_equal(b.buf + 200, big, 999);
  size_t len;
  char *p = sb_steal(&b, &len);
  assert_int_equal(len, 1199);
  assert_null(b.buf);
  free(p);
  p = sb_steal(&b, &len);
  assert_string_equal(p, "");
  assert_int_equal(len, 0);
  free(p);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(quotes_and_backslash), cmocka_unit_test(control_chars),
      cmocka_unit_test(valid_utf8),           cmocka_unit_test(invalid_utf8),
      cmocka_unit_test(str_and_key),          cmocka_unit_test(sb_growth),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
