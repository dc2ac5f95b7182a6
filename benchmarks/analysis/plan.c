/* plan: the policy (which cells, how many reps, in which order, within
 * which budget); names, defaults and files in plan_io.c. See plan.h. */
#include "plan.h"

#include "csv.h"
#include "samples.h"

#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

/* Seconds a step costs beyond what it measures: engine wipes, container
 * removal, the CRI's pod teardown. Calibrated on the run 20261201T015431Z
 * (budget.csv: spent over steps; 2 cores, dockerd 20.10, containerd 1.6);
 * only the plan depends on them. */
#define COST_PULL_OVERHEAD 0.4
#define COST_START_WARM 0.3
#define COST_START_PUBLISHED 0.45
#define COST_START_COLD_OVERHEAD 0.8
#define COST_LOAD_OVERHEAD 2.5
#define COST_POD_WARM 0.8
#define COST_POD_COLD_OVERHEAD 1.5
#define COST_BUILD 45.0
/* A link RTT probe runs during a pull that lasts between these. */
#define LINK_RTT_MAX_PULL_S 15.0
/* A pull estimated above this is a "big" cell (naive images, nginx). */
#define BIG_PULL_S 5.0

/* ---- subject classes ---- */

static int is_kind(const struct plan_subject *s, const char *k) {
  return strcmp(s->kind, k) == 0;
}

static int is_service(const struct plan_subject *s, const char *svc,
                      const char *variant) {
  return is_kind(s, "service") &&
         (svc == NULL || strcmp(s->service, svc) == 0) &&
         (variant == NULL || strcmp(s->variant, variant) == 0);
}

static int is_naive(const struct plan_subject *s) {
  return is_service(s, NULL, "naive");
}

/* ---- cells: one (phase, subject, profile, runtime), with its reps ---- */

struct cell {
  enum plan_phase phase;
  size_t subject;
  int profile, runtime;
  unsigned min, max, cap; /* cap: reps given, min <= cap <= max */
  double est;
};

struct cellset {
  struct cell *v;
  size_t n, cap;
};

static int cells_add(struct cellset *cs, enum plan_phase ph, size_t subj,
                     int prof, int rt, unsigned min, unsigned max, double est) {
  if (cs->n == cs->cap) {
    size_t nc = cs->cap ? cs->cap * 2 : 64;
    struct cell *p = realloc(cs->v, nc * sizeof *p);
    if (p == NULL)
      return -1;
    cs->v = p;
    cs->cap = nc;
  }
  if (max < min)
    max = min;
  cs->v[cs->n++] = (struct cell){.phase = ph,
                                 .subject = subj,
                                 .profile = prof,
                                 .runtime = rt,
                                 .min = min,
                                 .max = max,
                                 .cap = min,
                                 .est = est};
  return 0;
}

static int cmp_est(const void *a, const void *b) {
  const struct cell *x = *(const struct cell *const *)a,
                    *y = *(const struct cell *const *)b;
  return (x->est > y->est) - (x->est < y->est);
}

/* Water filling: every cell keeps its min; what the budget leaves is shared
 * out cheapest cell first, so cheap cells reach their max and only the
 * expensive ones are capped. budget 0 = every cell gets its max. */
static int cells_fill(struct cellset *cs, double budget) {
  if (budget <= 0) {
    for (size_t i = 0; i < cs->n; i++)
      cs->v[i].cap = cs->v[i].max;
    return 0;
  }
  double left = budget;
  for (size_t i = 0; i < cs->n; i++)
    left -= cs->v[i].min * cs->v[i].est;
  struct cell **order = malloc((cs->n ? cs->n : 1) * sizeof *order);
  if (order == NULL)
    return -1;
  size_t m = 0;
  for (size_t i = 0; i < cs->n; i++)
    if (cs->v[i].max > cs->v[i].min)
      order[m++] = &cs->v[i];
  qsort(order, m, sizeof *order, cmp_est);
  for (size_t i = 0; i < m; i++) {
    struct cell *c = order[i];
    double share = left > 0 ? left / (double)(m - i) : 0;
    double est = c->est > 0.001 ? c->est : 0.001;
    unsigned extra = (unsigned)(share / est);
    if (extra > c->max - c->min)
      extra = c->max - c->min;
    c->cap = c->min + extra;
    left -= extra * c->est;
  }
  free(order);
  return 0;
}

/* ---- the plan under construction ---- */

