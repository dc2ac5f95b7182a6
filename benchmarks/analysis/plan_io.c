/* plan_io: the plan's names and defaults, its estimates, and its files
 * (plan.tsv, plan-skipped.tsv, plan-budget.tsv written; subjects.tsv and
 * profiles.csv read). See plan.h. */
#include "plan.h"

#include "csv.h"
#include "samples.h"

#include <stdlib.h>
#include <string.h>

static const char *const phase_names[PLAN_NPHASES] = {
    [PLAN_PULL_COLD] = "pull_cold",
    [PLAN_PULL_WARM] = "pull_warm",
    [PLAN_LINK_RTT] = "link_rtt",
    [PLAN_START_WARM] = "start_warm",
    [PLAN_START_PUBLISHED] = "start_published",
    [PLAN_START_COLD] = "start_cold",
    [PLAN_LOAD] = "load",
    [PLAN_POD_WARM] = "pod_warm",
    [PLAN_POD_COLD] = "pod_cold",
    [PLAN_BUILD] = "build",
};

static const char *const block_names[PLAN_NBLOCKS] = {
    [PLAN_B_PULL] = "pull",
    [PLAN_B_START_WARM] = "start_warm",
    [PLAN_B_START_PUBLISHED] = "start_published",
    [PLAN_B_START_COLD] = "start_cold",
    [PLAN_B_LOAD] = "load",
    [PLAN_B_POD_WARM] = "pod_warm",
    [PLAN_B_POD_COLD] = "pod_cold",
    [PLAN_B_BUILD] = "build",
};

const char *plan_phase_name(enum plan_phase p) {
  return (unsigned)p < PLAN_NPHASES ? phase_names[p] : "?";
}

int plan_phase_parse(const char *name) {
  for (int i = 0; i < PLAN_NPHASES; i++)
    if (strcmp(name, phase_names[i]) == 0)
      return i;
  return -1;
}

const char *plan_block_name(enum plan_block b) {
  return (unsigned)b < PLAN_NBLOCKS ? block_names[b] : "?";
}

enum plan_block plan_block_of(enum plan_phase p) {
  switch (p) {
  case PLAN_PULL_COLD:
  case PLAN_PULL_WARM:
  case PLAN_LINK_RTT:
    return PLAN_B_PULL;
  case PLAN_START_WARM:
    return PLAN_B_START_WARM;
  case PLAN_START_PUBLISHED:
    return PLAN_B_START_PUBLISHED;
  case PLAN_START_COLD:
    return PLAN_B_START_COLD;
  case PLAN_LOAD:
    return PLAN_B_LOAD;
  case PLAN_POD_WARM:
    return PLAN_B_POD_WARM;
  case PLAN_POD_COLD:
    return PLAN_B_POD_COLD;
  default:
    return PLAN_B_BUILD;
  }
}

void plan_options_default(struct plan_options *o) {
  memset(o, 0, sizeof *o);
  o->phases =
      ((1u << PLAN_NPHASES) - 1) & ~(1u << PLAN_BUILD); /* build: --full */
  o->reps = 5;
  o->start_reps = 10;
  o->naive_reps = 3;
  o->minor_reps = 3;
  o->pod_p99_reps = 100;
  o->load_reps = 5;
  o->load_duration_s = 10;
  o->build_reps = 1;
  o->pull_max_s = 60;
  snprintf(o->cold_profile, sizeof o->cold_profile, "cloud");
  snprintf(o->runtimes[0], sizeof o->runtimes[0], "runc");
  snprintf(o->runtimes[1], sizeof o->runtimes[1], "crun");
  o->nruntimes = 2;
  snprintf(o->build_services[0], sizeof o->build_services[0], "hello");
  o->nbuild_services = 1;
  o->warmups = 1;
  o->seed = 1;
  o->coef = MODEL_DEFAULT;
}

double plan_pull_est(const struct plan_options *o, const struct plan_subject *s,
                     const struct plan_profile *pr) {
  return model_predict(&o->coef, s->wire_bytes, s->uncompressed_bytes,
                       s->layers, pr->rtt_ms / 1000.0, pr->rate_bps);
}

