/* rfc3339.c: UTC time stamps (see rfc3339.h). */
#include "rfc3339.h"

#include <stdio.h>
#include <time.h>

int rfc3339_ms(int64_t ms, char *out, size_t outlen) {
  int64_t sec = ms / 1000, frac = ms % 1000;
  struct tm tm;

  if (outlen > 0)
    out[0] = '\0';
  if (outlen < RFC3339_MS_SIZE)
    return -1;
  if (frac < 0) { /* C division truncates toward zero */
    frac += 1000;
    sec -= 1;
  }
  time_t t = (time_t)sec;
  if (gmtime_r(&t, &tm) == NULL || tm.tm_year < -1900 ||
      tm.tm_year > 9999 - 1900)
    return -1;
  snprintf(out, outlen, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
           tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
           tm.tm_sec, (int)frac);
  return 0;
}
