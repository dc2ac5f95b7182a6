/* plan: what the harness runs, how often, and in which order.
 *
 * The planner and the runner are separate: this module decides, from the
 * images measured (sizes from the size phase), the link profiles and the
 * options, every step of a run, and writes them down (plan.tsv); the shell
 * phases only execute those steps. Everything that used to be bash globals
 * and awk estimates lives here: repetition counts, warm-ups, the pull-time
 * estimates (model.c, the same model the report fits), which cells are
 * skipped and why, per-phase budgets, the interleaving of repetitions.
 *
 * Policy (docs/benchmarks.md has the table):
 *  - every cell that a target judges gets at least PLAN_MIN_JUDGED reps;
 *  - naive images get `naive_reps` (3) reps after a warm-up for pulls and
 *    cold starts; peers and cells no target needs get fewer, or run only
 *    with `full`;
 *  - repetitions are interleaved: round r holds every cell that still has
 *    a rep r, in a seeded random order (cold and warm pulls mixed);
 *  - a cell whose single run the model estimates above `pull_max_s` is not
 *    run (a skip line says why) unless `full`;
 *  - cells below their nominal reps because of a phase budget say so in
 *    their note ("reps capped R/N by budget"). */
#ifndef SL_ANALYSIS_PLAN_H
#define SL_ANALYSIS_PLAN_H

#include "model.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Fewest samples a target is judged on (docs/benchmarks-analysis.md). */
#define PLAN_MIN_JUDGED 5

enum plan_phase {
  PLAN_PULL_COLD,
  PLAN_PULL_WARM,
  PLAN_LINK_RTT,
  PLAN_START_WARM,
  PLAN_START_PUBLISHED,
  PLAN_START_COLD,
  PLAN_LOAD,
  PLAN_POD_WARM,
  PLAN_POD_COLD,
  PLAN_BUILD,
  PLAN_NPHASES
};

/* Budget blocks: the rows of the budget table (pull holds pull_cold,
 * pull_warm and link_rtt). */
enum plan_block {
  PLAN_B_PULL,
  PLAN_B_START_WARM,
  PLAN_B_START_PUBLISHED,
  PLAN_B_START_COLD,
  PLAN_B_LOAD,
  PLAN_B_POD_WARM,
  PLAN_B_POD_COLD,
  PLAN_B_BUILD,
  PLAN_NBLOCKS
};

/* Names as written in plan.tsv and samples.csv ("pull_cold", ...);
 * plan_phase_parse returns -1 for an unknown name. */
const char *plan_phase_name(enum plan_phase p);
int plan_phase_parse(const char *name);
const char *plan_block_name(enum plan_block b);
enum plan_block plan_block_of(enum plan_phase p);

struct plan_subject {
  char subject[200], service[64], variant[64], kind[32];
  uint64_t wire_bytes, uncompressed_bytes;
  unsigned layers,
      warm_layers; /* layers in all, and those a warm pull fetches */
  uint64_t
      warm_wire_bytes; /* bytes a warm pull still fetches (0: no warm source) */
  int startable;       /* has a program that answers HTTP */
};

struct plan_profile {
  char name[64];
  uint64_t rate_bps; /* 0 = unlimited */
  double rtt_ms;
};

struct plan_options {
  unsigned phases;        /* bit (1u << enum plan_phase) per phase to run */
  unsigned reps;          /* ordinary cells (5) */
  unsigned start_reps;    /* warm starts (10) */
  unsigned naive_reps;    /* naive pulls and cold starts, after a warm-up (3) */
  unsigned minor_reps;    /* cells no target needs: peers, alpine load (3) */
  unsigned pod_p99_reps;  /* warm pods of hello:scratch and floor (100) */
  unsigned load_reps;     /* judged load cells (5) */
  double load_duration_s; /* wrk duration (10) */
  unsigned build_reps;    /* (1) */
  double pull_max_s;      /* 0 = no limit (60) */
  char cold_profile[64];  /* start_cold and the naive cold pod ("cloud") */
  char runtimes[4][16];   /* pod runtimes ("runc", "crun") */
  size_t nruntimes;
  char build_services[8][64];
  size_t nbuild_services;
  int full;    /* every image on every profile, peers everywhere */
  int quick;   /* one rep of the smallest useful set */
  int warmups; /* plan warm-up steps (1; 0 in quick mode) */
  uint64_t seed;
  double budget_s[PLAN_NBLOCKS]; /* 0 = unlimited */
  struct model_coef coef;
};

/* Defaults as listed above; phases: all but build (which `full` adds). */
void plan_options_default(struct plan_options *o);

struct plan_step {
  enum plan_phase phase;
  size_t subject; /* index into the subjects */
  int profile;    /* index into the profiles, -1 = none */
  int runtime;    /* index into options.runtimes, -1 = none */
  unsigned rep;
  int warmup;
  double est_s;
  char note[96];
};

struct plan_skip {
  enum plan_phase phase;
  size_t subject;
  int profile, runtime;
  char reason[200];
};

struct plan {
  const struct plan_subject *subjects;
  size_t nsubjects;
  const struct plan_profile *profiles;
  size_t nprofiles;
  struct plan_options opt;
  struct plan_step *steps;
  size_t nsteps, capsteps;
  struct plan_skip *skips;
  size_t nskips, capskips;
  double planned_s[PLAN_NBLOCKS];
  size_t block_steps[PLAN_NBLOCKS];
};

/* Build the plan (subjects and profiles borrowed for the plan's life).
 * Returns 0, or -1 with a message in err (bad option, out of memory). */
int plan_build(struct plan *p, const struct plan_subject *subjects,
               size_t nsubjects, const struct plan_profile *profiles,
               size_t nprofiles, const struct plan_options *opt, char *err,
               size_t errlen);
void plan_free(struct plan *p);

/* Estimated seconds of one cold pull of subject s over profile pr, and of
 * one warm pull (only its own layers; uncompressed size scaled alike). */
double plan_pull_est(const struct plan_options *o, const struct plan_subject *s,
                     const struct plan_profile *pr);
double plan_warm_pull_est(const struct plan_options *o,
                          const struct plan_subject *s,
                          const struct plan_profile *pr);

/* plan.tsv: a header line, then one step per line:
 *   phase subject profile runtime rep warmup est_s note   (tab-separated,
 *   "-" for no profile / runtime / note).
 * plan-skipped.tsv: phase subject profile runtime reason.
 * plan-budget.tsv: block steps planned_s budget_s.
 * Each returns 0 or -1 on a write error. */
int plan_write_steps(const struct plan *p, FILE *f);
int plan_write_skips(const struct plan *p, FILE *f);
int plan_write_budget(const struct plan *p, FILE *f);

/* Read subjects.tsv (header: subject service variant kind wire_bytes
 * uncompressed_bytes layers warm_wire_bytes warm_layers startable) and profiles.csv
 * (profile,rate_bps,rtt_ms). Caller frees *out with free(). Return 0 or -1
 * with "PATH line N: cause" in err. */
int plan_read_subjects(const char *path, struct plan_subject **out, size_t *n,
                       char *err, size_t errlen);
int plan_read_profiles(const char *path, struct plan_profile **out, size_t *n,
                       char *err, size_t errlen);

#endif