static uint64_t rng_next(uint64_t *s) {
  uint64_t z = (*s += UINT64_C(0x9E3779B97F4A7C15));
  z = (z ^ (z >> 30)) * UINT64_C(0xBF58476D1CE4E5B9);
  z = (z ^ (z >> 27)) * UINT64_C(0x94D049BB133111EB);
  return z ^ (z >> 31);
}

static int add_step(struct plan *p, const struct cell *c, unsigned rep,
                    int warmup, double est, const char *note) {
  if (p->nsteps == p->capsteps) {
    size_t nc = p->capsteps ? p->capsteps * 2 : 256;
    struct plan_step *s = realloc(p->steps, nc * sizeof *s);
    if (s == NULL)
      return -1;
    p->steps = s;
    p->capsteps = nc;
  }
  struct plan_step *s = &p->steps[p->nsteps++];
  memset(s, 0, sizeof *s);
  s->phase = c->phase;
  s->subject = c->subject;
  s->profile = c->profile;
  s->runtime = c->runtime;
  s->rep = rep;
  s->warmup = warmup;
  s->est_s = est;
  snprintf(s->note, sizeof s->note, "%s", note ? note : "");
  enum plan_block b = plan_block_of(c->phase);
  p->planned_s[b] += est;
  p->block_steps[b]++;
  return 0;
}

static int add_skip(struct plan *p, enum plan_phase ph, size_t subj, int prof,
                    int rt, const char *fmt, ...) {
  if (p->nskips == p->capskips) {
    size_t nc = p->capskips ? p->capskips * 2 : 32;
    struct plan_skip *s = realloc(p->skips, nc * sizeof *s);
    if (s == NULL)
      return -1;
    p->skips = s;
    p->capskips = nc;
  }
  struct plan_skip *s = &p->skips[p->nskips++];
  s->phase = ph;
  s->subject = subj;
  s->profile = prof;
  s->runtime = rt;
  va_list ap;
  va_start(ap, fmt);
  vsnprintf(s->reason, sizeof s->reason, fmt, ap);
  va_end(ap);
  return 0;
}

/* Emit the cells as interleaved rounds: round r holds every cell with
 * cap > r, in a random order drawn from the plan's seed. */
static int emit_rounds(struct plan *p, struct cellset *cs, uint64_t *rng) {
  unsigned maxcap = 0;
  for (size_t i = 0; i < cs->n; i++)
    if (cs->v[i].cap > maxcap)
      maxcap = cs->v[i].cap;
  size_t *idx = malloc((cs->n ? cs->n : 1) * sizeof *idx);
  if (idx == NULL)
    return -1;
  for (unsigned r = 0; r < maxcap; r++) {
    size_t m = 0;
    for (size_t i = 0; i < cs->n; i++)
      if (cs->v[i].cap > r)
        idx[m++] = i;
    for (size_t i = m; i > 1; i--) { /* Fisher-Yates */
      size_t j = (size_t)(rng_next(rng) % i);
      size_t t = idx[i - 1];
      idx[i - 1] = idx[j];
      idx[j] = t;
    }
    for (size_t i = 0; i < m; i++) {
      const struct cell *c = &cs->v[idx[i]];
      char note[96] = "";
      if (c->cap < c->max)
        snprintf(note, sizeof note, "reps capped %u/%u by budget", c->cap,
                 c->max);
      if (add_step(p, c, r, 0, c->est, note) < 0) {
        free(idx);
        return -1;
      }
    }
  }
  free(idx);
  return 0;
}

static int want(const struct plan *p, enum plan_phase ph) {
  return (p->opt.phases >> ph) & 1u;
}

static int profile_index(const struct plan *p, const char *name) {
  for (size_t i = 0; i < p->nprofiles; i++)
    if (strcmp(p->profiles[i].name, name) == 0)
      return (int)i;
  return -1;
}

static int loopback_index(const struct plan *p) {
  for (size_t i = 0; i < p->nprofiles; i++)
    if (p->profiles[i].rate_bps == 0 && p->profiles[i].rtt_ms == 0)
      return (int)i;
  return -1;
}

static double est_pull(const struct plan *p, size_t s, int prof) {
  return plan_pull_est(&p->opt, &p->subjects[s], &p->profiles[prof]);
}

static int over_max(const struct plan *p, double est) {
  return !p->opt.full && p->opt.pull_max_s > 0 && est > p->opt.pull_max_s;
}

