/* report: see report.h. */
#include "report.h"

#include "csv.h"
#include "targets.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int str_eq(const char *a, const char *b) { return strcmp(a, b) == 0; }

static int rank_of(const char *s, const char *const *order, int n) {
  for (int i = 0; i < n; i++)
    if (str_eq(s, order[i]))
      return i;
  return n;
}

static int kind_rank(const char *k) {
  static const char *const order[] = {"service", "native", "peer", "floor",
                                      "empty"};
  return rank_of(k, order, 5);
}

static int variant_rank(const char *v) {
  static const char *const order[] = {"naive", "alpine", "scratch",
                                      "native-static", "native-glibc"};
  return rank_of(v, order, 5);
}

static struct report_group *group_get(struct report *r,
                                      const struct sample *s) {
  for (size_t i = 0; i < r->ngroups; i++) {
    struct report_group *g = &r->groups[i];
    if (str_eq(g->phase, s->phase) && str_eq(g->subject, s->subject) &&
        str_eq(g->profile, s->profile) && str_eq(g->runtime, s->runtime) &&
        str_eq(g->metric, s->metric))
      return g;
  }
  struct report_group *p = realloc(r->groups, (r->ngroups + 1) * sizeof *p);
  if (p == NULL)
    return NULL;
  r->groups = p;
  struct report_group *g = &r->groups[r->ngroups++];
  memset(g, 0, sizeof *g);
  g->phase = s->phase;
  g->subject = s->subject;
  g->service = s->service;
  g->variant = s->variant;
  g->kind = s->kind;
  g->profile = s->profile;
  g->runtime = s->runtime;
  g->metric = s->metric;
  g->unit = s->unit;
  return g;
}

/* ---- env.json: which base each image was built on ---- */

static json_t *env_array(const struct report *r, const char *key) {
  json_t *a = r->env ? json_object_get(r->env, key) : NULL;
  return json_is_array(a) ? a : NULL;
}

static const char *jstr(json_t *o, const char *key) {
  const char *s = json_string_value(json_object_get(o, key));
  return s ? s : "";
}

/* Kind of the base a subject was built on: env.json images[].base_kind
 * (format 2), else its base ref looked up in bases[] (an older env.json
 * names the warm-pull source there: followed through other images). */
static const char *base_kind_of(const struct report *r, const char *subject,
                                const char **base, int depth) {
  json_t *images = env_array(r, "images"), *bases = env_array(r, "bases"), *im;
  size_t i;
  if (images == NULL || depth > 8)
    return "";
  json_array_foreach(images, i, im) {
    if (!str_eq(jstr(im, "subject"), subject))
      continue;
    const char *b = jstr(im, "base");
    if (*b && depth == 0)
      *base = b;
    if (*jstr(im, "base_kind"))
      return jstr(im, "base_kind");
    if (!*b)
      return "";
    json_t *bb;
    size_t k;
    json_array_foreach(bases, k, bb) {
      if (str_eq(jstr(bb, "ref"), b) || str_eq(jstr(bb, "name"), b))
        return jstr(bb, "kind");
    }
    return base_kind_of(r, b, base, depth + 1);
  }
  return "";
}

static int add_image(struct report *r, const struct sample *s) {
  for (size_t i = 0; i < r->nimages; i++)
    if (str_eq(r->images[i].subject, s->subject))
      return 0;
  struct report_image *p = realloc(r->images, (r->nimages + 1) * sizeof *p);
  if (p == NULL)
    return -1;
  r->images = p;
  const char *base = "";
  int standin = str_eq(base_kind_of(r, s->subject, &base, 0), "local-standin");
  r->images[r->nimages++] = (struct report_image){.subject = s->subject,
                                                  .service = s->service,
                                                  .variant = s->variant,
                                                  .kind = s->kind,
                                                  .base = base,
                                                  .standin = standin};
  return 0;
}

