/* timestamp: RFC 3339 date-times to Unix nanoseconds, without timegm.
 * See timestamp.h. */
#include "timestamp.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

static int digits(const char *s, int n, int *out) {
  int v = 0;

  for (int i = 0; i < n; i++) {
    if (!isdigit((unsigned char)s[i]))
      return -1;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return 0;
}

/* Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
 * days_from_civil): no timegm, which is not POSIX. */
static int64_t days_from_civil(int64_t y, int m, int d) {
  int64_t era, yoe, doy, doe;

  y -= m <= 2;
  era = (y >= 0 ? y : y - 399) / 400;
  yoe = y - era * 400;
  doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

static int days_in_month(int y, int m) {
  static const int dm[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};

  if (m == 2 && ((y % 4 == 0 && y % 100 != 0) || y % 400 == 0))
    return 29;
  return dm[m - 1];
}

int ts_rfc3339_ns(const char *s, int64_t *ns, char *err, size_t errlen) {
  int y, mo, d, h, mi, se, oh, om, k;
  int64_t secs, frac = 0, scale = TS_NS_PER_S / 10, off = 0;
  const char *p;

  if (strlen(s) < 19 || digits(s, 4, &y) < 0 || s[4] != '-' ||
      digits(s + 5, 2, &mo) < 0 || s[7] != '-' || digits(s + 8, 2, &d) < 0 ||
      (s[10] != 'T' && s[10] != 't') || digits(s + 11, 2, &h) < 0 ||
      s[13] != ':' || digits(s + 14, 2, &mi) < 0 || s[16] != ':' ||
      digits(s + 17, 2, &se) < 0) {
    snprintf(err, errlen,
             "invalid timestamp '%s': expected YYYY-MM-DDTHH:MM:SS[.frac]Z", s);
    return -1;
  }
  if (mo < 1 || mo > 12 || d < 1 || d > days_in_month(y, mo) || h > 23 ||
      mi > 59 || se > 60) {
    snprintf(err, errlen, "invalid timestamp '%s': field out of range", s);
    return -1;
  }
  p = s + 19;
  if (*p == '.') {
    p++;
    if (!isdigit((unsigned char)*p)) {
      snprintf(err, errlen, "invalid timestamp '%s': empty fraction", s);
      return -1;
    }
    for (k = 0; isdigit((unsigned char)*p); k++, p++) {
      if (k < 9) {
        frac += (*p - '0') * scale;
        scale /= 10;
      }
    }
  }
  if (*p == 'Z' || *p == 'z') {
    p++;
  } else if (*p == '+' || *p == '-') {
    if (digits(p + 1, 2, &oh) < 0 || p[3] != ':' || digits(p + 4, 2, &om) < 0 ||
        oh > 23 || om > 59) {
      snprintf(err, errlen,
               "invalid timestamp '%s': bad UTC offset (expected +HH:MM)", s);
      return -1;
    }
    off = ((int64_t)oh * 60 + om) * 60 * (*p == '+' ? 1 : -1);
    p += 6;
  } else {
    snprintf(err, errlen,
             "invalid timestamp '%s': missing time zone (Z or +HH:MM)", s);
    return -1;
  }
  if (*p != '\0') {
    snprintf(err, errlen, "invalid timestamp '%s': trailing text", s);
    return -1;
  }
  if (strncmp(s, "0001-01-01T00:00:00", 19) == 0 && frac == 0 && off == 0) {
    snprintf(
        err, errlen,
        "timestamp '%s' is Go's zero time: never set (container not started?)",
        s);
    return -1;
  }
  secs = days_from_civil(y, mo, d) * 86400 + (int64_t)h * 3600 +
         (int64_t)mi * 60 + se - off;
  if (secs < INT64_MIN / TS_NS_PER_S || secs > INT64_MAX / TS_NS_PER_S ||
      (secs == INT64_MAX / TS_NS_PER_S && frac > INT64_MAX % TS_NS_PER_S)) {
    snprintf(err, errlen,
             "timestamp '%s' out of range: int64 nanoseconds span "
             "1677-09-21T00:12:44Z..2262-04-11T23:47:16.854775807Z",
             s);
    return -1;
  }
  *ns = secs * TS_NS_PER_S + frac;
  return 0;
}
