/* parse.c: see parse.h. */
#include "parse.h"

#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

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

static void set_err(char *err, size_t errlen, const char *fmt, ...)
{
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
                          const char *units_hint, const char *max_unit)
{
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
  for (; *p >= '0' && *p <= '9'; p++, ndigits++) {
    uint64_t digit = (uint64_t)(*p - '0');
    if (value > (UINT64_MAX - digit) / 10) {
      set_err(err, errlen, "invalid %s: value too large", what);
      return -1;
    }
    value = value * 10 + digit;
  }
  if (ndigits == 0) {
    set_err(err, errlen, "invalid %s: expected decimal digits", what);
    return -1;
  }
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
    set_err(err, errlen, "invalid %s: %" PRIu64 " %s exceeds the maximum of %"
            PRIu64 " %s", what, value, max_unit, max, max_unit);
    return -1;
  }
  *out = value;
  return 0;
}

int whoami_parse_size(const char *text, uint64_t max, uint64_t *out,
                      char *err, size_t errlen)
{
  return parse_quantity(text, max, out, err, errlen, "size", size_units,
                        sizeof size_units / sizeof size_units[0],
                        "no unit, B, KiB, MiB or GiB", "bytes");
}

int whoami_parse_duration(const char *text, uint64_t max_ms, uint64_t *out_ms,
                          char *err, size_t errlen)
{
  return parse_quantity(text, max_ms, out_ms, err, errlen, "duration",
                        duration_units,
                        sizeof duration_units / sizeof duration_units[0],
                        "no unit for milliseconds, ms, s or m", "ms");
}
