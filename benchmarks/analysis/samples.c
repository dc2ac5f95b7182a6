/* samples: see samples.h. */
#include "samples.h"

#include "csv.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* Format 2 (FORMAT.md): a runtime column after profile. Format 1, without
 * it, is still read (runtime "-"), so older results folders keep working. */
static const char *const sample_cols[] = {
    "phase", "subject", "service", "variant", "kind", "profile", "runtime",
    "rep",   "warmup",  "metric",  "value",   "unit", "status",  "detail",
};
static const char *const sample_cols_v1[] = {
    "phase",  "subject", "service", "variant", "kind",   "profile", "rep",
    "warmup", "metric",  "value",   "unit",    "status", "detail",
};
#define NCOLS (sizeof sample_cols / sizeof sample_cols[0])
#define NCOLS_V1 (sizeof sample_cols_v1 / sizeof sample_cols_v1[0])
enum {
  C_PHASE,
  C_SUBJECT,
  C_SERVICE,
  C_VARIANT,
  C_KIND,
  C_PROFILE,
  C_RUNTIME,
  C_REP,
  C_WARMUP,
  C_METRIC,
  C_VALUE,
  C_UNIT,
  C_STATUS,
  C_DETAIL
};

int samples_parse_double(const char *s, double *out) {
  if (s == NULL || *s == '\0')
    return -1;
  errno = 0;
  char *end = NULL;
  double v = strtod(s, &end);
  if (*end != '\0' || errno == ERANGE || !isfinite(v))
    return -1;
  *out = v;
  return 0;
}

static int parse_long(const char *s, long *out) {
  if (s == NULL || *s < '0' || *s > '9')
    return -1;
  errno = 0;
  char *end = NULL;
  long v = strtol(s, &end, 10);
  if (*end != '\0' || errno == ERANGE)
    return -1;
  *out = v;
  return 0;
}

struct load_ctx {
  const char *path;
  struct sample_set *set;
  int header_seen;
  size_t ncols; /* NCOLS or NCOLS_V1, from the header */
};

static int check_header(const char *path, size_t line, char **f, size_t nf,
                        const char *const *cols, size_t ncols, char *err,
                        size_t errlen) {
  if (nf != ncols) {
    snprintf(err, errlen, "%s line %zu: header has %zu columns, expected %zu",
             path, line, nf, ncols);
    return -1;
  }
  for (size_t i = 0; i < ncols; i++) {
    if (strcmp(f[i], cols[i]) != 0) {
      snprintf(err, errlen,
               "%s line %zu: header column %zu is '%s', expected '%s'", path,
               line, i + 1, f[i], cols[i]);
      return -1;
    }
  }
  return 0;
}

static int on_sample(void *vctx, size_t line, char **raw, size_t nf, char *err,
                     size_t errlen) {
  struct load_ctx *c = vctx;
  if (!c->header_seen) {
    c->header_seen = 1;
    if (nf == NCOLS_V1) {
      c->ncols = NCOLS_V1;
      return check_header(c->path, line, raw, nf, sample_cols_v1, NCOLS_V1, err,
                          errlen);
    }
    c->ncols = NCOLS;
    return check_header(c->path, line, raw, nf, sample_cols, NCOLS, err,
                        errlen);
  }
  if (nf != c->ncols) {
    snprintf(err, errlen, "%s line %zu: %zu columns, expected %zu", c->path,
             line, nf, c->ncols);
    return -1;
  }
  /* f[] in format 2 order whatever the file's format */
  static char dash[] = "-";
  char *f[NCOLS];
  for (size_t i = 0, k = 0; i < NCOLS; i++)
    f[i] = (i == C_RUNTIME && c->ncols == NCOLS_V1) ? dash : raw[k++];
  struct sample s;
  memset(&s, 0, sizeof s);
  s.line = line;
  for (size_t i = 0; i <= C_RUNTIME; i++) {
    if (f[i][0] == '\0') {
      snprintf(err, errlen, "%s line %zu: empty %s", c->path, line,
               sample_cols[i]);
      return -1;
    }
  }
  if (f[C_METRIC][0] == '\0') {
    snprintf(err, errlen, "%s line %zu: empty metric", c->path, line);
    return -1;
  }
  if (parse_long(f[C_REP], &s.rep) < 0) {
    snprintf(err, errlen, "%s line %zu: rep '%s' is not a non-negative integer",
             c->path, line, f[C_REP]);
    return -1;
  }
  if (strcmp(f[C_WARMUP], "0") != 0 && strcmp(f[C_WARMUP], "1") != 0) {
    snprintf(err, errlen, "%s line %zu: warmup '%s' is not 0 or 1", c->path,
             line, f[C_WARMUP]);
    return -1;
  }
  s.warmup = f[C_WARMUP][0] == '1';
  if (strcmp(f[C_STATUS], "ok") == 0) {
    s.ok = 1;
  } else if (strcmp(f[C_STATUS], "fail") == 0) {
    s.ok = 0;
  } else {
    snprintf(err, errlen, "%s line %zu: status '%s' is not ok or fail", c->path,
             line, f[C_STATUS]);
    return -1;
  }
  if ((s.ok || f[C_VALUE][0] != '\0') &&
      samples_parse_double(f[C_VALUE], &s.value) < 0) {
    snprintf(err, errlen, "%s line %zu: value '%s' is not a number", c->path,
             line, f[C_VALUE]);
    return -1;
  }
  char **dst[] = {&s.phase, &s.subject, &s.service, &s.variant,
                  &s.kind,  &s.profile, &s.runtime};
  for (size_t i = 0; i <= C_RUNTIME; i++)
    *dst[i] = strdup(f[i]);
  s.metric = strdup(f[C_METRIC]);
  s.unit = strdup(f[C_UNIT]);
  s.detail = strdup(f[C_DETAIL]);
  struct sample_set *set = c->set;
  if (set->n == set->cap) {
    size_t nc = set->cap ? set->cap * 2 : 256;
    struct sample *p = realloc(set->v, nc * sizeof *p);
    if (p == NULL)
      goto oom;
    set->v = p;
    set->cap = nc;
  }
  set->v[set->n++] = s;
  if (s.phase == NULL || s.subject == NULL || s.service == NULL ||
      s.variant == NULL || s.kind == NULL || s.profile == NULL ||
      s.runtime == NULL || s.metric == NULL || s.unit == NULL ||
      s.detail == NULL) {
    snprintf(err, errlen, "%s line %zu: out of memory", c->path, line);
    return -1;
  }
  return 0;
oom:
  snprintf(err, errlen, "%s line %zu: out of memory", c->path, line);
  for (size_t i = 0; i < 6; i++)
    free(*dst[i]);
  free(s.metric);
  free(s.unit);
  free(s.detail);
  return -1;
}

