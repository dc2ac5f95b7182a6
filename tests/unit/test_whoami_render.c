/* Unit tests of services/whoami/render.c: the text and JSON answers, with
 * hostile header names and values (control characters, quotes, backslashes,
 * invalid UTF-8, very long values). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmocka.h>

#include "../../services/whoami/render.h"

#define HDR(n, v)                                                              \
  {                                                                            \
    .name = (n), .name_len = sizeof(n) - 1, .value = (v),                      \
    .value_len = sizeof(v) - 1                                                 \
  }

static const struct whoami_addr addrs[] = {
    {.ifname = "lo", .family = "ipv4", .address = "127.0.0.1"},
    {.ifname = "eth0", .family = "ipv6", .address = "fe80::1%eth0"},
};

static struct whoami_info base_info(const struct whoami_header *h, size_t n) {
  struct whoami_info info = {
      .hostname = "web-1",
      .addrs = addrs,
      .naddrs = 2,
      .remote_addr = "127.0.0.1",
      .remote_port = 50312,
      .method = "GET",
      .url = "/?wait=10ms",
      .version = "HTTP/1.1",
      .headers = h,
      .nheaders = n,
  };
  return info;
}

/* Escapes n bytes for text and returns the malloc'd result. */
static char *text_of(const char *s, size_t n) {
  struct sb b = SB_INIT;

  assert_int_equal(whoami_text_escape(&b, s, n), 0);
  return sb_steal(&b, NULL);
}

/* Literal input, its length taken by sizeof so embedded NULs count. */
#define ET(lit, want) expect_text((lit), sizeof(lit) - 1, (want))

static void expect_text(const char *in, size_t n, const char *want) {
  char *got = text_of(in, n);

  assert_string_equal(got, want);
  free(got);
}

/* Bug caught: a field missing, reordered or formatted differently from the
 * documented layout (integration tests and users grep these lines). */
static void test_text_layout(void **state) {
  const struct whoami_header h[] = {HDR("Host", "localhost:8080"),
                                    HDR("X-B", "2"), HDR("X-A", "1")};
  struct whoami_info info = base_info(h, 3);
  struct sb b = SB_INIT;

  (void)state;
  assert_int_equal(whoami_render_text(&b, &info), 0);
  assert_string_equal(b.buf, "Hostname: web-1\n"
                             "IP: lo 127.0.0.1\n"
                             "IP: eth0 fe80::1%eth0\n"
                             "RemoteAddr: 127.0.0.1:50312\n"
                             "Method: GET\n"
                             "URL: /?wait=10ms\n"
                             "Protocol: HTTP/1.1\n"
                             "\n"
                             "Host: localhost:8080\n"
                             "X-B: 2\n"
                             "X-A: 1\n");
  sb_free(&b);
}

/* Bug caught: an IPv6 peer printed as "::1:50312" (port indistinguishable),
 * NULL fields crashing the renderer. */
static void test_text_ipv6_and_nulls(void **state) {
  struct whoami_info info = {.remote_addr = "::1", .remote_port = 8};
  struct sb b = SB_INIT;

  (void)state;
  assert_int_equal(whoami_render_text(&b, &info), 0);
  assert_string_equal(b.buf, "Hostname: \n"
                             "RemoteAddr: [::1]:8\n"
                             "Method: \nURL: \nProtocol: \n\n");
  sb_free(&b);
}

/* Bug caught: CR/LF in a value injecting a fake line (a forged header or
 * field), ESC reaching a terminal, DEL and NUL passed through. */
static void test_text_escapes_controls(void **state) {
  (void)state;
  ET("a\r\nX-Injected: 1", "a\\x0d\\x0aX-Injected: 1");
  ET("\x1b[31mred", "\\x1b[31mred");
  ET("tab\there", "tab\\x09here");
  ET("nul\0byte", "nul\\x00byte");
  ET("del\x7f", "del\\x7f");
  ET("", "");
}

