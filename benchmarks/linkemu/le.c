/* le: link emulator arithmetic. See le.h. */
#include "le.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

struct le_unit {
  const char *name;
  double mult;
};

static const struct le_unit rate_units[] = {
    {.name = "bit", .mult = 1.0},
    {.name = "kbit", .mult = 1e3},
    {.name = "mbit", .mult = 1e6},
    {.name = "gbit", .mult = 1e9},
};

static const struct le_unit time_units[] = {
    {.name = "us", .mult = 1e3},
    {.name = "ms", .mult = 1e6},
    {.name = "s", .mult = 1e9},
};

/* Number then unit from a table; result = number x mult, must fit in
 * uint64_t. "0" alone is accepted as zero. */
static int parse_with_unit(const char *what, const char *s,
                           const struct le_unit *units, size_t nunits,
                           uint64_t *out, char *err, size_t errlen) {
  if (s == NULL || *s == '\0') {
    snprintf(err, errlen, "invalid %s: empty", what);
    return -1;
  }
  if (strcmp(s, "0") == 0) {
    *out = 0;
    return 0;
  }
  if (!isdigit((unsigned char)s[0]) && s[0] != '.') {
    snprintf(err, errlen, "invalid %s '%s': expected a number", what, s);
    return -1;
  }
  errno = 0;
  char *end = NULL;
  double v = strtod(s, &end);
  if (end == s || errno == ERANGE || !isfinite(v)) {
    snprintf(err, errlen, "invalid %s '%s': bad number", what, s);
    return -1;
  }
  if (*end == '\0') {
    snprintf(err, errlen, "invalid %s '%s': missing unit", what, s);
    return -1;
  }
  for (size_t i = 0; i < nunits; i++) {
    if (strcasecmp(end, units[i].name) == 0) {
      double r = v * units[i].mult;
      if (r >= 18446744073709551615.0) {
        snprintf(err, errlen, "invalid %s '%s': too large", what, s);
        return -1;
      }
      *out = (uint64_t)llround(r);
      return 0;
    }
  }
  snprintf(err, errlen, "invalid %s '%s': unknown unit '%s'", what, s, end);
  return -1;
}

int le_parse_rate(const char *s, uint64_t *bps, char *err, size_t errlen) {
  if (s != NULL && strcasecmp(s, "unlimited") == 0) {
    *bps = 0;
    return 0;
  }
  uint64_t v = 0;
  if (parse_with_unit("rate", s, rate_units,
                      sizeof rate_units / sizeof rate_units[0], &v, err,
                      errlen) < 0)
    return -1;
  if (v == 0 && strcmp(s, "0") != 0) {
    snprintf(err, errlen, "invalid rate '%s': below 1 bit/s", s);
    return -1;
  }
  *bps = v;
  return 0;
}

int le_parse_duration(const char *s, uint64_t *ns, char *err, size_t errlen) {
  uint64_t v = 0;
  if (parse_with_unit("duration", s, time_units,
                      sizeof time_units / sizeof time_units[0], &v, err,
                      errlen) < 0)
    return -1;
  if (v > 3600ULL * LE_NS_PER_S) {
    snprintf(err, errlen, "invalid duration '%s': more than one hour", s);
    return -1;
  }
  *ns = v;
  return 0;
}

int le_parse_hostport(const char *s, char *host, size_t hostlen, uint16_t *port,
                      char *err, size_t errlen) {
  if (s == NULL || *s == '\0') {
    snprintf(err, errlen, "invalid address: empty");
    return -1;
  }
  const char *colon = strrchr(s, ':');
  if (colon == NULL) {
    snprintf(err, errlen, "invalid address '%s': expected HOST:PORT", s);
    return -1;
  }
  size_t hl = (size_t)(colon - s);
  if (hl == 0) {
    snprintf(err, errlen, "invalid address '%s': empty host", s);
    return -1;
  }
  if (hl >= hostlen) {
    snprintf(err, errlen, "invalid address '%s': host too long", s);
    return -1;
  }
  const char *p = colon + 1;
  if (*p == '\0') {
    snprintf(err, errlen, "invalid address '%s': empty port", s);
    return -1;
  }
  unsigned long v = 0;
  for (const char *q = p; *q != '\0'; q++) {
    if (!isdigit((unsigned char)*q)) {
      snprintf(err, errlen, "invalid address '%s': port is not a number", s);
      return -1;
    }
    v = v * 10 + (unsigned long)(*q - '0');
    if (v > 65535) {
      snprintf(err, errlen, "invalid address '%s': port above 65535", s);
      return -1;
    }
  }
  memcpy(host, s, hl);
  host[hl] = '\0';
  *port = (uint16_t)v;
  return 0;
}

