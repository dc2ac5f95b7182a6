/* benchplan: write the plan of a benchmark run (see plan.h).
 *
 *   benchplan --subjects FILE --profiles FILE --out DIR [options]
 *
 * Reads the images to measure (subjects.tsv, written by bench.sh after the
 * size phase) and the link profiles (profiles.csv), writes DIR/plan.tsv,
 * DIR/plan-skipped.tsv and DIR/plan-budget.tsv, and prints the budget table
 * on stderr. Options (defaults in brackets):
 *   --phases LIST        pull_cold,pull_warm,link_rtt,start_warm,
 *                        start_published,start_cold,load,pod_warm,pod_cold,
 *                        build [all but build; --full adds build]
 *   --reps N             ordinary cells [5]
 *   --start-reps N       warm starts [10]
 *   --naive-reps N       naive pulls and cold starts, after a warm-up [3]
 *   --minor-reps N       cells no target needs [3]
 *   --pod-p99-reps N     warm pods of hello:scratch and the floor [100]
 *   --load-reps N        judged load cells [5]
 *   --load-duration S    seconds of one load run, for the estimate [10]
 *   --build-reps N [1]   --build-services LIST [hello]
 *   --pull-max S         skip cells whose one pull is estimated above S [60]
 *   --cold-profile P     start_cold and the naive cold pod [cloud]
 *   --runtimes LIST      pod runtimes [runc,crun]
 *   --budget BLOCK=S     seconds for a block (pull, start_warm, ...);
 *                        repeatable; reps of cells that may be capped are
 *                        cut to fit [no limit]
 *   --full               every image on every profile, peers everywhere
 *   --quick              one rep of the smallest useful set, no warm-ups
 *   --seed N             order of the interleaved rounds [1]
 * Exit 0 ok, 1 bad input file or write failure, 2 usage. */
#include "plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f) {
  fprintf(
      f,
      "usage: benchplan --subjects FILE --profiles FILE --out DIR [--phases "
      "LIST] "
      "[--reps N] [--start-reps N] [--naive-reps N] [--minor-reps N] "
      "[--pod-p99-reps N] [--load-reps N] [--load-duration S] [--build-reps N] "
      "[--build-services LIST] [--pull-max S] [--cold-profile P] [--runtimes "
      "LIST] "
      "[--budget BLOCK=S]... [--full] [--quick] [--seed N]\n");
}

static int bad(const char *opt, const char *val, const char *want) {
  fprintf(stderr, "benchplan: invalid %s '%s': expected %s\n", opt, val, want);
  return 2;
}

/* Whole number in [min, max]. */
static int parse_uint(const char *s, unsigned long min, unsigned long max,
                      unsigned long *out) {
  char *end = NULL;
  if (s[0] < '0' || s[0] > '9')
    return -1;
  errno = 0;
  unsigned long v = strtoul(s, &end, 10);
  if (errno != 0 || *end != '\0' || v < min || v > max)
    return -1;
  *out = v;
  return 0;
}

static int parse_secs(const char *s, double *out) {
  char *end = NULL;
  errno = 0;
  double v = strtod(s, &end);
  if (errno != 0 || end == s || *end != '\0' || !(v >= 0) || v > 1e6)
    return -1;
  *out = v;
  return 0;
}

/* Split LIST on commas into dst[max][w]; returns the count or -1. */
static int split_list(const char *list, char *dst, size_t w, size_t max) {
  size_t n = 0;
  const char *p = list;
  while (*p) {
    const char *e = strchr(p, ',');
    size_t len = e ? (size_t)(e - p) : strlen(p);
    if (len == 0 || len >= w || n == max)
      return -1;
    memcpy(dst + n * w, p, len);
    dst[n * w + len] = '\0';
    n++;
    p += len + (e != NULL);
    if (e != NULL && *p == '\0')
      return -1;
  }
  return (int)n;
}

