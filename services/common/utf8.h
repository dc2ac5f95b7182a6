/* utf8.h: UTF-8 validation (RFC 3629), shared by the JSON writer, whoami's
 * renderers and notes' input checks, so that all agree on what is valid. */
#ifndef SL_COMMON_UTF8_H
#define SL_COMMON_UTF8_H

#include <stddef.h>

/* Length (1..4) of the valid UTF-8 sequence at s, with n > 0 bytes left;
 * 0 if the bytes there are not valid UTF-8: a stray continuation byte, an
 * overlong form, a surrogate (U+D800..U+DFFF), a code point above
 * U+10FFFF, or a sequence cut short by n. */
size_t utf8_seq_len(const unsigned char *s, size_t n);

/* 1 if the n bytes at s are entirely valid UTF-8 (n may be 0), else 0.
 * NUL bytes are valid UTF-8; callers that refuse them check separately. */
int utf8_valid(const char *s, size_t n);

#endif