/* Stable order: kind, service (first appearance), variant. */
static void sort_images(struct report *r) {
  size_t n = r->nimages;
  size_t *first = calloc(n ? n : 1, sizeof *first);
  if (first == NULL)
    return;
  for (size_t i = 0; i < n; i++) {
    first[i] = i;
    for (size_t k = 0; k < i; k++)
      if (str_eq(r->images[k].service, r->images[i].service)) {
        first[i] = first[k];
        break;
      }
  }
  for (size_t i = 1; i < n; i++) {
    struct report_image x = r->images[i];
    size_t fx = first[i];
    size_t j = i;
    while (j > 0) {
      struct report_image *y = &r->images[j - 1];
      int c = kind_rank(y->kind) - kind_rank(x.kind);
      if (c == 0)
        c = (first[j - 1] > fx) - (first[j - 1] < fx);
      if (c == 0)
        c = variant_rank(y->variant) - variant_rank(x.variant);
      if (c <= 0)
        break;
      r->images[j] = r->images[j - 1];
      first[j] = first[j - 1];
      j--;
    }
    r->images[j] = x;
    first[j] = fx;
  }
  free(first);
}

static int add_name(const char *const **list, size_t *n, const char *name) {
  if (str_eq(name, "-"))
    return 0;
  for (size_t i = 0; i < *n; i++)
    if (str_eq((*list)[i], name))
      return 0;
  const char **p = realloc((void *)*list, (*n + 1) * sizeof *p);
  if (p == NULL)
    return -1;
  p[(*n)++] = name;
  *list = p;
  return 0;
}

const struct report_group *report_find(const struct report *r,
                                       const char *phase, const char *service,
                                       const char *variant, const char *profile,
                                       const char *runtime,
                                       const char *metric) {
  for (size_t i = 0; i < r->ngroups; i++) {
    const struct report_group *g = &r->groups[i];
    if (str_eq(g->phase, phase) && str_eq(g->service, service) &&
        str_eq(g->variant, variant) && str_eq(g->profile, profile) &&
        (runtime == NULL || str_eq(g->runtime, runtime)) &&
        str_eq(g->metric, metric))
      return g;
  }
  return NULL;
}

double report_median(const struct report *r, const char *phase,
                     const char *service, const char *variant,
                     const char *profile, const char *runtime,
                     const char *metric) {
  const struct report_group *g =
      report_find(r, phase, service, variant, profile, runtime, metric);
  if (g == NULL || !g->has_stats)
    return -1;
  return g->st.median;
}

const struct report_image *report_image_of(const struct report *r,
                                           const char *service,
                                           const char *variant) {
  for (size_t i = 0; i < r->nimages; i++)
    if (str_eq(r->images[i].service, service) &&
        str_eq(r->images[i].variant, variant))
      return &r->images[i];
  return NULL;
}

const char *report_label(const struct report_image *im, char *buf, size_t n) {
  const char *si = im->standin
                       ? (str_eq(im->variant, "alpine") ? " (alpine stand-in)"
                                                        : " (stand-in base)")
                       : "";
  if (str_eq(im->kind, "service"))
    snprintf(buf, n, "%s:%s%s", im->service, im->variant, si);
  else if (str_eq(im->kind, "native") && str_eq(im->variant, "direct"))
    snprintf(buf, n, "%s read called directly in C (no HTTP)", im->service);
  else if (str_eq(im->kind, "native"))
    snprintf(buf, n, "native %s (%s, no container)", im->service,
             str_eq(im->variant, "native-glibc") ? "glibc build"
             : str_eq(im->variant, "native-glibc-log")
                 ? "glibc build, access log on"
                 : "static, the image's binary");
  else if (str_eq(im->kind, "peer") && strncmp(im->variant, "native", 6) == 0)
    snprintf(buf, n, "%s (peer, native%s)", im->service,
             str_eq(im->variant, "native-log") ? ", access log on" : "");
  else if (str_eq(im->kind, "peer"))
    snprintf(buf, n, "%s (peer)%s", im->service, si);
  else if (str_eq(im->kind, "floor"))
    snprintf(buf, n, "runtime floor");
  else if (str_eq(im->kind, "empty"))
    snprintf(buf, n, "empty image");
  else
    snprintf(buf, n, "%s:%s", im->service, im->variant);
  return buf;
}

size_t report_standins(const struct report *r) {
  size_t n = 0;
  for (size_t i = 0; i < r->nimages; i++)
    n += r->images[i].standin;
  return n;
}

static const struct profile *profile_get(const struct report *r,
                                         const char *name) {
  for (size_t i = 0; i < r->profiles.n; i++)
    if (str_eq(r->profiles.v[i].name, name))
      return &r->profiles.v[i];
  return NULL;
}

/* The pull model: fit on every profile but the hold-out (edge, the slowest
 * link, when present: the out-of-sample check), then predict every
 * measured (image, profile). */
