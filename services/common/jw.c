/* jw.c: JSON string escaping (see jw.h). */
#include "jw.h"
#include "utf8.h"

#include <string.h>

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
      len = utf8_seq_len(p + i, n - i);
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