/* Bug caught: an ambiguous escape ("\x41" sent literally would read as an
 * escaped 'A' if backslashes were not doubled); quotes needlessly mangled. */
static void test_text_backslash_and_quotes(void **state) {
  (void)state;
  ET("\\x41", "\\\\x41");
  ET("say \"hi\" 'x'", "say \"hi\" 'x'");
}

/* Bug caught: valid UTF-8 mangled; invalid UTF-8 (bad lead, truncated,
 * overlong, surrogate, above U+10FFFF) or C1 controls (U+009B is a CSI for
 * some terminals) copied raw into a UTF-8 text body. */
static void test_text_utf8(void **state) {
  (void)state;
  ET("caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80",
     "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80");
  ET("\xc2\xa0", "\xc2\xa0"); /* U+00A0 is printable */
  ET("\xc2\x9b", "\\xc2\\x9b");
  ET("\xff", "\\xff");
  ET("\xc0\xaf", "\\xc0\\xaf");
  ET("\xe0\x80\xaf", "\\xe0\\x80\\xaf");
  ET("\xed\xa0\x80", "\\xed\\xa0\\x80");
  ET("\xf4\x90\x80\x80", "\\xf4\\x90\\x80\\x80");
  ET("x\xe2\x82", "x\\xe2\\x82");
  ET("\xe2\x82x", "\\xe2\\x82x");
}

/* Bug caught: any byte value escaping the filter. Every byte 0..255 in one
 * value must leave only printable ASCII or valid non-C1 UTF-8. */
static void test_text_every_byte(void **state) {
  char in[256];
  char *got;
  size_t i;

  (void)state;
  for (i = 0; i < sizeof in; i++)
    in[i] = (char)i;
  got = text_of(in, sizeof in);
  for (i = 0; got[i] != '\0'; i++) {
    unsigned char c = (unsigned char)got[i];
    assert_true(c >= 0x20 && c != 0x7f);
  }
  /* 32 C0 + DEL + 128 high bytes (alone each is invalid) as \xHH, one
   * doubled backslash, 94 other printable bytes. */
  assert_int_equal(strlen(got), (32 + 1 + 128) * 4 + 2 + 94);
  free(got);
}

/* Bug caught: a header name not escaped like a value. */
static void test_text_hostile_header_name(void **state) {
  const struct whoami_header h[] = {HDR("X-\x01\n", "v")};
  struct whoami_info info = base_info(h, 1);
  struct sb b = SB_INIT;

  (void)state;
  assert_int_equal(whoami_render_text(&b, &info), 0);
  assert_non_null(strstr(b.buf, "\n\nX-\\x01\\x0a: v\n"));
  sb_free(&b);
}

/* Bug caught: truncation or a fixed-size buffer overrun on long values. */
static void test_text_very_long_value(void **state) {
  size_t n = 1 << 20;
  char *v = malloc(n);
  struct whoami_header h[1];
  struct whoami_info info;
  struct sb b = SB_INIT;
  const char *line;

  (void)state;
  assert_non_null(v);
  memset(v, 'a', n);
  v[n / 2] = '\n';
  h[0] = (struct whoami_header){
      .name = "X-Long", .name_len = 6, .value = v, .value_len = n};
  info = base_info(h, 1);
  assert_int_equal(whoami_render_text(&b, &info), 0);
  line = strstr(b.buf, "\nX-Long: ");
  assert_non_null(line);
  assert_int_equal(strlen(line), 1 + 8 + (n - 1) + 4 + 1);
  assert_int_equal(line[strlen(line) - 1], '\n');
  sb_free(&b);
  free(v);
}

