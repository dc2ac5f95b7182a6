/* num.c: bounded decimal number parsing (see num.h). */
#include "num.h"

enum num_result num_parse_u64(const char *s, size_t len, uint64_t max,
                              uint64_t *out) {
  uint64_t v = 0;
  int over = 0;

  if (len == 0)
    return NUM_SYNTAX;
  /* every byte is checked even after an overflow, so "99...9x" is a
   * syntax error, not a range error */
  for (size_t i = 0; i < len; i++) {
    if (s[i] < '0' || s[i] > '9')
      return NUM_SYNTAX;
    uint64_t d = (uint64_t)(s[i] - '0');
    if (over || d > max || v > (max - d) / 10)
      over = 1;
    else
      v = v * 10 + d;
  }
  if (over)
    return NUM_RANGE;
  *out = v;
  return NUM_OK;
}
