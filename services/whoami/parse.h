/* parse.h: parsing of whoami's size and duration values.
 *
 * Both parsers take client-controlled text (query parameters) and option
 * values, accept only plain ASCII digits followed by an optional unit, and
 * never echo the input back in their messages: the message is safe to put
 * in a response body as is.
 */
#ifndef SL_WHOAMI_PARSE_H
#define SL_WHOAMI_PARSE_H

#include <stddef.h>
#include <stdint.h>

/* Parse a byte count: decimal digits, then an optional unit among
 * "B", "KiB", "MiB", "GiB" (powers of 1024). "0" is valid. NULL, empty,
 * a sign, spaces, fractions, unknown units and values that do not fit in
 * 64 bits are errors, as is a value above max (pass UINT64_MAX for none).
 * On success stores the count in *out and returns 0. On failure returns -1
 * and writes a lowercase message ("invalid size: ...") into err (errlen
 * bytes, always NUL-terminated when errlen > 0); *out is untouched. */
int whoami_parse_size(const char *text, uint64_t max, uint64_t *out, char *err,
                      size_t errlen);

/* Parse a duration into milliseconds: decimal digits, then an optional
 * unit among "ms" (the default: a plain number is milliseconds), "s" and
 * "m". Same error rules as whoami_parse_size, max is in milliseconds. */
int whoami_parse_duration(const char *text, uint64_t max_ms, uint64_t *out_ms,
                          char *err, size_t errlen);

/* Content negotiation for the echo: returns 1 when the Accept header value
 * prefers JSON, 0 for text (also for NULL, empty or unparsable values).
 * JSON wins when application/json (failing that, the application wildcard
 * range) has a q above zero and above that of text/plain (failing that, the
 * text wildcard range, failing that, the full wildcard); a tie keeps text,
 * so curl's default (the full wildcard) gets text. Media types compare
 * case-insensitively; a range with a malformed q is ignored. */
int whoami_accept_json(const char *accept);

#endif