int samples_load(const char *path, struct sample_set *out, char *err,
                 size_t errlen) {
  size_t len = 0;
  char *text = csv_slurp(path, &len, err, errlen);
  if (text == NULL)
    return -1;
  struct sample_set set = {0};
  struct load_ctx c = {.path = path, .set = &set};
  char perr[512];
  perr[0] = '\0';
  int rc = csv_parse(text, len, on_sample, &c, perr, sizeof perr);
  free(text);
  if (rc < 0) {
    /* csv errors say "line N: ..."; record errors already name the path */
    if (strncmp(perr, "line ", 5) == 0)
      snprintf(err, errlen, "%s %s", path, perr);
    else
      snprintf(err, errlen, "%s", perr);
    samples_free(&set);
    return -1;
  }
  if (!c.header_seen) {
    snprintf(err, errlen, "%s: empty file, expected a header", path);
    return -1;
  }
  *out = set;
  return 0;
}

void samples_free(struct sample_set *s) {
  for (size_t i = 0; i < s->n; i++) {
    struct sample *x = &s->v[i];
    free(x->phase);
    free(x->subject);
    free(x->service);
    free(x->variant);
    free(x->kind);
    free(x->profile);
    free(x->runtime);
    free(x->metric);
    free(x->unit);
    free(x->detail);
  }
  free(s->v);
  memset(s, 0, sizeof *s);
}

/* profiles.csv and linkcheck.csv: small tables, same reader. */
struct table_ctx {
  const char *path;
  const char *const *cols;
  size_t ncols;
  int header_seen;
  char ***rows; /* rows of strdup'ed fields */
  size_t n, cap;
  size_t *lines;
};

static int on_table(void *vctx, size_t line, char **f, size_t nf, char *err,
                    size_t errlen) {
  struct table_ctx *c = vctx;
  if (!c->header_seen) {
    c->header_seen = 1;
    return check_header(c->path, line, f, nf, c->cols, c->ncols, err, errlen);
  }
  if (nf != c->ncols) {
    snprintf(err, errlen, "%s line %zu: %zu columns, expected %zu", c->path,
             line, nf, c->ncols);
    return -1;
  }
  if (c->n == c->cap) {
    size_t nc = c->cap ? c->cap * 2 : 16;
    char ***p = realloc(c->rows, nc * sizeof *p);
    size_t *l = realloc(c->lines, nc * sizeof *l);
    if (p != NULL)
      c->rows = p;
    if (l != NULL)
      c->lines = l;
    if (p == NULL || l == NULL) {
      snprintf(err, errlen, "%s line %zu: out of memory", c->path, line);
      return -1;
    }
    c->cap = nc;
  }
  char **row = calloc(nf, sizeof *row);
  if (row == NULL) {
    snprintf(err, errlen, "%s line %zu: out of memory", c->path, line);
    return -1;
  }
  c->rows[c->n] = row;
  c->lines[c->n] = line;
  c->n++;
  for (size_t i = 0; i < nf; i++) {
    row[i] = strdup(f[i]);
    if (row[i] == NULL) {
      snprintf(err, errlen, "%s line %zu: out of memory", c->path, line);
      return -1;
    }
  }
  return 0;
}