/* Warm-up steps: one per listed cell, before round 0 (never in quick). */
static int emit_warmups(struct plan *p, const struct cellset *cs, int loop_prof,
                        int only_first_per_subject_runtime) {
  if (!p->opt.warmups)
    return 0;
  for (size_t i = 0; i < cs->n; i++) {
    const struct cell *c = &cs->v[i];
    int dup = 0;
    for (size_t k = 0; k < i && only_first_per_subject_runtime; k++)
      dup |= cs->v[k].subject == c->subject && cs->v[k].runtime == c->runtime;
    if (dup)
      continue;
    struct cell w = *c;
    double est = c->est;
    if (loop_prof >= 0 && c->profile >= 0) {
      double d = est_pull(p, c->subject, c->profile) -
                 est_pull(p, c->subject, loop_prof);
      w.profile = loop_prof;
      est = c->est - d;
    }
    if (add_step(p, &w, 0, 1, est, "warm-up") < 0)
      return -1;
  }
  return 0;
}

static int plan_pulls(struct plan *p, uint64_t *rng) {
  struct cellset cs = {0};
  int rc = -1;
  if (!want(p, PLAN_PULL_COLD) && !want(p, PLAN_PULL_WARM))
    return 0;
  int loop = loopback_index(p);
  for (size_t pr = 0; pr < p->nprofiles; pr++) {
    const struct plan_profile *prof = &p->profiles[pr];
    int judged_link = strcmp(prof->name, "edge") == 0 ||
                      (prof->rtt_ms >= 40 && profile_index(p, "edge") < 0);
    for (size_t s = 0; s < p->nsubjects; s++) {
      const struct plan_subject *sj = &p->subjects[s];
      if (is_kind(sj, "native"))
        continue;
      for (int mode = 0; mode < 2; mode++) {
        enum plan_phase ph = mode == 0 ? PLAN_PULL_COLD : PLAN_PULL_WARM;
        if (!want(p, ph) || (ph == PLAN_PULL_WARM && sj->warm_wire_bytes == 0))
          continue;
        double est = ph == PLAN_PULL_COLD
                         ? est_pull(p, s, (int)pr)
                         : plan_warm_pull_est(&p->opt, sj, prof);
        double cold_est = est_pull(p, s, (int)pr);
        if (over_max(p, cold_est)) {
          if (add_skip(p, ph, s, (int)pr, -1,
                       "one cold pull estimated at %.0f s exceeds --pull-max "
                       "%.0f s; "
                       "the pull-time model predicts it",
                       cold_est, p->opt.pull_max_s) < 0)
            goto out;
          continue;
        }
        /* The naive images share all but one small layer: on slow
                 * links hello:naive stands for them (--full runs all). A
                 * naive warm pull re-pulls its warm source whenever a cold
                 * pull removed it: on the cold profile only. */
        if (!p->opt.full && !p->opt.quick && is_naive(sj) &&
            cold_est > BIG_PULL_S && strcmp(sj->service, "hello") != 0) {
          if (add_skip(p, ph, s, (int)pr, -1,
                       "the same layers as hello:naive but one small layer: "
                       "hello:naive "
                       "is measured, --full measures this one too") < 0)
            goto out;
          continue;
        }
        if (!p->opt.full && !p->opt.quick && is_naive(sj) &&
            ph == PLAN_PULL_WARM &&
            strcmp(prof->name, p->opt.cold_profile) != 0)
          continue;
        /* judged: the out-of-sample model check on the slowest
                 * link (every image there), and hello:scratch vs the
                 * empty image on the cold profile */
        int judged =
            ph == PLAN_PULL_COLD &&
            (judged_link ||
             ((is_service(sj, "hello", "scratch") || is_kind(sj, "empty")) &&
              strcmp(prof->name, p->opt.cold_profile) == 0));
        unsigned min = p->opt.minor_reps, max = p->opt.minor_reps;
        if (p->opt.quick) {
          min = max = 1;
        } else if (p->opt.full) {
          min = max = p->opt.reps;
        } else if (is_naive(sj)) {
          min = max = p->opt.naive_reps;
        } else if (cold_est > BIG_PULL_S || is_kind(sj, "peer")) {
          min = 1;
        } else if (judged) {
          min = max = p->opt.reps;
        }
        if (min > max)
          max = min;
        /* a warm pull first pulls its warm source (untimed, through
                 * loopback) whenever a cold pull removed it */
        double cost = est + COST_PULL_OVERHEAD;
        if (ph == PLAN_PULL_WARM && loop >= 0)
          cost += est_pull(p, s, loop) -
                  plan_warm_pull_est(&p->opt, sj, &p->profiles[loop]);
        if (cells_add(&cs, ph, s, (int)pr, -1, min, max, cost) < 0)
          goto out;
      }
    }
  }
  if (cells_fill(&cs, p->opt.budget_s[PLAN_B_PULL]) < 0)
    goto out;
  /* warm-up: one loopback cold pull of every image, before round 0 */
  if (p->opt.warmups && loop >= 0) {
    for (size_t s = 0; s < p->nsubjects; s++) {
      if (is_kind(&p->subjects[s], "native"))
        continue;
      struct cell w = {.phase = PLAN_PULL_COLD,
                       .subject = s,
                       .profile = loop,
                       .runtime = -1};
      if (add_step(p, &w, 0, 1, est_pull(p, s, loop) + COST_PULL_OVERHEAD,
                   "warm-up") < 0)
        goto out;
    }
  }
  if (emit_rounds(p, &cs, rng) < 0)
    goto out;
  /* link RTT under load: during one cold pull per emulated profile, of
     * the biggest image whose pull stays under LINK_RTT_MAX_PULL_S */
  if (want(p, PLAN_LINK_RTT)) {
    for (size_t pr = 0; pr < p->nprofiles; pr++) {
      if ((int)pr == loop)
        continue;
      size_t best = p->nsubjects;
      for (size_t s = 0; s < p->nsubjects; s++) {
        if (is_kind(&p->subjects[s], "native"))
          continue;
        double est = est_pull(p, s, (int)pr);
        if (est > LINK_RTT_MAX_PULL_S)
          continue;
        if (best == p->nsubjects ||
            p->subjects[s].wire_bytes > p->subjects[best].wire_bytes)
          best = s;
      }
      if (best == p->nsubjects)
        continue;
      struct cell c = {.phase = PLAN_LINK_RTT,
                       .subject = best,
                       .profile = (int)pr,
                       .runtime = -1};
      if (add_step(p, &c, 0, 0, est_pull(p, best, (int)pr) + COST_PULL_OVERHEAD,
                   "") < 0)
        goto out;
    }
  }
  rc = 0;
out:
  free(cs.v);
  return rc;
}

