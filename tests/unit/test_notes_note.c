/* test_notes_note.c: request validation of the notes API, every error
 * path (JSON through SQLite's JSON functions, UTF-8, NUL, lengths, content
 * type, integer parameters). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../services/common/utf8.h"
#include "../../services/notes/note.h"

static int setup(void **state) {
  char err[128];
  struct note_parser *p;
  if (note_parser_new(&p, err, sizeof err) < 0)
    return -1;
  *state = p;
  return 0;
}

static int teardown(void **state) {
  note_parser_free(*state);
  return 0;
}

struct bad_case {
  const char *json;
  size_t len; /* 0: strlen(json) */
  const char *error;
};

/* Bug caught: any invalid body accepted, or rejected with the wrong reason. */
static void test_rejects(void **state) {
  static const struct bad_case cases[] = {
      {"", 0, "request body is empty"},
      {"{", 0, "malformed JSON"},
      {"{title:\"t\",body:\"b\"}", 0, "malformed JSON"},
      {"{\"title\":\"t\",\"body\":\"b\",}", 0, "malformed JSON"},
      {"{\"title\":\"t\",\"body\":\"b\"} x", 0, "malformed JSON"},
      {"[1]", 0, "request body must be a JSON object"},
      {"\"text\"", 0, "request body must be a JSON object"},
      {"null", 0, "request body must be a JSON object"},
      {"{\"title\":1,\"body\":\"b\"}", 0, "field \"title\" must be a string"},
      {"{\"title\":\"t\",\"body\":null}", 0, "field \"body\" must be a string"},
      {"{\"title\":[\"t\"],\"body\":\"b\"}", 0,
       "field \"title\" must be a string"},
      {"{\"title\":\"t\",\"body\":{}}", 0, "field \"body\" must be a string"},
      {"{\"title\":true,\"body\":\"b\"}", 0,
       "field \"title\" must be a string"},
      {"{\"title\":\"t\"}", 0, "missing field \"body\""},
      {"{\"body\":\"b\"}", 0, "missing field \"title\""},
      {"{}", 0, "missing field \"title\""},
      {"{\"title\":\"t\",\"body\":\"b\",\"x\":1}", 0, "unknown field \"x\""},
      {"{\"Title\":\"t\",\"body\":\"b\"}", 0, "unknown field \"Title\""},
      {"{\"a\\\"b\":1}", 0, "unknown field \"a?b\""},
      {"{\"title\":\"t\",\"title\":\"u\",\"body\":\"b\"}", 0,
       "duplicate field \"title\""},
      {"{\"title\":\"\",\"body\":\"b\"}", 0,
       "field \"title\" must not be empty"},
      {"{\"title\":\"a\0\",\"body\":\"b\"}",
       sizeof "{\"title\":\"a\0\",\"body\":\"b\"}" - 1,
       "request body contains a NUL byte"},
      {"{\"title\":\"\xff\",\"body\":\"b\"}", 0,
       "request body is not valid UTF-8"},
      {"{\"title\":\"\xc0\xaf\",\"body\":\"b\"}", 0,
       "request body is not valid UTF-8"},
      {"{\"title\":\"a\\u0000b\",\"body\":\"b\"}", 0,
       "JSON strings must not contain \\u0000"},
      {"{\"title\":\"t\",\"body\":\"\\u0000\"}", 0,
       "JSON strings must not contain \\u0000"},
      {"{\"title\":\"\\ud800\",\"body\":\"b\"}", 0,
       "field \"title\" is not valid UTF-8"},
      {"{\"title\":\"t\",\"body\":\"\\udc00x\"}", 0,
       "field \"body\" is not valid UTF-8"},
  };
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    const struct bad_case *c = &cases[i];
    struct note_input in;
    char err[256];
    size_t len = c->len ? c->len : strlen(c->json);
    enum note_result r = note_parse(*state, c->json, len, &in, err, sizeof err);
    if (r != NOTE_INVALID || strcmp(err, c->error) != 0)
      fail_msg("case %zu (%s): got %d \"%s\", want \"%s\"", i, c->json, r, err,
               c->error);
    assert_null(in.title);
    assert_null(in.body);
  }
}