static void table_free(struct table_ctx *c) {
  for (size_t i = 0; i < c->n; i++) {
    for (size_t k = 0; k < c->ncols; k++)
      free(c->rows[i][k]);
    free(c->rows[i]);
  }
  free(c->rows);
  free(c->lines);
}

static int table_load(struct table_ctx *c, char *err, size_t errlen) {
  size_t len = 0;
  char *text = csv_slurp(c->path, &len, err, errlen);
  if (text == NULL)
    return -1;
  char perr[512];
  perr[0] = '\0';
  int rc = csv_parse(text, len, on_table, c, perr, sizeof perr);
  free(text);
  if (rc < 0) {
    if (strncmp(perr, "line ", 5) == 0)
      snprintf(err, errlen, "%s %s", c->path, perr);
    else
      snprintf(err, errlen, "%s", perr);
    return -1;
  }
  if (!c->header_seen) {
    snprintf(err, errlen, "%s: empty file, expected a header", c->path);
    return -1;
  }
  return 0;
}

int samples_load_profiles(const char *path, struct profile_set *out, char *err,
                          size_t errlen) {
  static const char *const cols[] = {"profile", "rate_bps", "rtt_ms"};
  struct table_ctx c = {.path = path, .cols = cols, .ncols = 3};
  int rc = -1;
  struct profile_set p = {0};
  if (table_load(&c, err, errlen) < 0)
    goto out;
  p.v = calloc(c.n ? c.n : 1, sizeof *p.v);
  if (p.v == NULL) {
    snprintf(err, errlen, "%s: out of memory", path);
    goto out;
  }
  for (size_t i = 0; i < c.n; i++) {
    double rate = 0, rtt = 0;
    if (samples_parse_double(c.rows[i][1], &rate) < 0 || rate < 0) {
      snprintf(err, errlen, "%s line %zu: rate_bps '%s' is not a number", path,
               c.lines[i], c.rows[i][1]);
      goto out;
    }
    if (samples_parse_double(c.rows[i][2], &rtt) < 0 || rtt < 0) {
      snprintf(err, errlen, "%s line %zu: rtt_ms '%s' is not a number", path,
               c.lines[i], c.rows[i][2]);
      goto out;
    }
    p.v[p.n].name = c.rows[i][0];
    c.rows[i][0] = NULL;
    p.v[p.n].rate_bps = (uint64_t)rate;
    p.v[p.n].rtt_ms = rtt;
    p.n++;
  }
  *out = p;
  p.v = NULL;
  p.n = 0;
  rc = 0;
out:
  samples_free_profiles(&p);
  table_free(&c);
  return rc;
}

void samples_free_profiles(struct profile_set *p) {
  for (size_t i = 0; i < p->n; i++)
    free(p->v[i].name);
  free(p->v);
  p->v = NULL;
  p->n = 0;
}

int samples_load_linkcheck(const char *path, struct linkcheck_set *out,
                           char *err, size_t errlen) {
  static const char *const cols[] = {"profile",           "target_rate_bps",
                                     "measured_rate_bps", "target_rtt_ms",
                                     "measured_rtt_ms",   "status"};
  struct table_ctx c = {.path = path, .cols = cols, .ncols = 6};
  int rc = -1;
  struct linkcheck_set l = {0};
  if (table_load(&c, err, errlen) < 0)
    goto out;
  l.v = calloc(c.n ? c.n : 1, sizeof *l.v);
  if (l.v == NULL) {
    snprintf(err, errlen, "%s: out of memory", path);
    goto out;
  }
  for (size_t i = 0; i < c.n; i++) {
    struct linkcheck *x = &l.v[l.n];
    double *nums[] = {&x->target_rate_bps, &x->measured_rate_bps,
                      &x->target_rtt_ms, &x->measured_rtt_ms};
    for (size_t k = 0; k < 4; k++) {
      if (samples_parse_double(c.rows[i][k + 1], nums[k]) < 0) {
        snprintf(err, errlen, "%s line %zu: %s '%s' is not a number", path,
                 c.lines[i], cols[k + 1], c.rows[i][k + 1]);
        goto out;
      }
    }
    x->profile = c.rows[i][0];
    c.rows[i][0] = NULL;
    x->status = c.rows[i][5];
    c.rows[i][5] = NULL;
    l.n++;
  }
  *out = l;
  l.v = NULL;
  l.n = 0;
  rc = 0;
out:
  samples_free_linkcheck(&l);
  table_free(&c);
  return rc;
}

void samples_free_linkcheck(struct linkcheck_set *l) {
  for (size_t i = 0; i < l->n; i++) {
    free(l->v[i].profile);
    free(l->v[i].status);
  }
  free(l->v);
  l->v = NULL;
  l->n = 0;
}