/* The subjects a start-like phase runs (startable ones), with reps. */
static int plan_starts(struct plan *p, uint64_t *rng) {
  struct cellset cs = {0};
  int rc = -1;
  /* start_warm: every startable image, floor and peers included */
  if (want(p, PLAN_START_WARM)) {
    for (size_t s = 0; s < p->nsubjects; s++) {
      if (!p->subjects[s].startable || is_kind(&p->subjects[s], "native"))
        continue;
      unsigned n = p->opt.quick ? 1 : p->opt.start_reps;
      if (cells_add(&cs, PLAN_START_WARM, s, -1, -1, n, n, COST_START_WARM) < 0)
        goto out;
    }
    if (cells_fill(&cs, p->opt.budget_s[PLAN_B_START_WARM]) < 0 ||
        emit_warmups(p, &cs, -1, 0) < 0 || emit_rounds(p, &cs, rng) < 0)
      goto out;
    cs.n = 0;
  }
  /* start_published: what docker-proxy costs, on hello:scratch and the
     * floor (all startables with full) */
  if (want(p, PLAN_START_PUBLISHED)) {
    for (size_t s = 0; s < p->nsubjects; s++) {
      const struct plan_subject *sj = &p->subjects[s];
      if (!sj->startable || is_kind(sj, "native"))
        continue;
      if (!p->opt.full && !is_service(sj, "hello", "scratch") &&
          !is_kind(sj, "floor"))
        continue;
      unsigned n = p->opt.quick ? 1 : p->opt.reps;
      if (cells_add(&cs, PLAN_START_PUBLISHED, s, -1, -1, n, n,
                    COST_START_PUBLISHED) < 0)
        goto out;
    }
    if (cells_fill(&cs, p->opt.budget_s[PLAN_B_START_PUBLISHED]) < 0 ||
        emit_warmups(p, &cs, -1, 0) < 0 || emit_rounds(p, &cs, rng) < 0)
      goto out;
    cs.n = 0;
  }
  /* start_cold: one timer over the pull through the cold profile and the
     * start; warm-ups through loopback */
  if (want(p, PLAN_START_COLD)) {
    int cp = profile_index(p, p->opt.cold_profile);
    if (cp < 0) {
      rc = 0;
      goto out; /* checked by plan_build */
    }
    for (size_t s = 0; s < p->nsubjects; s++) {
      const struct plan_subject *sj = &p->subjects[s];
      if (!sj->startable || is_kind(sj, "native"))
        continue;
      unsigned n = p->opt.quick ? 1 : p->opt.reps;
      if (!p->opt.full && !p->opt.quick) {
        if (is_kind(sj, "peer"))
          continue; /* no target needs them: --full */
        if (is_naive(sj) && strcmp(sj->service, "hello") != 0)
          continue;
        if (is_naive(sj))
          n = p->opt.naive_reps;
      }
      double est = est_pull(p, s, cp);
      if (over_max(p, est)) {
        if (add_skip(p, PLAN_START_COLD, s, cp, -1,
                     "the pull in it is estimated at %.0f s, beyond --pull-max "
                     "%.0f s",
                     est, p->opt.pull_max_s) < 0)
          goto out;
        continue;
      }
      if (cells_add(&cs, PLAN_START_COLD, s, cp, -1, n, n,
                    est + COST_START_COLD_OVERHEAD) < 0)
        goto out;
    }
    if (cells_fill(&cs, p->opt.budget_s[PLAN_B_START_COLD]) < 0 ||
        emit_warmups(p, &cs, loopback_index(p), 0) < 0 ||
        emit_rounds(p, &cs, rng) < 0)
      goto out;
  }
  rc = 0;
out:
  free(cs.v);
  return rc;
}