static char *note_with(const char *title_fill, size_t tn, const char *body_fill,
                       size_t bn) {
  size_t tl = strlen(title_fill), bl = strlen(body_fill);
  size_t cap = tn * tl + bn * bl + 64;
  char *s = malloc(cap);
  assert_non_null(s);
  size_t n = (size_t)sprintf(s, "{\"title\":\"");
  for (size_t i = 0; i < tn; i++, n += tl)
    memcpy(s + n, title_fill, tl);
  n += (size_t)sprintf(s + n, "\",\"body\":\"");
  for (size_t i = 0; i < bn; i++, n += bl)
    memcpy(s + n, body_fill, bl);
  sprintf(s + n, "\"}");
  return s;
}

static enum note_result parse_str(void *p, const char *json,
                                  struct note_input *in, char *err,
                                  size_t errlen) {
  return note_parse(p, json, strlen(json), in, err, errlen);
}

/* Bug caught: limits off by one, or counted in characters/escaped bytes
 * instead of stored bytes. */
static void test_lengths(void **state) {
  struct note_input in;
  char err[256];
  char *s = note_with("a", NOTE_TITLE_MAX, "b", NOTE_BODY_MAX);
  assert_int_equal(parse_str(*state, s, &in, err, sizeof err), NOTE_OK);
  assert_int_equal(in.title_len, NOTE_TITLE_MAX);
  assert_int_equal(in.body_len, NOTE_BODY_MAX);
  note_input_free(&in);
  free(s);

  s = note_with("a", NOTE_TITLE_MAX + 1, "b", 1);
  assert_int_equal(parse_str(*state, s, &in, err, sizeof err), NOTE_INVALID);
  assert_string_equal(err, "field \"title\" is longer than 200 bytes");
  free(s);

  s = note_with("a", 1, "b", NOTE_BODY_MAX + 1);
  assert_int_equal(parse_str(*state, s, &in, err, sizeof err), NOTE_INVALID);
  assert_string_equal(err, "field \"body\" is longer than 65536 bytes");
  free(s);

  /* 100 x U+00E9 = 200 bytes: fits; 101 do not. */
  s = note_with("\xc3\xa9", 100, "", 0);
  assert_int_equal(parse_str(*state, s, &in, err, sizeof err), NOTE_OK);
  note_input_free(&in);
  free(s);
  s = note_with("\xc3\xa9", 101, "", 0);
  assert_int_equal(parse_str(*state, s, &in, err, sizeof err), NOTE_INVALID);
  free(s);

  /* "\n" escapes count as the one byte they store: 200 of them fit. */
  s = note_with("\\n", NOTE_TITLE_MAX, "", 0);
  assert_int_equal(parse_str(*state, s, &in, err, sizeof err), NOTE_OK);
  assert_int_equal(in.title_len, NOTE_TITLE_MAX);
  note_input_free(&in);
  free(s);
}

/* Bug caught: escapes not decoded, an escaped backslash taken for \u0000,
 * a surrogate pair refused, an empty body refused. */
static void test_accepts(void **state) {
  struct note_input in;
  char err[256];
  assert_int_equal(parse_str(*state,
                             " {\"body\" : \"\", \"title\":\"a\\nb\"} \n", &in,
                             err, sizeof err),
                   NOTE_OK);
  assert_string_equal(in.title, "a\nb");
  assert_int_equal(in.title_len, 3);
  assert_string_equal(in.body, "");
  assert_int_equal(in.body_len, 0);
  note_input_free(&in);

  assert_int_equal(
      parse_str(*state, "{\"title\":\"\\\\u0000\",\"body\":\"\\ud83d\\ude00\"}",
                &in, err, sizeof err),
      NOTE_OK);
  assert_string_equal(in.title, "\\u0000");
  assert_string_equal(in.body, "\xf0\x9f\x98\x80");
  note_input_free(&in);
}

/* Bug caught: the validator lets overlong forms, surrogates, code points
 * above U+10FFFF or truncated sequences through, or rejects valid text. */