double plan_warm_pull_est(const struct plan_options *o,
                          const struct plan_subject *s,
                          const struct plan_profile *pr) {
  uint64_t w =
      s->warm_wire_bytes < s->wire_bytes ? s->warm_wire_bytes : s->wire_bytes;
  double frac = s->wire_bytes > 0 ? (double)w / (double)s->wire_bytes : 1.0;
  return model_predict(&o->coef, w,
                       (uint64_t)((double)s->uncompressed_bytes * frac),
                       s->warm_layers, pr->rtt_ms / 1000.0, pr->rate_bps);
}

/* ---- files ---- */

static const char *prof_name(const struct plan *p, int i) {
  return i < 0 ? "-" : p->profiles[i].name;
}

static const char *rt_name(const struct plan *p, int i) {
  return i < 0 ? "-" : p->opt.runtimes[i];
}

int plan_write_steps(const struct plan *p, FILE *f) {
  fprintf(f, "phase\tsubject\tprofile\truntime\trep\twarmup\test_s\tnote\n");
  for (size_t i = 0; i < p->nsteps; i++) {
    const struct plan_step *s = &p->steps[i];
    fprintf(f, "%s\t%s\t%s\t%s\t%u\t%d\t%.3f\t%s\n", plan_phase_name(s->phase),
            p->subjects[s->subject].subject, prof_name(p, s->profile),
            rt_name(p, s->runtime), s->rep, s->warmup, s->est_s,
            s->note[0] ? s->note : "-");
  }
  return ferror(f) ? -1 : 0;
}

int plan_write_skips(const struct plan *p, FILE *f) {
  fprintf(f, "phase\tsubject\tprofile\truntime\treason\n");
  for (size_t i = 0; i < p->nskips; i++) {
    const struct plan_skip *s = &p->skips[i];
    fprintf(f, "%s\t%s\t%s\t%s\t%s\n", plan_phase_name(s->phase),
            p->subjects[s->subject].subject, prof_name(p, s->profile),
            rt_name(p, s->runtime), s->reason);
  }
  return ferror(f) ? -1 : 0;
}

int plan_write_budget(const struct plan *p, FILE *f) {
  fprintf(f, "block\tsteps\tplanned_s\tbudget_s\n");
  for (int b = 0; b < PLAN_NBLOCKS; b++) {
    if (p->block_steps[b] == 0)
      continue;
    fprintf(f, "%s\t%zu\t%.0f\t%.0f\n", plan_block_name((enum plan_block)b),
            p->block_steps[b], p->planned_s[b], p->opt.budget_s[b]);
  }
  return ferror(f) ? -1 : 0;
}

/* ---- reading the inputs ---- */

struct tsv_ctx {
  const char *path;
  struct plan_subject *v;
  size_t n, cap;
  int header_seen;
};

static int parse_u64(const char *s, uint64_t *out) {
  double d;
  if (samples_parse_double(s, &d) < 0 || d < 0 || d > 1.8e19 ||
      d != (double)(uint64_t)d)
    return -1;
  *out = (uint64_t)d;
  return 0;
}

