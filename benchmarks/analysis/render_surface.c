/* render_surface: report.md's attack-surface and SBOM section (the tables
 * of attack-surface.csv and sboms.tsv, as read by report.c). */
#include "report.h"

#include <string.h>

static int str_eq(const char *a, const char *b) { return strcmp(a, b) == 0; }

static void write_table(const struct report_table *t, FILE *f) {
  for (size_t row = 0; row <= t->nrows; row++) {
    fprintf(f, "|");
    for (size_t c = 0; c < t->ncols; c++) {
      const char *v = t->cells[row * t->ncols + c];
      /* attack-surface.csv: an empty USER is root */
      if (row > 0 && *v == '\0' && str_eq(t->cells[c], "user"))
        v = "root (no USER)";
      fprintf(f, " %s |", v);
    }
    fprintf(f, "\n");
    if (row == 0) {
      fprintf(f, "|");
      for (size_t c = 0; c < t->ncols; c++)
        fprintf(f, "---|");
      fprintf(f, "\n");
    }
  }
  fprintf(f, "\n");
}

/* What is inside each image and what an attacker finds there: the offline
 * counterpart of a vulnerability scan (docs/sbom.md). */
void report_write_md_surface(const struct report *r, FILE *f) {
  if (r->surface.nrows == 0 && r->sboms.nrows == 0)
    return;
  fprintf(f, "## Attack surface and SBOMs\n\nComputed from each image's own "
             "file system and "
             "configuration (`scripts/attack-surface.sh`, columns explained in "
             "docs/sbom.md); "
             "one CycloneDX SBOM per image in `sbom/`, validated against the "
             "published "
             "schema (`scripts/sbom.sh`). No vulnerability database is "
             "reachable here: "
             "`make scan` counts CVEs where grype or trivy is installed.\n\n");
  if (r->surface.nrows > 0)
    write_table(&r->surface, f);
  if (r->sboms.nrows > 0)
    write_table(&r->sboms, f);
}
