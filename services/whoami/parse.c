/* parse.c: see parse.h. */
#include "parse.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "num.h"

struct unit {
  const char *name;
  uint64_t factor;
};

static const struct unit size_units[] = {
    {.name = "", .factor = 1},
    {.name = "B", .factor = 1},
    {.name = "KiB", .factor = UINT64_C(1) << 10},
    {.name = "MiB", .factor = UINT64_C(1) << 20},
    {.name = "GiB", .factor = UINT64_C(1) << 30},
};

static const struct unit duration_units[] = {
    {.name = "", .factor = 1},
    {.name = "ms", .factor = 1},
    {.name = "s", .factor = 1000},
    {.name = "m", .factor = 60000},
};

static void set_err(char *err, size_t errlen, const char *fmt, ...) {
  va_list ap;

  if (err == NULL || errlen == 0)
    return;
  va_start(ap, fmt);
  vsnprintf(err, errlen, fmt, ap);
  va_end(ap);
}

/* The shared grammar: digits, optional unit from the table, bound check.
 * what names the quantity in messages, units_hint lists the valid units and
 * max_unit names the unit of the bound in messages (e.g. "bytes"). */
static int parse_quantity(const char *text, uint64_t max, uint64_t *out,
                          char *err, size_t errlen, const char *what,
                          const struct unit *units, size_t nunits,
                          const char *units_hint, const char *max_unit) {
  const char *p = text;
  uint64_t value = 0;
  size_t ndigits = 0;
  size_t i;

  if (text == NULL) {
    set_err(err, errlen, "missing %s", what);
    return -1;
  }
  if (*p == '\0') {
    set_err(err, errlen, "invalid %s: empty value", what);
    return -1;
  }
  if (*p == '-') {
    set_err(err, errlen, "invalid %s: negative value", what);
    return -1;
  }
  ndigits = strspn(p, "0123456789");
  if (ndigits == 0) {
    set_err(err, errlen, "invalid %s: expected decimal digits", what);
    return -1;
  }
  if (num_parse_u64(p, ndigits, UINT64_MAX, &value) < 0) {
    set_err(err, errlen, "invalid %s: value too large", what);
    return -1;
  }
  p += ndigits;
  for (i = 0; i < nunits; i++) {
    if (strcmp(p, units[i].name) == 0)
      break;
  }
  if (i == nunits) {
    if (*p == '.' || *p == ',')
      set_err(err, errlen, "invalid %s: fractions are not supported", what);
    else
      set_err(err, errlen, "invalid %s: unknown unit (use %s)", what,
              units_hint);
    return -1;
  }
  if (value > UINT64_MAX / units[i].factor) {
    set_err(err, errlen, "invalid %s: value too large", what);
    return -1;
  }
  value *= units[i].factor;
  if (value > max) {
    set_err(err, errlen,
            "invalid %s: %" PRIu64 " %s exceeds the maximum of %" PRIu64 " %s",
            what, value, max_unit, max, max_unit);
    return -1;
  }
  *out = value;
  return 0;
}

int whoami_parse_size(const char *text, uint64_t max, uint64_t *out, char *err,
                      size_t errlen) {
  return parse_quantity(text, max, out, err, errlen, "size", size_units,
                        sizeof size_units / sizeof size_units[0],
                        "no unit, B, KiB, MiB or GiB", "bytes");
}

int whoami_parse_duration(const char *text, uint64_t max_ms, uint64_t *out_ms,
                          char *err, size_t errlen) {
  return parse_quantity(text, max_ms, out_ms, err, errlen, "duration",
                        duration_units,
                        sizeof duration_units / sizeof duration_units[0],
                        "no unit for milliseconds, ms, s or m", "ms");
}

/* Parses a qvalue (RFC 9110 12.4.2: "0", "1", "0.xyz", "1.000") into
 * thousandths. -1 if malformed. */
static int parse_q(const char *s, size_t n) {
  int q;
  size_t i;

  if (n == 0 || (s[0] != '0' && s[0] != '1'))
    return -1;
  q = (s[0] - '0') * 1000;
  if (n == 1)
    return q;
  if (s[1] != '.' || n > 5)
    return -1;
  for (i = 2; i < 5; i++) {
    int digit = 0;
    if (i < n) {
      if (s[i] < '0' || s[i] > '9')
        return -1;
      digit = s[i] - '0';
    }
    q += digit * (i == 2 ? 100 : i == 3 ? 10 : 1);
  }
  return q > 1000 ? -1 : q;
}

static int is_ows(char c) { return c == ' ' || c == '\t'; }

/* Media ranges we care about, most specific first within each kind. */
enum { R_JSON, R_APP_ANY, R_TEXT_PLAIN, R_TEXT_ANY, R_ANY, R_COUNT };
static const char *const ranges[R_COUNT] = {
    [R_JSON] = "application/json",
    [R_APP_ANY] = "application/*",
    [R_TEXT_PLAIN] = "text/plain",
    [R_TEXT_ANY] = "text/*",
    [R_ANY] = "*/*",
};

int whoami_accept_json(const char *accept) {
  int q[R_COUNT];
  const char *p = accept;
  int json_q;
  int text_q;
  int r;

  for (r = 0; r < R_COUNT; r++)
    q[r] = -1; /* not listed */
  if (accept == NULL)
    return 0;
  while (*p != '\0') {
    const char *end = strchr(p, ',');
    const char *type_end;
    const char *param;
    size_t len;
    int value = 1000;

    if (end == NULL)
      end = p + strlen(p);
    while (p < end && is_ows(*p))
      p++;
    type_end = p;
    while (type_end < end && *type_end != ';' && !is_ows(*type_end))
      type_end++;
    len = (size_t)(type_end - p);
    /* parameters: only q matters; a malformed one drops the range */
    for (param = type_end; param < end && value >= 0;) {
      const char *pend;
      param = memchr(param, ';', (size_t)(end - param));
      if (param == NULL)
        break;
      param++;
      while (param < end && is_ows(*param))
        param++;
      pend = param;
      while (pend < end && *pend != ';' && !is_ows(*pend))
        pend++;
      if (pend - param >= 2 && (param[0] == 'q' || param[0] == 'Q') &&
          param[1] == '=')
        value = parse_q(param + 2, (size_t)(pend - param - 2));
      param = pend;
    }
    for (r = 0; r < R_COUNT && value >= 0; r++) {
      if (strlen(ranges[r]) == len && strncasecmp(p, ranges[r], len) == 0 &&
          value > q[r])
        q[r] = value;
    }
    p = *end == ',' ? end + 1 : end;
  }
  json_q = q[R_JSON] >= 0 ? q[R_JSON] : q[R_APP_ANY];
  text_q = q[R_TEXT_PLAIN] >= 0 ? q[R_TEXT_PLAIN]
           : q[R_TEXT_ANY] >= 0 ? q[R_TEXT_ANY]
                                : q[R_ANY];
  return json_q > 0 && json_q > text_q;
}
