/* jw.h: a small JSON writer (output only, no parser).
 *
 * Strings are escaped per RFC 8259: '"' and '\\' escaped, control characters
 * as \n \r \t \b \f or \u00XX, DEL kept, valid UTF-8 copied through, and any
 * invalid UTF-8 byte (bad lead, truncated or overlong sequence, surrogate,
 * above U+10FFFF) replaced with \ufffd, so the output is always valid JSON
 * whatever bytes a client sent. */
#ifndef SL_COMMON_JW_H
#define SL_COMMON_JW_H

#include <stddef.h>

#include "sb.h"

/* Appends "s" (n bytes) quoted and escaped. 0, or -1 on allocation failure. */
int jw_strn(struct sb *b, const char *s, size_t n);
/* Same for a NUL-terminated string; NULL writes null. */
int jw_str(struct sb *b, const char *s);
/* Appends "key": with escaping, for building objects by hand. */
int jw_key(struct sb *b, const char *key);

#endif