/* Bug caught: a malformed JSON layout or a field renamed. */
static void test_json_layout(void **state) {
  const struct whoami_header h[] = {HDR("Host", "localhost:8080"),
                                    HDR("X-A", "1"), HDR("X-A", "2")};
  struct whoami_info info = base_info(h, 3);
  struct sb b = SB_INIT;

  (void)state;
  assert_int_equal(whoami_render_json(&b, &info), 0);
  assert_string_equal(
      b.buf,
      "{\"hostname\":\"web-1\",\"addresses\":["
      "{\"interface\":\"lo\",\"family\":\"ipv4\",\"address\":\"127.0.0.1\"},"
      "{\"interface\":\"eth0\",\"family\":\"ipv6\",\"address\":\"fe80::1%"
      "eth0\"}],"
      "\"remote_addr\":\"127.0.0.1\",\"remote_port\":50312,"
      "\"method\":\"GET\",\"url\":\"/?wait=10ms\",\"protocol\":\"HTTP/1.1\","
      "\"headers\":[{\"name\":\"Host\",\"value\":\"localhost:8080\"},"
      "{\"name\":\"X-A\",\"value\":\"1\"},{\"name\":\"X-A\",\"value\":\"2\"}]}"
      "\n");
  sb_free(&b);
}

/* Bug caught: empty arrays written as "[,]" or a NULL string crashing. */
static void test_json_empty_and_nulls(void **state) {
  struct whoami_info info = {.remote_port = 0};
  struct sb b = SB_INIT;

  (void)state;
  assert_int_equal(whoami_render_json(&b, &info), 0);
  assert_string_equal(
      b.buf, "{\"hostname\":null,\"addresses\":[],\"remote_addr\":null,"
             "\"remote_port\":0,\"method\":null,\"url\":null,"
             "\"protocol\":null,\"headers\":[]}\n");
  sb_free(&b);
}

/* Bug caught: a quote, backslash, control byte or invalid UTF-8 in a
 * header ending the string early or producing invalid JSON. */
static void test_json_hostile_values(void **state) {
  const struct whoami_header h[] = {
      HDR("X-Q\"", "a\"b\\c"),
      HDR("X-C", "\r\n\x01\x1f\x7f"),
      HDR("X-U", "\xff\xc3\xa9\xed\xa0\x80"),
      HDR("X-Z", "a\0b"),
  };
  struct whoami_info info = base_info(h, 4);
  struct sb b = SB_INIT;

  (void)state;
  assert_int_equal(whoami_render_json(&b, &info), 0);
  assert_non_null(strstr(
      b.buf, "\"headers\":[{\"name\":\"X-Q\\\"\",\"value\":\"a\\\"b\\\\c\"},"
             "{\"name\":\"X-C\",\"value\":\"\\r\\n\\u0001\\u001f\x7f\"},"
             "{\"name\":\"X-U\",\"value\":\"\\ufffd\xc3\xa9"
             "\\ufffd\\ufffd\\ufffd\"},"
             "{\"name\":\"X-Z\",\"value\":\"a\\u0000b\"}]}\n"));
  sb_free(&b);
}

/* Bug caught: truncation of long values in JSON. */
static void test_json_very_long_value(void **state) {
  size_t n = 1 << 20;
  char *v = malloc(n);
  struct whoami_header h[1];
  struct whoami_info info;
  struct sb b = SB_INIT;
  const char *val;

  (void)state;
  assert_non_null(v);
  memset(v, '"', n);
  h[0] = (struct whoami_header){
      .name = "X-Long", .name_len = 6, .value = v, .value_len = n};
  info = base_info(h, 1);
  assert_int_equal(whoami_render_json(&b, &info), 0);
  val = strstr(b.buf, "\"value\":\"");
  assert_non_null(val);
  /* every quote escaped, then the closing quote, "}]}" and newline */
  assert_int_equal(strlen(val), 9 + 2 * n + 1 + 4);
  sb_free(&b);
  free(v);
}

/* Bug caught: decoded path/query bytes (space, CR, '%', '&' inside a value,
 * UTF-8) put back raw, making the URL line ambiguous or unsafe. */