/* subjects.tsv is tab-separated without quoting: split in place. */
int plan_read_subjects(const char *path, struct plan_subject **out, size_t *n,
                       char *err, size_t errlen) {
  static const char *const cols[] = {"subject",     "service",
                                     "variant",     "kind",
                                     "wire_bytes",  "uncompressed_bytes",
                                     "layers",      "warm_wire_bytes",
                                     "warm_layers", "startable"};
  enum { NC = sizeof cols / sizeof cols[0] };
  size_t len = 0;
  char *text = csv_slurp(path, &len, err, errlen);
  if (text == NULL)
    return -1;
  struct plan_subject *v = NULL;
  size_t nv = 0, line = 0;
  int rc = -1;
  char *save = NULL;
  for (char *l = strtok_r(text, "\n", &save); l != NULL;
       l = strtok_r(NULL, "\n", &save)) {
    line++;
    char *f[NC];
    size_t nf = 0;
    for (char *p = l;; p++) {
      if (nf < NC)
        f[nf] = p;
      nf++;
      p = strchr(p, '\t');
      if (p == NULL)
        break;
      *p = '\0';
    }
    if (nf != NC) {
      snprintf(err, errlen, "%s line %zu: %zu fields, expected %d", path, line,
               nf, (int)NC);
      goto out;
    }
    if (line == 1) {
      for (size_t i = 0; i < NC; i++)
        if (strcmp(f[i], cols[i]) != 0) {
          snprintf(err, errlen, "%s line 1: column %zu is '%s', expected '%s'",
                   path, i + 1, f[i], cols[i]);
          goto out;
        }
      continue;
    }
    struct plan_subject *nvp = realloc(v, (nv + 1) * sizeof *v);
    if (nvp == NULL) {
      snprintf(err, errlen, "%s: out of memory", path);
      goto out;
    }
    v = nvp;
    struct plan_subject *s = &v[nv];
    memset(s, 0, sizeof *s);
    char *dst[] = {s->subject, s->service, s->variant, s->kind};
    size_t dsz[] = {sizeof s->subject, sizeof s->service, sizeof s->variant,
                    sizeof s->kind};
    for (size_t i = 0; i < 4; i++) {
      if (f[i][0] == '\0' || strlen(f[i]) >= dsz[i]) {
        snprintf(err, errlen, "%s line %zu: %s '%s' is empty or too long", path,
                 line, cols[i], f[i]);
        goto out;
      }
      memcpy(dst[i], f[i], strlen(f[i]) + 1);
    }
    uint64_t layers, warm_layers;
    if (parse_u64(f[4], &s->wire_bytes) < 0 ||
        parse_u64(f[5], &s->uncompressed_bytes) < 0 ||
        parse_u64(f[6], &layers) < 0 ||
        parse_u64(f[7], &s->warm_wire_bytes) < 0 ||
        parse_u64(f[8], &warm_layers) < 0 || layers > 1000 ||
        warm_layers > layers) {
      snprintf(err, errlen,
               "%s line %zu: sizes and layer counts '%s', '%s', '%s', '%s', "
               "'%s' are not "
               "whole numbers (warm layers at most the layers)",
               path, line, f[4], f[5], f[6], f[7], f[8]);
      goto out;
    }
    s->layers = (unsigned)layers;
    s->warm_layers = (unsigned)warm_layers;
    if (strcmp(f[9], "0") != 0 && strcmp(f[9], "1") != 0) {
      snprintf(err, errlen, "%s line %zu: startable '%s' must be 0 or 1", path,
               line, f[9]);
      goto out;
    }
    s->startable = f[9][0] == '1';
    nv++;
  }
  if (line == 0) {
    snprintf(err, errlen, "%s: empty file, expected a header", path);
    goto out;
  }
  *out = v;
  *n = nv;
  v = NULL;
  rc = 0;
out:
  free(v);
  free(text);
  return rc;
}

int plan_read_profiles(const char *path, struct plan_profile **out, size_t *n,
                       char *err, size_t errlen) {
  struct profile_set ps = {0};
  if (samples_load_profiles(path, &ps, err, errlen) < 0)
    return -1;
  struct plan_profile *v = calloc(ps.n ? ps.n : 1, sizeof *v);
  if (v == NULL) {
    samples_free_profiles(&ps);
    snprintf(err, errlen, "%s: out of memory", path);
    return -1;
  }
  for (size_t i = 0; i < ps.n; i++) {
    if (strlen(ps.v[i].name) >= sizeof v[i].name) {
      snprintf(err, errlen, "%s: profile name '%s' too long", path,
               ps.v[i].name);
      free(v);
      samples_free_profiles(&ps);
      return -1;
    }
    snprintf(v[i].name, sizeof v[i].name, "%s", ps.v[i].name);
    v[i].rate_bps = ps.v[i].rate_bps;
    v[i].rtt_ms = ps.v[i].rtt_ms;
  }
  *out = v;
  *n = ps.n;
  samples_free_profiles(&ps);
  return 0;
}
