/* sb.h: a growable byte buffer for building responses and log lines.
 *
 * Errors are sticky: after an allocation failure every later call returns
 * -1 and sb.failed stays set, so a caller may append many pieces and check
 * once at the end. The buffer is always NUL-terminated when len > 0. */
#ifndef SL_COMMON_SB_H
#define SL_COMMON_SB_H

#include <stddef.h>

struct sb {
  char *buf;
  size_t len;
  size_t cap;
  int failed;
};
#define SB_INIT                                                                \
  { 0 }

/* Makes room for extra more bytes (one allocation for a buffer whose
 * size is known roughly in advance). 0, or -1 on allocation failure. */
int sb_reserve(struct sb *b, size_t extra);
/* Appends n bytes. 0, or -1 on allocation failure. */
int sb_append(struct sb *b, const void *data, size_t n);
/* Appends a NUL-terminated string. */
int sb_puts(struct sb *b, const char *s);
/* Appends printf output. */
int sb_printf(struct sb *b, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Hands the buffer to the caller (caller frees with free()); *len gets the
 * length. Returns NULL if the buffer failed (it is freed then). An empty
 * buffer yields a malloc'd "" . b is empty afterwards. */
char *sb_steal(struct sb *b, size_t *len);
/* Empties b but keeps its memory (and clears a failure), for a buffer
 * reused line after line. */
void sb_reset(struct sb *b);
/* Frees the buffer; b is SB_INIT again. */
void sb_free(struct sb *b);

#endif
