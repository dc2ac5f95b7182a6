/* Unit tests of the RFC 4180 reader and writer (benchmarks/analysis/csv.c). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "csv.h"

struct rec {
  size_t line;
  size_t n;
  char f[8][64];
};

struct acc {
  struct rec r[8];
  size_t n;
  int stop_at; /* record index at which the callback fails, -1 never */
};

static int collect(void *ctx, size_t line, char **fields, size_t n, char *err,
                   size_t errlen) {
  struct acc *a = ctx;
  if ((int)a->n == a->stop_at) {
    snprintf(err, errlen, "callback stop at line %zu", line);
    return -1;
  }
  struct rec *r = &a->r[a->n++];
  r->line = line;
  r->n = n;
  for (size_t i = 0; i < n && i < 8; i++)
    snprintf(r->f[i], sizeof r->f[i], "%s", fields[i]);
  return 0;
}

static int parse(const char *text, struct acc *a, char *err) {
  memset(a, 0, sizeof *a);
  a->stop_at = -1;
  return csv_parse(text, strlen(text), collect, a, err, 256);
}

/* Catches: empty fields dropped, trailing empty field lost. */
static void plain_and_empty(void **state) {
  (void)state;
  struct acc a;
  char err[256];
  assert_int_equal(parse("a,,c\nd,e,\n", &a, err), 0);
  assert_int_equal(a.n, 2);
  assert_int_equal(a.r[0].n, 3);
  assert_string_equal(a.r[0].f[1], "");
  assert_int_equal(a.r[1].n, 3);
  assert_string_equal(a.r[1].f[2], "");
}

/* Catches: commas, doubled quotes and newlines inside quotes mishandled;
 * line numbers not advancing inside a quoted newline. */
static void quoted(void **state) {
  (void)state;
  struct acc a;
  char err[256];
  assert_int_equal(
      parse("x,\"a, b\",\"say \"\"hi\"\"\"\n\"two\nlines\",y\nlast,z", &a, err),
      0);
  assert_int_equal(a.n, 3);
  assert_string_equal(a.r[0].f[1], "a, b");
  assert_string_equal(a.r[0].f[2], "say \"hi\"");
  assert_string_equal(a.r[1].f[0], "two\nlines");
  assert_int_equal(a.r[1].line, 2);
  assert_int_equal(a.r[2].line, 4);
  assert_string_equal(a.r[2].f[1], "z"); /* no final newline */
}

/* Catches: CR left in the last field of CRLF files; blank lines as records. */
static void crlf_and_blank(void **state) {
  (void)state;
  struct acc a;
  char err[256];
  assert_int_equal(parse("a,b\r\n\r\n\nc,d\r\n", &a, err), 0);
  assert_int_equal(a.n, 2);
  assert_string_equal(a.r[0].f[1], "b");
  assert_string_equal(a.r[1].f[1], "d");
  assert_int_equal(a.r[1].line, 4);
}

/* Catches: malformed input accepted, or errors without the line number. */
static void errors_with_line(void **state) {
  (void)state;
  struct acc a;
  char err[256];
  assert_int_equal(parse("ok,1\nab\"c,2\n", &a, err), -1);
  assert_string_equal(err, "line 2: quote inside unquoted field");
  assert_int_equal(parse("ok,1\nok,2\n\"abc\"x,3\n", &a, err), -1);
  assert_string_equal(err, "line 3: text after closing quote");
  assert_int_equal(parse("ok,1\n\"never closed,2\n", &a, err), -1);
  assert_string_equal(err, "line 2: unterminated quoted field");
}

/* Catches: callback failure ignored. */
static void callback_stops(void **state) {
  (void)state;
  struct acc a;
  memset(&a, 0, sizeof a);
  a.stop_at = 1;
  char err[256];
  const char *t = "a\nb\nc\n";
  assert_int_equal(csv_parse(t, strlen(t), collect, &a, err, sizeof err), -1);
  assert_string_equal(err, "callback stop at line 2");
}

/* Catches: fields needing quotes written bare; round trip broken. */
static void writer_round_trip(void **state) {
  (void)state;
  char *buf = NULL;
  size_t len = 0;
  FILE *f = open_memstream(&buf, &len);
  assert_non_null(f);
  const char *in[] = {"plain", "a,b", "q\"uote", "line\nbreak"};
  for (size_t i = 0; i < 4; i++) {
    if (i)
      fputc(',', f);
    assert_int_equal(csv_write_field(f, in[i]), 0);
  }
  fputc('\n', f);
  fclose(f);
  assert_string_equal(buf, "plain,\"a,b\",\"q\"\"uote\",\"line\nbreak\"\n");
  struct acc a;
  char err[256];
  assert_int_equal(parse(buf, &a, err), 0);
  for (size_t i = 0; i < 4; i++)
    assert_string_equal(a.r[0].f[i], in[i]);
  free(buf);
}

static void slurp_missing(void **state) {
  (void)state;
  char err[256];
  assert_null(csv_slurp("/nonexistent/samples.csv", NULL, err, sizeof err));
  assert_non_null(strstr(err, "cannot read /nonexistent/samples.csv"));
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(plain_and_empty), cmocka_unit_test(quoted),
      cmocka_unit_test(crlf_and_blank),  cmocka_unit_test(errors_with_line),
      cmocka_unit_test(callback_stops),  cmocka_unit_test(writer_round_trip),
      cmocka_unit_test(slurp_missing),
  };
  return cmocka_run_group_tests_name("bench_csv", tests, NULL, NULL);
}
