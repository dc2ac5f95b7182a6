/* rfc3339.h: the one time formatter of the services: UTC, RFC 3339 with
 * milliseconds, "2026-11-28T00:45:12.345Z" (log lines, notes' created and
 * updated fields). Formatted with gmtime_r and snprintf, not strftime,
 * which would drag locale and time zone code into the static binaries. */
#ifndef SL_COMMON_RFC3339_H
#define SL_COMMON_RFC3339_H

#include <stddef.h>
#include <stdint.h>

/* Bytes of "2026-11-28T00:45:12.345Z" with its NUL. */
#define RFC3339_MS_SIZE 25
/* Length of the part to the second, "2026-11-28T00:45:12": the same for
 * every millisecond of a second, so a caller may format it once a second
 * and append ".mmmZ" itself. */
#define RFC3339_SECONDS_LEN 19

/* Formats ms (milliseconds since the Unix epoch, negative before it) into
 * out, which must hold outlen >= RFC3339_MS_SIZE bytes. Returns 0, or -1
 * if outlen is too small or the year is outside 0000..9999 (RFC 3339 has
 * four digits); out is then "" if outlen > 0. */
int rfc3339_ms(int64_t ms, char *out, size_t outlen);

#endif
