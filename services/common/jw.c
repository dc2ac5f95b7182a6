/* jw.c: JSON string escaping (see jw.h). */
#include "jw.h"

#include <string.h>

/* Length of the valid UTF-8 sequence at s (n bytes left), or 0 if the
 * bytes there are not valid UTF-8 (RFC 3629 table, no overlongs, no
 * surrogates, nothing above U+10FFFF). */
static size_t utf8_len(const unsigned char *s, size_t n) {
  unsigned char c = s[0];
  size_t len;
  unsigned char lo = 0x80, hi = 0xBF; /* range of the second byte */

  if (c < 0x80)
    return 1;
  if (c >= 0xC2 && c <= 0xDF)
    len = 2;
  else if (c >= 0xE0 && c <= 0xEF) {
    len = 3;
    if (c == 0xE0)
      lo = 0xA0; /* overlong */
    else if (c == 0xED)
      hi = 0x9F; /* surrogates */
  } else if (c >= 0xF0 && c <= 0xF4) {
    len = 4;
    if (c == 0xF0)
      lo = 0x90; /* overlong */
    else if (c == 0xF4)
      hi = 0x8F; /* above U+10FFFF */
  } else {
    return 0;
  }
  if (n < len)
    return 0;
  if (s[1] < lo || s[1] > hi)
    return 0;
  for (size_t i = 2; i < len; i++)
    if (s[i] < 0x80 || s[i] > 0xBF)
      return 0;
  return len;
}

int jw_strn(struct sb *b, const char *s, size_t n) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char *p = (const unsigned char *)s;
  size_t i = 0, run = 0; /* run: start of bytes copied verbatim */

  sb_append(b, "\"", 1);
  while (i < n) {
    unsigned char c = p[i];
    const char *esc = NULL;
    char u[7];
    size_t len = 1;

    if (c == '"')
      esc = "\\\"";
    else if (c == '\\')
      esc = "\\\\";
    else if (c == '\n')
      esc = "\\n";
    else if (c == '\r')
      esc = "\\r";
    else if (c == '\t')
      esc = "\\t";
    else if (c == '\b')
      esc = "\\b";
    else if (c == '\f')
      esc = "\\f";
    else if (c < 0x20) {
      memcpy(u, "\\u00", 4);
      u[4] = hex[c >> 4];
      u[5] = hex[c & 15];
      u[6] = '\0';
      esc = u;
    } else if (c >= 0x80) {
      len = utf8_len(p + i, n - i);
      if (len == 0) {
        esc = "\\ufffd";
        len = 1;
      }
    }
    if (esc != NULL) {
      sb_append(b, p + run, i - run);
      sb_puts(b, esc);
      run = i + len;
    }
    i += len;
  }
  sb_append(b, p + run, n - run);
  return sb_append(b, "\"", 1);
}

int jw_str(struct sb *b, const char *s) {
  if (s == NULL)
    return sb_puts(b, "null");
  return jw_strn(b, s, strlen(s));
}

int jw_key(struct sb *b, const char *key) {
  jw_str(b, key);
  return sb_append(b, ":", 1);
}