static int plan_load(struct plan *p, uint64_t *rng) {
  struct cellset cs = {0};
  int rc = -1;
  if (!want(p, PLAN_LOAD))
    return 0;
  double cost = p->opt.load_duration_s + COST_LOAD_OVERHEAD;
  for (size_t s = 0; s < p->nsubjects; s++) {
    const struct plan_subject *sj = &p->subjects[s];
    if (!sj->startable || is_kind(sj, "empty"))
      continue;
    unsigned n = p->opt.load_reps;
    if (p->opt.quick) {
      n = 1;
    } else if (is_kind(sj, "peer") || is_kind(sj, "floor")) {
      if (!p->opt.full)
        continue; /* no target needs them: --full */
      n = p->opt.minor_reps;
    } else if (is_service(sj, NULL, "alpine")) {
      /* the same binary as scratch: one service shows it, --full all */
      if (!p->opt.full && strcmp(sj->service, "hello") != 0)
        continue;
      n = p->opt.minor_reps;
    } else if (is_kind(sj, "native") &&
               (strcmp(sj->variant, "native-static") != 0 ||
                strcmp(sj->service, "hello") != 0)) {
      n = p->opt.minor_reps; /* shown beside, not judged */
    }
    if (cells_add(&cs, PLAN_LOAD, s, -1, -1, n, n, cost) < 0)
      goto out;
  }
  if (cells_fill(&cs, p->opt.budget_s[PLAN_B_LOAD]) < 0 ||
      emit_rounds(p, &cs, rng) < 0)
    goto out;
  rc = 0;
out:
  free(cs.v);
  return rc;
}