static int compute_model(struct report *r) {
  struct model_obs *obs = NULL;
  size_t nobs = 0;
  r->fit_terms = -1;
  r->holdout[0] = '\0';
  r->fit_profiles[0] = '\0';
  if (profile_get(r, "edge") != NULL && r->nprofiles_seen > 1)
    snprintf(r->holdout, sizeof r->holdout, "edge");
  for (int pass = 0; pass < 2; pass++) {
    for (size_t i = 0; i < r->nimages; i++) {
      const struct report_image *im = &r->images[i];
      double wire = report_median(r, "size", im->service, im->variant, "-", "-",
                                  "bytes_wire");
      double unc = report_median(r, "size", im->service, im->variant, "-", "-",
                                 "bytes_uncompressed");
      double layers = report_median(r, "size", im->service, im->variant, "-",
                                    "-", "layers");
      if (wire < 0 || unc < 0 || layers < 0)
        continue;
      for (size_t k = 0; k < r->nprofiles_seen; k++) {
        const char *pn = r->profiles_seen[k];
        const struct profile *p = profile_get(r, pn);
        const struct report_group *g = report_find(
            r, "pull_cold", im->service, im->variant, pn, NULL, "seconds");
        if (p == NULL || g == NULL || !g->has_stats || g->st.median <= 0)
          continue;
        int in_sample = !str_eq(pn, r->holdout);
        if (pass == 0) {
          if (!in_sample)
            continue;
          struct model_obs *o = realloc(obs, (nobs + 1) * sizeof *o);
          if (o == NULL)
            goto oom;
          obs = o;
          obs[nobs++] =
              (struct model_obs){.wire_bytes = (uint64_t)llround(wire),
                                 .uncompressed_bytes = (uint64_t)llround(unc),
                                 .layers = (unsigned)llround(layers),
                                 .rtt_s = p->rtt_ms / 1000.0,
                                 .rate_bps = p->rate_bps,
                                 .measured_s = g->st.median};
          continue;
        }
        if (r->fit_terms < 0)
          continue;
        struct report_model_row *m =
            realloc(r->model, (r->nmodel + 1) * sizeof *m);
        if (m == NULL)
          goto oom;
        r->model = m;
        struct report_model_row *row = &r->model[r->nmodel++];
        memset(row, 0, sizeof *row);
        row->subject = im->subject;
        row->service = im->service;
        row->variant = im->variant;
        row->kind = im->kind;
        row->profile = p->name;
        row->wire_bytes = (uint64_t)llround(wire);
        row->uncompressed_bytes = (uint64_t)llround(unc);
        row->rate_bps = p->rate_bps;
        row->rtt_ms = p->rtt_ms;
        row->in_sample = in_sample;
        row->n = g->n;
        row->measured_s = g->st.median;
        row->layers = (unsigned)llround(layers);
        row->predicted_s =
            model_predict(&r->fit, row->wire_bytes, row->uncompressed_bytes,
                          row->layers, p->rtt_ms / 1000.0, p->rate_bps);
        row->error_pct = model_error_pct(row->predicted_s, row->measured_s);
      }
    }
    if (pass == 0) {
      r->fit_obs = nobs;
      r->fit_terms = model_fit(obs, nobs, &r->fit);
      for (size_t k = 0; k < r->nprofiles_seen; k++) {
        if (str_eq(r->profiles_seen[k], r->holdout))
          continue;
        size_t len = strlen(r->fit_profiles);
        snprintf(r->fit_profiles + len, sizeof r->fit_profiles - len, "%s%s",
                 len ? ", " : "", r->profiles_seen[k]);
      }
    }
  }
  free(obs);
  return 0;
oom:
  free(obs);
  return -1;
}