static void test_utf8(void **state) {
  (void)state;
  assert_true(utf8_valid("", 0));
  assert_true(utf8_valid("plain", 5));
  assert_true(utf8_valid("\xe2\x82\xac", 3));      /* U+20AC */
  assert_true(utf8_valid("\xf4\x8f\xbf\xbf", 4));  /* U+10FFFF */
  assert_true(utf8_valid("\xed\x9f\xbf", 3));      /* U+D7FF */
  assert_false(utf8_valid("\xc0\x80", 2));         /* overlong NUL */
  assert_false(utf8_valid("\xe0\x80\xaf", 3));     /* overlong '/' */
  assert_false(utf8_valid("\xf0\x80\x80\xaf", 4)); /* overlong */
  assert_false(utf8_valid("\xed\xa0\x80", 3));     /* U+D800 */
  assert_false(utf8_valid("\xf4\x90\x80\x80", 4)); /* U+110000 */
  assert_false(utf8_valid("\xe2\x82", 2));         /* truncated */
  assert_false(utf8_valid("\x80", 1));             /* lone continuation */
  assert_false(utf8_valid("\xe2\x28\xa1", 3));     /* bad continuation */
  assert_false(utf8_valid("\xff", 1));
}

/* Bug caught: \u0000 missed after other escapes, or an escaped backslash
 * followed by u0000 flagged. */
static void test_nul_escape(void **state) {
  (void)state;
  /* "\u00001" is \u0000 followed by '1'. */
  const char *yes[] = {"\"\\u0000\"", "\"\\n\\u0000\"", "\"a\\\\\\u0000\"",
                       "\"\\u00001\""};
  const char *no[] = {"\"\\\\u0000\"", "\"u0000\"", "\"\\u000\"",
                      "\"\\u0001\""};
  for (size_t i = 0; i < sizeof yes / sizeof yes[0]; i++)
    assert_true(note_has_nul_escape(yes[i], strlen(yes[i])));
  for (size_t i = 0; i < sizeof no / sizeof no[0]; i++)
    assert_false(note_has_nul_escape(no[i], strlen(no[i])));
}

/* Bug caught: 415 for a valid header (case, charset parameter), or a
 * non-JSON type or another charset accepted. */
static void test_content_type(void **state) {
  (void)state;
  assert_true(note_content_type_ok("application/json"));
  assert_true(note_content_type_ok("Application/JSON"));
  assert_true(note_content_type_ok("application/json; charset=utf-8"));
  assert_true(note_content_type_ok("application/json;charset=\"UTF-8\""));
  assert_true(note_content_type_ok("application/json; foo=bar"));
  assert_false(note_content_type_ok(NULL));
  assert_false(note_content_type_ok(""));
  assert_false(note_content_type_ok("text/plain"));
  assert_false(note_content_type_ok("application/jsonx"));
  assert_false(note_content_type_ok("application/json-patch+json"));
  assert_false(note_content_type_ok("application/x-www-form-urlencoded"));
  assert_false(note_content_type_ok("application/json; charset=latin1"));
}

/* Bug caught: signs, spaces, junk or overflow accepted as an id/limit. */
static void test_parse_uint(void **state) {
  (void)state;
  int64_t v = -1;
  assert_int_equal(note_parse_uint("1", 1, 100, &v), 0);
  assert_int_equal(v, 1);
  assert_int_equal(note_parse_uint("100", 1, 100, &v), 0);
  assert_int_equal(note_parse_uint("9223372036854775807", 1, INT64_MAX, &v), 0);
  assert_true(v == INT64_MAX);
  const char *bad[] = {NULL,
                       "",
                       "0",
                       "101",
                       "-1",
                       "+1",
                       " 1",
                       "1 ",
                       "1a",
                       "0x10",
                       "1e3",
                       "9223372036854775808",
                       "99999999999999999999"};
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
    if (note_parse_uint(bad[i], 1, i >= 11 ? INT64_MAX : 100, &v) != -1)
      fail_msg("accepted \"%s\"", bad[i] ? bad[i] : "(null)");
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(test_rejects, setup, teardown),
      cmocka_unit_test_setup_teardown(test_lengths, setup, teardown),
      cmocka_unit_test_setup_teardown(test_accepts, setup, teardown),
      cmocka_unit_test(test_utf8),
      cmocka_unit_test(test_nul_escape),
      cmocka_unit_test(test_content_type),
      cmocka_unit_test(test_parse_uint),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