void le_bucket_init(struct le_bucket *b, uint64_t rate_bps, double burst_bytes,
                    uint64_t now_ns) {
  b->rate_bps = rate_bps;
  b->burst = burst_bytes;
  b->tokens = burst_bytes;
  b->last_ns = now_ns;
}

void le_bucket_refill(struct le_bucket *b, uint64_t now_ns) {
  if (now_ns <= b->last_ns)
    return;
  if (b->rate_bps == 0) {
    b->tokens = b->burst;
    b->last_ns = now_ns;
    return;
  }
  double dt = (double)(now_ns - b->last_ns) / 1e9;
  b->tokens += dt * (double)b->rate_bps / 8.0;
  if (b->tokens > b->burst)
    b->tokens = b->burst;
  b->last_ns = now_ns;
}

int le_bucket_can_send(const struct le_bucket *b) {
  return b->rate_bps == 0 || b->tokens > 0.0;
}

void le_bucket_take(struct le_bucket *b, size_t n) {
  if (b->rate_bps == 0)
    return;
  b->tokens -= (double)n;
}

uint64_t le_bucket_wait_ns(const struct le_bucket *b) {
  if (b->rate_bps == 0 || b->tokens > 0.0)
    return 0;
  /* tokens must become > 0: wait for the debt plus a tiny margin. */
  double ns = (-b->tokens) * 8.0 * 1e9 / (double)b->rate_bps;
  return (uint64_t)ceil(ns) + 1;
}

uint64_t le_tx_ns(uint64_t n, uint64_t rate_bps) {
  if (rate_bps == 0)
    return 0;
  /* n * 8e9 / rate, rounded up, in floating point to avoid overflow. */
  return (uint64_t)ceil((double)n * 8.0 * 1e9 / (double)rate_bps);
}

uint64_t le_bytes_in(uint64_t ns, uint64_t rate_bps) {
  if (rate_bps == 0)
    return UINT64_MAX;
  return (uint64_t)floor((double)ns * (double)rate_bps / 8.0 / 1e9);
}

uint64_t le_release_ns(uint64_t now_ns, uint64_t oneway_ns) {
  return now_ns + oneway_ns;
}

size_t le_chunk_size(uint64_t rate_bps) {
  const size_t lo = 16 * 1024, hi = 256 * 1024;
  if (rate_bps == 0)
    return hi;
  uint64_t b = le_bytes_in(2000000ULL, rate_bps);
  if (b < lo)
    return lo;
  if (b > hi)
    return hi;
  return (size_t)b;
}

double le_burst_bytes(uint64_t rate_bps) {
  double chunk = (double)le_chunk_size(rate_bps);
  if (rate_bps == 0)
    return chunk;
  double b = (double)le_bytes_in(5000000ULL, rate_bps);
  return b > chunk ? b : chunk;
}

size_t le_line_cap(uint64_t rate_bps, uint64_t oneway_ns) {
  const uint64_t lo = 1024 * 1024, hi = 64ULL * 1024 * 1024;
  if (rate_bps == 0)
    return 8 * 1024 * 1024;
  uint64_t bdp = le_bytes_in(oneway_ns, rate_bps);
  uint64_t cap = 2 * bdp + 2 * le_chunk_size(rate_bps);
  if (cap < lo)
    cap = lo;
  if (cap > hi)
    cap = hi;
  return (size_t)cap;
}

int le_within10(double measured, double target) {
  if (target <= 0.0)
    return 0;
  return fabs(measured - target) <= 0.10 * target;
}
