/* pullmodel: the harness's pull-time model (model.h, MODEL_DEFAULT) as a
 * command, to predict one cold pull before measuring it (lab 5).
 *
 *   pullmodel --wire BYTES --uncompressed BYTES --layers N
 *             (--rate RATE --rtt TIME | --profile NAME [--profiles FILE])
 *             [--quiet]
 *
 * RATE and TIME are spelled as linkemu spells them (100mbit, 20ms; rate 0
 * or unlimited = no transfer term). --profile reads "name rate rtt" lines
 * from FILE (default benchmarks/profiles.conf). Prints every term of the
 * model and the predicted seconds; --quiet prints only the seconds (three
 * decimals). Exit 0 ok, 1 a profile file that cannot be read or lacks the
 * profile, 2 usage. */
#include "le.h"
#include "model.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *const USAGE =
    "usage: pullmodel --wire BYTES --uncompressed BYTES --layers N\n"
    "                 (--rate RATE --rtt TIME | --profile NAME [--profiles "
    "FILE]) [--quiet]\n";

static int bad(const char *opt, const char *val, const char *why) {
  fprintf(stderr, "pullmodel: invalid %s '%s': %s\n", opt, val, why);
  return 2;
}

/* Whole number in [0, max]; -1 when not. */
static int parse_u64(const char *s, uint64_t max, uint64_t *out) {
  char *end = NULL;
  if (s[0] < '0' || s[0] > '9')
    return -1;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  if (errno != 0 || *end != '\0' || v > max)
    return -1;
  *out = (uint64_t)v;
  return 0;
}

/* Find NAME in a profiles file; copies its rate and rtt words. 0 found,
 * -1 with a message on stderr. */
static int profile_lookup(const char *file, const char *name, char *rate,
                          char *rtt, size_t len) {
  FILE *f = fopen(file, "r");
  if (f == NULL) {
    fprintf(stderr, "pullmodel: cannot open %s: %s\n", file, strerror(errno));
    return -1;
  }
  char line[512];
  int found = -1;
  while (found < 0 && fgets(line, sizeof line, f) != NULL) {
    char n[128], r[128], t[128];
    if (line[0] == '#' || sscanf(line, "%127s %127s %127s", n, r, t) != 3)
      continue;
    if (strcmp(n, name) == 0 && strlen(r) < len && strlen(t) < len) {
      memcpy(rate, r, strlen(r) + 1);
      memcpy(rtt, t, strlen(t) + 1);
      found = 0;
    }
  }
  fclose(f);
  if (found < 0)
    fprintf(stderr, "pullmodel: no profile '%s' in %s\n", name, file);
  return found;
}

int main(int argc, char **argv) {
  const char *wire_s = NULL, *unc_s = NULL, *layers_s = NULL, *rate_s = NULL,
             *rtt_s = NULL;
  const char *profile = NULL, *profiles = "benchmarks/profiles.conf";
  int quiet = 0;
  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    const char **slot = NULL;
    if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(USAGE, stdout);
      return 0;
    } else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
      quiet = 1;
      continue;
    } else if (strcmp(a, "--wire") == 0) {
      slot = &wire_s;
    } else if (strcmp(a, "--uncompressed") == 0) {
      slot = &unc_s;
    } else if (strcmp(a, "--layers") == 0) {
      slot = &layers_s;
    } else if (strcmp(a, "--rate") == 0) {
      slot = &rate_s;
    } else if (strcmp(a, "--rtt") == 0) {
      slot = &rtt_s;
    } else if (strcmp(a, "--profile") == 0) {
      slot = &profile;
    } else if (strcmp(a, "--profiles") == 0) {
      slot = &profiles;
    } else {
      fprintf(stderr, "pullmodel: unknown argument '%s'\n%s", a, USAGE);
      return 2;
    }
    if (i + 1 >= argc) {
      fprintf(stderr, "pullmodel: %s needs a value\n%s", a, USAGE);
      return 2;
    }
    *slot = argv[++i];
  }
  if (wire_s == NULL || unc_s == NULL || layers_s == NULL) {
    fprintf(stderr,
            "pullmodel: --wire, --uncompressed and --layers are required\n%s",
            USAGE);
    return 2;
  }
  if (profile != NULL && (rate_s != NULL || rtt_s != NULL)) {
    fprintf(stderr, "pullmodel: --profile or --rate/--rtt, not both\n%s",
            USAGE);
    return 2;
  }
  char prate[128], prtt[128];
  if (profile != NULL) {
    if (profile_lookup(profiles, profile, prate, prtt, sizeof prate) < 0)
      return 1;
    rate_s = prate;
    rtt_s = prtt;
  }
  if (rate_s == NULL || rtt_s == NULL) {
    fprintf(stderr,
            "pullmodel: --rate and --rtt (or --profile) are required\n%s",
            USAGE);
    return 2;
  }
  uint64_t wire = 0, unc = 0, layers = 0, bps = 0, rtt_ns = 0;
  if (parse_u64(wire_s, UINT64_MAX / 8, &wire) < 0 || wire == 0)
    return bad("--wire", wire_s, "expected a positive whole number of bytes");
  if (parse_u64(unc_s, UINT64_MAX, &unc) < 0)
    return bad("--uncompressed", unc_s, "expected a whole number of bytes");
  if (parse_u64(layers_s, 100000, &layers) < 0)
    return bad("--layers", layers_s, "expected a whole number 0..100000");
  char err[256];
  if (le_parse_rate(rate_s, &bps, err, sizeof err) < 0) {
    fprintf(stderr, "pullmodel: %s\n", err);
    return 2;
  }
  if (le_parse_duration(rtt_s, &rtt_ns, err, sizeof err) < 0) {
    fprintf(stderr, "pullmodel: %s\n", err);
    return 2;
  }

  const struct model_coef *c = &MODEL_DEFAULT;
  double rtt = (double)rtt_ns / 1e9;
  double t = model_predict(c, wire, unc, (unsigned)layers, rtt, bps);
  if (quiet) {
    printf("%.3f\n", t);
    return 0;
  }
  char d[5][128];
  double v[5];
  snprintf(d[0], sizeof d[0], "round trips  %.2f x %.1f ms", c->round_trips,
           rtt * 1e3);
  v[0] = c->round_trips * rtt;
  if (bps > 0)
    snprintf(d[1], sizeof d[1], "transfer     %.3f x %llu B x 8 / %.1f Mbit/s",
             c->throughput, (unsigned long long)wire, (double)bps / 1e6);
  else
    snprintf(d[1], sizeof d[1], "transfer     none (unlimited rate)");
  v[1] = bps > 0 ? c->throughput * (double)wire * 8.0 / (double)bps : 0.0;
  snprintf(d[2], sizeof d[2], "unpack       %llu B x %.2f ns/B",
           (unsigned long long)unc, c->unpack_s_per_byte * 1e9);
  v[2] = c->unpack_s_per_byte * (double)unc;
  snprintf(d[3], sizeof d[3], "layers       %llu x %.3f s",
           (unsigned long long)layers, c->per_layer_s);
  v[3] = c->per_layer_s * (double)layers;
  snprintf(d[4], sizeof d[4], "fixed");
  v[4] = c->fixed_s;
  printf("model MODEL_DEFAULT (benchmarks/analysis/model.c), link %s %s\n",
         rate_s, rtt_s);
  for (int k = 0; k < 5; k++)
    printf("  %-48s %7.3f s\n", d[k], v[k]);
  printf("predicted %.3f s\n", t);
  return 0;
}
