/* benchreport: results folder -> summary.json, report.md, report.html,
 * charts.
 *
 *   benchreport [--gnuplot PATH] [--no-charts] [--suite bench|native] RESULTS_DIR
 *
 * Reads RESULTS_DIR/samples.csv (required), profiles.csv, linkcheck.csv,
 * env.json, budget.csv, plan-budget.tsv and plan-skipped.tsv (optional,
 * reported as missing), writes RESULTS_DIR/summary.json,
 * RESULTS_DIR/report.md, RESULTS_DIR/report.html (self-contained, charts
 * inline) and RESULTS_DIR/charts/{size,pull,start,pods}.{dat,gp}, then
 * runs gnuplot (default "gnuplot" from PATH) for charts/NAME.svg and
 * NAME.png; without gnuplot it says so and still writes the rest. --suite native: the targets of make bench-native.
 * Exit 0 ok, 1 bad input or write failure, 2 usage.
 * See benchmarks/FORMAT.md and docs/benchmarks-analysis.md. */
#include "charts.h"
#include "report.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static void usage(FILE *f) {
  fprintf(f, "usage: benchreport [--gnuplot PATH] [--no-charts] [--suite "
             "bench|native] "
             "RESULTS_DIR\n");
}

int main(int argc, char **argv) {
  const char *gnuplot = "gnuplot", *dir = NULL, *suite = "bench";
  int charts = 1;
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--gnuplot") == 0 && i + 1 < argc) {
      gnuplot = argv[++i];
    } else if (strcmp(argv[i], "--suite") == 0 && i + 1 < argc) {
      suite = argv[++i];
      if (strcmp(suite, "bench") != 0 && strcmp(suite, "native") != 0) {
        fprintf(stderr,
                "benchreport: invalid --suite '%s': expected bench or native\n",
                suite);
        return 2;
      }
    } else if (strcmp(argv[i], "--no-charts") == 0) {
      charts = 0;
    } else if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
      usage(stdout);
      return 0;
    } else if (argv[i][0] == '-' || dir != NULL) {
      fprintf(stderr, "benchreport: unexpected argument '%s'\n", argv[i]);
      usage(stderr);
      return 2;
    } else {
      dir = argv[i];
    }
  }
  if (dir == NULL) {
    usage(stderr);
    return 2;
  }
  struct report r;
  memset(&r, 0, sizeof r);
  char err[1024];
  if (report_load(&r, dir, suite, err, sizeof err) < 0) {
    fprintf(stderr, "benchreport: %s\n", err);
    return 1;
  }
  int rc = 1;
  char path[4096];
  snprintf(path, sizeof path, "%s/charts", dir);
  if (mkdir(path, 0755) < 0 && errno != EEXIST) {
    fprintf(stderr, "benchreport: cannot create %s: %s\n", path,
            strerror(errno));
    goto out;
  }
  if (charts_write(&r, path, err, sizeof err) < 0) {
    fprintf(stderr, "benchreport: %s\n", err);
    goto out;
  }
  if (!charts) {
    snprintf(r.charts_note, sizeof r.charts_note,
             "Charts not rendered (--no-charts); the .dat and .gp files are in "
             "charts/.");
  } else if (charts_render(path, gnuplot, r.charts_note, sizeof r.charts_note) <
             0) {
    fprintf(stderr, "benchreport: %s\n", r.charts_note);
  }
  snprintf(path, sizeof path, "%s/report.md", dir);
  FILE *f = fopen(path, "w");
  if (f == NULL) {
    fprintf(stderr, "benchreport: cannot write %s: %s\n", path,
            strerror(errno));
    goto out;
  }
  int wr = report_write_md(&r, f);
  if (fclose(f) != 0 || wr < 0) {
    fprintf(stderr, "benchreport: cannot write %s: %s\n", path,
            strerror(errno));
    goto out;
  }
  snprintf(path, sizeof path, "%s/report.html", dir);
  if ((f = fopen(path, "w")) == NULL) {
    fprintf(stderr, "benchreport: cannot write %s: %s\n", path,
            strerror(errno));
    goto out;
  }
  wr = report_write_html(&r, dir, f);
  if (fclose(f) != 0 || wr < 0) {
    fprintf(stderr, "benchreport: cannot write %s: %s\n", path,
            strerror(errno));
    goto out;
  }
  json_t *sum = report_summary_json(&r);
  snprintf(path, sizeof path, "%s/summary.json", dir);
  if (sum == NULL ||
      json_dump_file(sum, path, JSON_INDENT(2) | JSON_SORT_KEYS) < 0) {
    fprintf(stderr, "benchreport: cannot write %s\n", path);
    json_decref(sum);
    goto out;
  }
  json_decref(sum);
  printf("benchreport: wrote %s/report.md, %s/report.html, %s/summary.json, "
         "%s/charts/\n",
         dir, dir, dir, dir);
  rc = 0;
out:
  report_free(&r);
  return rc;
}