int report_compute(struct report *r, char *err, size_t errlen) {
  for (size_t i = 0; i < r->profiles.n; i++)
    if (add_name(&r->profiles_seen, &r->nprofiles_seen, r->profiles.v[i].name) <
        0)
      goto oom;
  for (size_t i = 0; i < r->samples.n; i++) {
    const struct sample *s = &r->samples.v[i];
    struct report_group *g = group_get(r, s);
    if (g == NULL || add_image(r, s) < 0)
      goto oom;
    if ((str_eq(s->phase, "pull_cold") || str_eq(s->phase, "pull_warm")) &&
        add_name(&r->profiles_seen, &r->nprofiles_seen, s->profile) < 0)
      goto oom;
    if (strncmp(s->phase, "pod_", 4) == 0 &&
        add_name(&r->runtimes_seen, &r->nruntimes_seen, s->runtime) < 0)
      goto oom;
    if (g->note == NULL && strstr(s->detail, "reps capped") != NULL)
      g->note = s->detail;
    if (!s->ok) {
      g->n_fail++;
      continue;
    }
    if (s->warmup) {
      g->n_warmup++;
      continue;
    }
    if (g->n == g->cap) {
      size_t nc = g->cap ? g->cap * 2 : 16;
      double *p = realloc(g->vals, nc * sizeof *p);
      if (p == NULL)
        goto oom;
      g->vals = p;
      g->cap = nc;
    }
    g->vals[g->n++] = s->value;
  }
  for (size_t i = 0; i < r->ngroups; i++) {
    struct report_group *g = &r->groups[i];
    if (g->n > 0) {
      if (stats_compute(g->vals, g->n, &g->st) < 0)
        goto oom;
      g->has_stats = 1;
    }
  }
  sort_images(r);
  if (compute_model(r) < 0 || targets_judge(r) < 0)
    goto oom;
  return 0;
oom:
  snprintf(err, errlen, "cannot compute the report: out of memory");
  return -1;
}

/* ---- optional inputs: the plan's budget and skipped cells ---- */

/* Calls fn(r, f) for every row after the header of DIR/NAME whose fields,
 * split at sep (no quoting), number exactly nf (at most 8); nothing when
 * the file is absent. Stops when fn returns -1 (out of memory). */
static void each_row(struct report *r, const char *dir, const char *name,
                     char sep, size_t nf,
                     int (*fn)(struct report *r, char **f)) {
  char path[4096], e[256];
  size_t len;
  snprintf(path, sizeof path, "%s/%s", dir, name);
  char *text = csv_slurp(path, &len, e, sizeof e);
  if (text == NULL)
    return;
  char *save = NULL;
  size_t line = 0;
  for (char *l = strtok_r(text, "\n", &save); l != NULL;
       l = strtok_r(NULL, "\n", &save)) {
    char *f[8];
    size_t n = 0;
    for (char *p = l; n < nf && n < 8;) {
      f[n++] = p;
      p = strchr(p, sep);
      if (p == NULL)
        break;
      *p++ = '\0';
    }
    if (line++ == 0 || n != nf)
      continue;
    if (fn(r, f) < 0)
      break;
  }
  free(text);
}

static int add_skip(struct report *r, char **f) {
  struct report_skip *p = realloc(r->skips, (r->nskips + 1) * sizeof *p);
  if (p == NULL)
    return -1;
  r->skips = p;
  r->skips[r->nskips++] = (struct report_skip){.phase = strdup(f[0]),
                                               .subject = strdup(f[1]),
                                               .profile = strdup(f[2]),
                                               .runtime = strdup(f[3]),
                                               .reason = strdup(f[4])};
  return 0;
}

static void load_skips(struct report *r, const char *dir) {
  each_row(r, dir, "plan-skipped.tsv", '\t', 5, add_skip);
}

static int add_budget(struct report *r, char **f) {
  struct report_budget_row *p =
      realloc(r->budget, (r->nbudget + 1) * sizeof *p);
  if (p == NULL)
    return -1;
  r->budget = p;
  r->budget[r->nbudget++] = (struct report_budget_row){
      .block = strdup(f[0]),
      .steps_planned = atol(f[1]),
      .steps_run = atol(f[2]),
      .planned_s = strcmp(f[3], "-") == 0 ? -1 : atof(f[3]),
      .spent_s = atof(f[4])};
  return 0;
}

/* budget.csv (what ran) joined with plan-budget.tsv (what was planned). */
static void load_budget(struct report *r, const char *dir) {
  each_row(r, dir, "budget.csv", ',', 5, add_budget);
}

struct table_ctx {
  struct report_table *t;
};

static int on_table_row(void *vctx, size_t line, char **f, size_t nf, char *err,
                        size_t errlen) {
  struct report_table *t = ((struct table_ctx *)vctx)->t;
  (void)line;
  (void)err;
  (void)errlen;
  if (t->cells == NULL)
    t->ncols = nf;
  else if (nf != t->ncols)
    return 0; /* a ragged row: skipped */
  else
    t->nrows++;
  char **c = realloc(t->cells, (t->nrows + 1) * t->ncols * sizeof *c);
  if (c == NULL)
    return -1;
  t->cells = c;
  for (size_t i = 0; i < nf; i++)
    c[t->nrows * t->ncols + i] = strdup(f[i]);
  return 0;
}