static int plan_pods(struct plan *p, uint64_t *rng) {
  struct cellset cs = {0};
  int rc = -1;
  if (want(p, PLAN_POD_WARM)) {
    for (size_t rt = 0; rt < p->opt.nruntimes; rt++)
      for (size_t s = 0; s < p->nsubjects; s++) {
        const struct plan_subject *sj = &p->subjects[s];
        if (!sj->startable || is_kind(sj, "native"))
          continue;
        unsigned n = p->opt.reps;
        if (p->opt.quick)
          n = 1;
        else if (is_service(sj, "hello", "scratch") || is_kind(sj, "floor"))
          n = p->opt.pod_p99_reps;
        if (cells_add(&cs, PLAN_POD_WARM, s, -1, (int)rt, n, n, COST_POD_WARM) <
            0)
          goto out;
      }
    if (cells_fill(&cs, p->opt.budget_s[PLAN_B_POD_WARM]) < 0 ||
        emit_warmups(p, &cs, -1, 0) < 0 || emit_rounds(p, &cs, rng) < 0)
      goto out;
    cs.n = 0;
  }
  if (want(p, PLAN_POD_COLD)) {
    int loop = loopback_index(p);
    for (size_t rt = 0; rt < p->opt.nruntimes; rt++)
      for (size_t pr = 0; pr < p->nprofiles; pr++) {
        const struct plan_profile *prof = &p->profiles[pr];
        int emulated = (int)pr != loop;
        /* cold pods are about the link: the emulated profiles
                 * with the most latency (cloud, edge), all with --full;
                 * quick mode: loopback only */
        if (p->opt.quick ? emulated
                         : (!emulated || (!p->opt.full && prof->rtt_ms < 10)))
          continue;
        for (size_t s = 0; s < p->nsubjects; s++) {
          const struct plan_subject *sj = &p->subjects[s];
          if (!sj->startable || is_kind(sj, "native"))
            continue;
          unsigned n = p->opt.quick ? 1 : p->opt.reps;
          int take = p->opt.full || p->opt.quick;
          take |= is_service(sj, NULL, "alpine") ||
                  is_service(sj, NULL, "scratch") || is_kind(sj, "floor");
          take |= is_service(sj, "hello", "naive") &&
                  strcmp(prof->name, p->opt.cold_profile) == 0;
          if (!take)
            continue;
          double est = est_pull(p, s, (int)pr);
          if (over_max(p, est) && !is_service(sj, "hello", "naive")) {
            if (add_skip(
                    p, PLAN_POD_COLD, s, (int)pr, (int)rt,
                    "the pull in it is estimated at %.0f s, beyond --pull-max "
                    "%.0f s",
                    est, p->opt.pull_max_s) < 0)
              goto out;
            continue;
          }
          if (cells_add(&cs, PLAN_POD_COLD, s, (int)pr, (int)rt, n, n,
                        est + COST_POD_COLD_OVERHEAD) < 0)
            goto out;
        }
      }
    if (cells_fill(&cs, p->opt.budget_s[PLAN_B_POD_COLD]) < 0 ||
        emit_warmups(p, &cs, loop, 1) < 0 || emit_rounds(p, &cs, rng) < 0)
      goto out;
  }
  rc = 0;
out:
  free(cs.v);
  return rc;
}

static int plan_builds(struct plan *p) {
  if (!want(p, PLAN_BUILD))
    return 0;
  for (unsigned r = 0; r < p->opt.build_reps; r++)
    for (size_t s = 0; s < p->nsubjects; s++) {
      const struct plan_subject *sj = &p->subjects[s];
      int take = 0;
      for (size_t b = 0; b < p->opt.nbuild_services; b++)
        take |= is_service(sj, p->opt.build_services[b], NULL);
      if (!take)
        continue;
      struct cell c = {
          .phase = PLAN_BUILD, .subject = s, .profile = -1, .runtime = -1};
      if (add_step(p, &c, r, 0, COST_BUILD, "") < 0)
        return -1;
    }
  return 0;
}

int plan_build(struct plan *p, const struct plan_subject *subjects,
               size_t nsubjects, const struct plan_profile *profiles,
               size_t nprofiles, const struct plan_options *opt, char *err,
               size_t errlen) {
  memset(p, 0, sizeof *p);
  p->subjects = subjects;
  p->nsubjects = nsubjects;
  p->profiles = profiles;
  p->nprofiles = nprofiles;
  p->opt = *opt;
  if (opt->reps == 0 || opt->start_reps == 0 || opt->naive_reps == 0 ||
      opt->minor_reps == 0 || opt->load_reps == 0 || opt->pod_p99_reps == 0) {
    snprintf(err, errlen, "every repetition count must be at least 1");
    return -1;
  }
  if ((want(p, PLAN_START_COLD) || want(p, PLAN_POD_COLD)) &&
      profile_index(p, opt->cold_profile) < 0) {
    snprintf(err, errlen, "cold profile '%s' is not among the profiles",
             opt->cold_profile);
    return -1;
  }
  if ((want(p, PLAN_POD_WARM) || want(p, PLAN_POD_COLD)) &&
      opt->nruntimes == 0) {
    snprintf(err, errlen, "pod phases need at least one runtime");
    return -1;
  }
  uint64_t rng = opt->seed;
  if (plan_pulls(p, &rng) < 0 || plan_starts(p, &rng) < 0 ||
      plan_load(p, &rng) < 0 || plan_pods(p, &rng) < 0 || plan_builds(p) < 0) {
    snprintf(err, errlen, "cannot plan: out of memory");
    plan_free(p);
    return -1;
  }
  return 0;
}

void plan_free(struct plan *p) {
  free(p->steps);
  free(p->skips);
  p->steps = NULL;
  p->skips = NULL;
  p->nsteps = p->nskips = p->capsteps = p->capskips = 0;
}
