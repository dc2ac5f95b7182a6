/* samples: load the CSV files of a results folder (benchmarks/FORMAT.md). */
#ifndef SL_ANALYSIS_SAMPLES_H
#define SL_ANALYSIS_SAMPLES_H

#include <stddef.h>
#include <stdint.h>

/* One row of samples.csv. Strings owned by the set. */
struct sample {
  char *phase, *subject, *service, *variant, *kind, *profile, *runtime, *metric,
      *unit, *detail;
  long rep;
  int warmup;   /* 1: warm-up, excluded from statistics */
  int ok;       /* status ok (1) or fail (0) */
  double value; /* meaningful only when ok */
  size_t line;  /* line number in samples.csv */
};

struct sample_set {
  struct sample *v;
  size_t n, cap;
};

/* profiles.csv row: profile,rate_bps,rtt_ms */
struct profile {
  char *name;
  uint64_t rate_bps; /* 0 = unlimited */
  double rtt_ms;
};

struct profile_set {
  struct profile *v;
  size_t n;
};

/* linkcheck.csv row */
struct linkcheck {
  char *profile, *status;
  double target_rate_bps, measured_rate_bps, target_rtt_ms, measured_rtt_ms;
};

struct linkcheck_set {
  struct linkcheck *v;
  size_t n;
};

/* Load samples.csv (header required, 13 columns as in FORMAT.md). An ok
 * sample must have a numeric value, a failed one may leave it empty;
 * warmup is 0 or 1; rep a non-negative integer. Returns 0, or -1 with
 * "PATH line N: cause" in err. Free with samples_free. */
int samples_load(const char *path, struct sample_set *out, char *err,
                 size_t errlen);
void samples_free(struct sample_set *s);

/* Same contract for profiles.csv and linkcheck.csv. */
int samples_load_profiles(const char *path, struct profile_set *out, char *err,
                          size_t errlen);
void samples_free_profiles(struct profile_set *p);
int samples_load_linkcheck(const char *path, struct linkcheck_set *out,
                           char *err, size_t errlen);
void samples_free_linkcheck(struct linkcheck_set *l);

/* Strict number parsing: the whole string must be a finite number. */
int samples_parse_double(const char *s, double *out);

#endif
