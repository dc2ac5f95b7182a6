/* num.h: bounded decimal number parsing, the one number parser of the
 * services (configuration, Content-Length, note ids and limits, whoami's
 * sizes and durations, cgroup files).
 *
 * The grammar is digits only: no sign, no '+', no spaces, no base prefix.
 * Leading zeros are accepted ("007" is 7). A caller that reads a number
 * followed by something else (a unit, a space) measures the digits first,
 * e.g. with strspn(s, "0123456789"), and passes that length. */
#ifndef SL_COMMON_NUM_H
#define SL_COMMON_NUM_H

#include <stddef.h>
#include <stdint.h>

enum num_result {
  NUM_OK = 0,
  NUM_SYNTAX = -1, /* empty, or a byte that is not a decimal digit */
  NUM_RANGE = -2,  /* digits only, but the value is above max */
};

/* Parses the len bytes at s (no NUL needed) as a decimal number of at most
 * max. On NUM_OK stores the value in *out; on failure *out is untouched.
 * Callers test < 0 for any failure. */
enum num_result num_parse_u64(const char *s, size_t len, uint64_t max,
                              uint64_t *out);

#endif
