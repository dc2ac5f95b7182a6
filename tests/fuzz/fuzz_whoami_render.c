/* libFuzzer target: whoami's renderers (text, JSON, URL rebuild) on
 * arbitrary header names and values.
 *
 * Sources: this file, services/whoami/render.c, services/common/sb.c,
 * services/common/jw.c; include path -Iservices/common. Build e.g.
 *   clang -g -O1 -fsanitize=fuzzer,address,undefined -Iservices/common \
 *     tests/fuzz/fuzz_whoami_render.c services/whoami/render.c \
 *     services/common/sb.c services/common/jw.c -o fuzz_whoami_render
 *
 * Input: records of [name length: 1 byte][value length: 2 bytes, big
 * endian][name][value], up to 64 headers; a truncated record takes what is
 * left. Besides the sanitizers' checks, the target aborts when an output
 * breaks its contract: the text body must hold no control byte but the
 * line ends, exactly one line per field and header; the JSON body no raw
 * control byte and valid UTF-8; the URL only printable ASCII. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../services/whoami/render.h"

#define MAX_HEADERS 64

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Valid UTF-8 per RFC 3629 (no overlongs, surrogates, > U+10FFFF). */
static int valid_utf8(const unsigned char *s, size_t n) {
  size_t i = 0;

  while (i < n) {
    unsigned char c = s[i];
    size_t len;
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;
    size_t k;

    if (c < 0x80) {
      i++;
      continue;
    }
    if (c >= 0xC2 && c <= 0xDF) {
      len = 2;
    } else if (c >= 0xE0 && c <= 0xEF) {
      len = 3;
      lo = c == 0xE0 ? 0xA0 : 0x80;
      hi = c == 0xED ? 0x9F : 0xBF;
    } else if (c >= 0xF0 && c <= 0xF4) {
      len = 4;
      lo = c == 0xF0 ? 0x90 : 0x80;
      hi = c == 0xF4 ? 0x8F : 0xBF;
    } else {
      return 0;
    }
    if (n - i < len || s[i + 1] < lo || s[i + 1] > hi)
      return 0;
    for (k = 2; k < len; k++) {
      if (s[i + k] < 0x80 || s[i + k] > 0xBF)
        return 0;
    }
    i += len;
  }
  return 1;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  static const struct whoami_addr addrs[] = {
      {.ifname = "lo", .family = "ipv4", .address = "127.0.0.1"}};
  struct whoami_header h[MAX_HEADERS];
  struct whoami_info info;
  struct sb text = SB_INIT;
  struct sb json = SB_INIT;
  struct sb url = SB_INIT;
  size_t n = 0;
  size_t pos = 0;
  size_t i;
  size_t lines = 0;

  while (pos < size && n < MAX_HEADERS) {
    size_t name_len = data[pos++];
    size_t value_len = 0;

    if (pos + 2 <= size) {
      value_len = (size_t)data[pos] << 8 | data[pos + 1];
      pos += 2;
    }
    if (name_len > size - pos)
      name_len = size - pos;
    h[n].name = (const char *)data + pos;
    h[n].name_len = name_len;
    pos += name_len;
    if (value_len > size - pos)
      value_len = size - pos;
    h[n].value = (const char *)data + pos;
    h[n].value_len = value_len;
    pos += value_len;
    n++;
  }
  info = (struct whoami_info){.hostname = "fuzz",
                              .addrs = addrs,
                              .naddrs = 1,
                              .remote_addr = "::1",
                              .remote_port = 1,
                              .method = "GET",
                              .url = "/",
                              .version = "HTTP/1.1",
                              .headers = h,
                              .nheaders = n};

  if (whoami_render_text(&text, &info) < 0 ||
      whoami_render_json(&json, &info) < 0 ||
      whoami_url_build(&url, "/p", h, n) < 0)
    abort(); /* allocation failure: not expected at these sizes */

  /* Text: no control byte but '\n'; 6 field lines (with the one address),
   * the empty line, one line per header. */
  for (i = 0; i < text.len; i++) {
    unsigned char c = (unsigned char)text.buf[i];
    if (c == '\n')
      lines++;
    else if (c < 0x20 || c == 0x7F)
      abort();
  }
  if (lines != 6 + 1 + n || !valid_utf8((unsigned char *)text.buf, text.len))
    abort();

  /* JSON: one final newline, no other raw control byte, valid UTF-8. */
  if (json.len == 0 || json.buf[json.len - 1] != '\n')
    abort();
  for (i = 0; i + 1 < json.len; i++) {
    if ((unsigned char)json.buf[i] < 0x20)
      abort();
  }
  if (!valid_utf8((unsigned char *)json.buf, json.len))
    abort();

  /* URL: printable ASCII only. */
  for (i = 0; i < url.len; i++) {
    unsigned char c = (unsigned char)url.buf[i];
    if (c <= 0x20 || c >= 0x7F)
      abort();
  }

  sb_free(&text);
  sb_free(&json);
  sb_free(&url);
  return 0;
}
