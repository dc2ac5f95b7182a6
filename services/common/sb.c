/* sb.c: growable byte buffer (see sb.h). */
#include "sb.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int sb_reserve(struct sb *b, size_t extra) {
  if (b->failed)
    return -1;
  if (extra >= (size_t)-1 - b->len) {
    b->failed = 1;
    return -1;
  }
  size_t need = b->len + extra + 1; /* room for the NUL */
  if (need <= b->cap)
    return 0;
  size_t cap = b->cap ? b->cap : 64;
  while (cap < need)
    cap = cap > ((size_t)-1) / 2 ? need : cap * 2;
  char *p = realloc(b->buf, cap);
  if (p == NULL) {
    b->failed = 1;
    return -1;
  }
  b->buf = p;
  b->cap = cap;
  return 0;
}

int sb_append(struct sb *b, const void *data, size_t n) {
  if (sb_reserve(b, n) < 0)
    return -1;
  if (n > 0)
    memcpy(b->buf + b->len, data, n);
  b->len += n;
  b->buf[b->len] = '\0';
  return 0;
}

int sb_puts(struct sb *b, const char *s) { return sb_append(b, s, strlen(s)); }

int sb_printf(struct sb *b, const char *fmt, ...) {
  va_list ap;
  char small[256];

  if (b->failed)
    return -1;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) {
    b->failed = 1;
    return -1;
  }
  if ((size_t)n < sizeof small)
    return sb_append(b, small, (size_t)n);
  if (sb_reserve(b, (size_t)n) < 0)
    return -1;
  va_start(ap, fmt);
  vsnprintf(b->buf + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  b->len += (size_t)n;
  return 0;
}

char *sb_steal(struct sb *b, size_t *len) {
  char *p;

  if (b->failed) {
    sb_free(b);
    return NULL;
  }
  if (b->buf == NULL) {
    p = malloc(1);
    if (p == NULL)
      return NULL;
    p[0] = '\0';
  } else {
    p = b->buf;
  }
  if (len != NULL)
    *len = b->len;
  b->buf = NULL;
  b->len = b->cap = 0;
  return p;
}

void sb_reset(struct sb *b) {
  b->len = 0;
  b->failed = 0;
  if (b->buf != NULL)
    b->buf[0] = '\0';
}

void sb_free(struct sb *b) {
  free(b->buf);
  b->buf = NULL;
  b->len = b->cap = 0;
  b->failed = 0;
}