static int write_file(const char *dir, const char *name, const struct plan *p,
                      int (*fn)(const struct plan *, FILE *)) {
  char path[4096];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "w");
  if (f == NULL) {
    fprintf(stderr, "benchplan: cannot write %s: %s\n", path, strerror(errno));
    return -1;
  }
  int rc = fn(p, f);
  if (fclose(f) != 0 || rc < 0) {
    fprintf(stderr, "benchplan: cannot write %s: %s\n", path, strerror(errno));
    return -1;
  }
  return 0;
}

int main(int argc, char **argv) {
  struct plan_options o;
  plan_options_default(&o);
  const char *subjects_path = NULL, *profiles_path = NULL, *out = NULL;
  int quick_given = 0, phases_given = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char *v = i + 1 < argc ? argv[i + 1] : NULL;
    unsigned long u;
    int takes = 1;
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      usage(stdout);
      return 0;
    } else if (strcmp(a, "--full") == 0) {
      o.full = 1;
      takes = 0;
    } else if (strcmp(a, "--quick") == 0) {
      quick_given = 1;
      takes = 0;
    } else if (v == NULL) {
      fprintf(stderr, "benchplan: option %s needs a value\n", a);
      usage(stderr);
      return 2;
    } else if (strcmp(a, "--subjects") == 0) {
      subjects_path = v;
    } else if (strcmp(a, "--profiles") == 0) {
      profiles_path = v;
    } else if (strcmp(a, "--out") == 0) {
      out = v;
    } else if (strcmp(a, "--phases") == 0) {
      char names[PLAN_NPHASES][32];
      int n = split_list(v, &names[0][0], sizeof names[0], PLAN_NPHASES);
      if (n <= 0)
        return bad(a, v, "a comma-separated list of phases");
      o.phases = 0;
      phases_given = 1;
      for (int k = 0; k < n; k++) {
        int ph = plan_phase_parse(names[k]);
        if (ph < 0) {
          fprintf(stderr, "benchplan: unknown phase '%s'\n", names[k]);
          return 2;
        }
        o.phases |= 1u << ph;
      }
    } else if (strcmp(a, "--runtimes") == 0) {
      int n = split_list(v, &o.runtimes[0][0], sizeof o.runtimes[0], 4);
      if (n <= 0)
        return bad(a, v, "runc, crun or both, comma-separated");
      o.nruntimes = (size_t)n;
    } else if (strcmp(a, "--build-services") == 0) {
      int n =
          split_list(v, &o.build_services[0][0], sizeof o.build_services[0], 8);
      if (n <= 0)
        return bad(a, v, "a comma-separated list of services");
      o.nbuild_services = (size_t)n;
    } else if (strcmp(a, "--cold-profile") == 0) {
      if (strlen(v) == 0 || strlen(v) >= sizeof o.cold_profile)
        return bad(a, v, "a profile name");
      snprintf(o.cold_profile, sizeof o.cold_profile, "%s", v);
    } else if (strcmp(a, "--pull-max") == 0) {
      if (parse_secs(v, &o.pull_max_s) < 0)
        return bad(a, v, "seconds (0 = no limit)");
    } else if (strcmp(a, "--load-duration") == 0) {
      if (parse_secs(v, &o.load_duration_s) < 0 || o.load_duration_s < 1)
        return bad(a, v, "seconds, at least 1");
    } else if (strcmp(a, "--seed") == 0) {
      if (parse_uint(v, 0, 4294967295UL, &u) < 0)
        return bad(a, v, "a whole number");
      o.seed = u;
    } else if (strcmp(a, "--budget") == 0) {
      const char *eq = strchr(v, '=');
      double s;
      int b = -1;
      for (int k = 0; eq != NULL && k < PLAN_NBLOCKS; k++)
        if (strncmp(v, plan_block_name((enum plan_block)k), (size_t)(eq - v)) ==
                0 &&
            strlen(plan_block_name((enum plan_block)k)) == (size_t)(eq - v))
          b = k;
      if (b < 0 || parse_secs(eq + 1, &s) < 0)
        return bad(
            a, v,
            "BLOCK=SECONDS with BLOCK one of pull, start_warm, "
            "start_published, start_cold, load, pod_warm, pod_cold, build");
      o.budget_s[b] = s;
    } else {
      static const struct {
        const char *name;
        size_t off;
        unsigned long max;
      } reps[] = {
          {"--reps", offsetof(struct plan_options, reps), 1000},
          {"--start-reps", offsetof(struct plan_options, start_reps), 1000},
          {"--naive-reps", offsetof(struct plan_options, naive_reps), 1000},
          {"--minor-reps", offsetof(struct plan_options, minor_reps), 1000},
          {"--pod-p99-reps", offsetof(struct plan_options, pod_p99_reps),
           10000},
          {"--load-reps", offsetof(struct plan_options, load_reps), 1000},
          {"--build-reps", offsetof(struct plan_options, build_reps), 100},
      };
      size_t k;
      for (k = 0; k < sizeof reps / sizeof reps[0]; k++)
        if (strcmp(a, reps[k].name) == 0)
          break;
      if (k == sizeof reps / sizeof reps[0]) {
        fprintf(stderr, "benchplan: unknown option '%s'\n", a);
        usage(stderr);
        return 2;
      }
      if (parse_uint(v, 1, reps[k].max, &u) < 0) {
        char want[64];
        snprintf(want, sizeof want, "a whole number from 1 to %lu",
                 reps[k].max);
        return bad(a, v, want);
      }
      *(unsigned *)((char *)&o + reps[k].off) = (unsigned)u;
    }
    i += takes;
  }
  if (subjects_path == NULL || profiles_path == NULL || out == NULL) {
    usage(stderr);
    return 2;
  }
  if (o.full && !phases_given)
    o.phases = (1u << PLAN_NPHASES) - 1;
  if (quick_given) {
    o.quick = 1;
    o.warmups = 0;
  }
  char err[512];
  struct plan_subject *subjects = NULL;
  struct plan_profile *profiles = NULL;
  size_t ns = 0, np = 0;
  int rc = 1;
  struct plan p;
  memset(&p, 0, sizeof p);
  if (plan_read_subjects(subjects_path, &subjects, &ns, err, sizeof err) < 0 ||
      plan_read_profiles(profiles_path, &profiles, &np, err, sizeof err) < 0) {
    fprintf(stderr, "benchplan: %s\n", err);
    goto out;
  }
  if (plan_build(&p, subjects, ns, profiles, np, &o, err, sizeof err) < 0) {
    fprintf(stderr, "benchplan: %s\n", err);
    rc = 2;
    goto out;
  }
  if (write_file(out, "plan.tsv", &p, plan_write_steps) < 0 ||
      write_file(out, "plan-skipped.tsv", &p, plan_write_skips) < 0 ||
      write_file(out, "plan-budget.tsv", &p, plan_write_budget) < 0)
    goto out;
  double total = 0;
  fprintf(stderr, "benchplan: %zu steps, %zu cells skipped\n", p.nsteps,
          p.nskips);
  for (int b = 0; b < PLAN_NBLOCKS; b++) {
    if (p.block_steps[b] == 0)
      continue;
    total += p.planned_s[b];
    fprintf(stderr,
            "benchplan:   %-16s %5zu steps, planned %4.0f s (%.1f min)\n",
            plan_block_name((enum plan_block)b), p.block_steps[b],
            p.planned_s[b], p.planned_s[b] / 60);
  }
  fprintf(stderr, "benchplan:   total planned %.0f s (%.1f min)\n", total,
          total / 60);
  rc = 0;
out:
  plan_free(&p);
  free(subjects);
  free(profiles);
  return rc;
}