/* Bug caught: the host part rendered once per snapshot (host.c) differing
 * from the one rendered per request: both answers must be byte for byte
 * the same whichever way the host part comes, hostile host names too. */
static void test_prerendered_host_part(void **state) {
  static const struct whoami_addr odd[] = {
      {.ifname = "e\"t\\h", .family = "ipv4", .address = "10.0.0.\x01"}};
  const struct whoami_header h[] = {HDR("Host", "h:1")};
  struct whoami_info info = base_info(h, 1);
  size_t round;

  (void)state;
  for (round = 0; round < 2; round++) {
    struct sb direct = SB_INIT, cached = SB_INIT, text = SB_INIT,
              json = SB_INIT;
    if (round == 1) {
      info.hostname = "evil\nHost\xff";
      info.addrs = odd;
      info.naddrs = 1;
    }
    assert_int_equal(
        whoami_render_host_text(&text, info.hostname, info.addrs, info.naddrs),
        0);
    assert_int_equal(
        whoami_render_host_json(&json, info.hostname, info.addrs, info.naddrs),
        0);
    struct whoami_info pre = info;
    pre.hostname = NULL;
    pre.addrs = NULL;
    pre.naddrs = 0;
    pre.host_text = text.buf;
    pre.host_text_len = text.len;
    pre.host_json = json.buf;
    pre.host_json_len = json.len;
    assert_int_equal(whoami_render_text(&direct, &info), 0);
    assert_int_equal(whoami_render_text(&cached, &pre), 0);
    assert_int_equal(cached.len, direct.len);
    assert_memory_equal(cached.buf, direct.buf, direct.len);
    sb_free(&direct);
    sb_free(&cached);
    assert_int_equal(whoami_render_json(&direct, &info), 0);
    assert_int_equal(whoami_render_json(&cached, &pre), 0);
    assert_int_equal(cached.len, direct.len);
    assert_memory_equal(cached.buf, direct.buf, direct.len);
    sb_free(&direct);
    sb_free(&cached);
    sb_free(&text);
    sb_free(&json);
  }
}

static void test_url_build(void **state) {
  const struct whoami_header args[] = {
      {.name = "q", .name_len = 1, .value = "a&b=c d", .value_len = 7},
      {.name = "flag", .name_len = 4, .value = NULL, .value_len = 0},
      {.name = "e", .name_len = 1, .value = "", .value_len = 0},
      {.name = "u", .name_len = 1, .value = "\xc3\xa9\r%", .value_len = 4},
  };
  struct sb b = SB_INIT;

  (void)state;
  assert_int_equal(whoami_url_build(&b, "/a b/%/x", NULL, 0), 0);
  assert_string_equal(b.buf, "/a%20b/%25/x");
  sb_free(&b);
  assert_int_equal(whoami_url_build(&b, "/", args, 4), 0);
  assert_string_equal(b.buf, "/?q=a%26b%3Dc%20d&flag&e=&u=%C3%A9%0D%25");
  sb_free(&b);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(test_prerendered_host_part),
      cmocka_unit_test(test_text_layout),
      cmocka_unit_test(test_text_ipv6_and_nulls),
      cmocka_unit_test(test_text_escapes_controls),
      cmocka_unit_test(test_text_backslash_and_quotes),
      cmocka_unit_test(test_text_utf8),
      cmocka_unit_test(test_text_every_byte),
      cmocka_unit_test(test_text_hostile_header_name),
      cmocka_unit_test(test_text_very_long_value),
      cmocka_unit_test(test_json_layout),
      cmocka_unit_test(test_json_empty_and_nulls),
      cmocka_unit_test(test_json_hostile_values),
      cmocka_unit_test(test_json_very_long_value),
      cmocka_unit_test(test_url_build),
  };

  return cmocka_run_group_tests_name("whoami_render", tests, NULL, NULL);
}