/* Read a CSV file, or a TSV file (tabs turned into the CSV reader's
 * separator; TSV cells hold no commas here) into t; silently empty when
 * the file is absent. */
static void load_table(struct report_table *t, const char *path, int tsv) {
  char e[256];
  size_t len;
  char *text = csv_slurp(path, &len, e, sizeof e);
  if (text == NULL)
    return;
  for (char *p = text; tsv && *p; p++) {
    if (*p == ',')
      *p = ';';
    else if (*p == '\t')
      *p = ',';
  }
  struct table_ctx ctx = {.t = t};
  if (csv_parse(text, len, on_table_row, &ctx, e, sizeof e) < 0)
    fprintf(stderr, "benchreport: warning: %s: %s\n", path, e);
  free(text);
}

static void table_free(struct report_table *t) {
  if (t->cells != NULL)
    for (size_t i = 0; i < (t->nrows + 1) * t->ncols; i++)
      free(t->cells[i]);
  free(t->cells);
  memset(t, 0, sizeof *t);
}

int report_has_pulls(const struct report *r) {
  return r->suite == NULL || strcmp(r->suite, "native") != 0;
}

int report_load(struct report *r, const char *dir, const char *suite, char *err,
                size_t errlen) {
  char path[4096];
  memset(r, 0, sizeof *r);
  r->suite = suite;
  snprintf(path, sizeof path, "%s/samples.csv", dir);
  if (samples_load(path, &r->samples, err, errlen) < 0)
    return -1;
  char e2[512];
  snprintf(path, sizeof path, "%s/profiles.csv", dir);
  if (samples_load_profiles(path, &r->profiles, e2, sizeof e2) == 0)
    r->have_profiles = 1;
  else
    fprintf(stderr, "benchreport: warning: %s\n", e2);
  /* the native suite pulls nothing: no link emulator to have checked */
  if (report_has_pulls(r)) {
    snprintf(path, sizeof path, "%s/linkcheck.csv", dir);
    if (samples_load_linkcheck(path, &r->linkcheck, e2, sizeof e2) == 0)
      r->have_linkcheck = 1;
    else
      fprintf(stderr, "benchreport: warning: %s\n", e2);
  }
  snprintf(path, sizeof path, "%s/env.json", dir);
  json_error_t je;
  r->env = json_load_file(path, 0, &je);
  if (r->env == NULL) {
    snprintf(r->env_note, sizeof r->env_note,
             "env.json unreadable: %s (line %d)", je.text, je.line);
    fprintf(stderr, "benchreport: warning: %s\n", r->env_note);
  }
  load_budget(r, dir);
  load_skips(r, dir);
  snprintf(path, sizeof path, "%s/sbom/attack-surface.csv", dir);
  load_table(&r->surface, path, 0);
  snprintf(path, sizeof path, "%s/sbom/sboms.tsv", dir);
  load_table(&r->sboms, path, 1);
  if (report_compute(r, err, errlen) < 0) {
    report_free(r);
    return -1;
  }
  return 0;
}

const char *report_verdict_name(enum report_verdict v) {
  switch (v) {
  case REPORT_PASS:
    return "pass";
  case REPORT_SHORT:
    return "falls short";
  case REPORT_INCONCLUSIVE:
    return "inconclusive";
  case REPORT_INSUFFICIENT:
    return "insufficient data";
  default:
    return "not measured";
  }
}

void report_free(struct report *r) {
  for (size_t i = 0; i < r->ngroups; i++)
    free(r->groups[i].vals);
  free(r->groups);
  free(r->images);
  free(r->model);
  free(r->targets);
  free((void *)r->profiles_seen);
  free((void *)r->runtimes_seen);
  for (size_t i = 0; i < r->nbudget; i++)
    free(r->budget[i].block);
  free(r->budget);
  for (size_t i = 0; i < r->nskips; i++) {
    free(r->skips[i].phase);
    free(r->skips[i].subject);
    free(r->skips[i].profile);
    free(r->skips[i].runtime);
    free(r->skips[i].reason);
  }
  free(r->skips);
  table_free(&r->surface);
  table_free(&r->sboms);
  samples_free(&r->samples);
  samples_free_profiles(&r->profiles);
  samples_free_linkcheck(&r->linkcheck);
  json_decref(r->env);
  memset(r, 0, sizeof *r);
}
