/* render_k8s: report.md's section on a live cluster (make bench-k8s):
 * every k8s_* group, one row per subject, phase and metric. */
#include "report.h"

#include <string.h>

void report_write_md_k8s(const struct report *r, FILE *f) {
  int any = 0;
  for (size_t i = 0; i < r->ngroups; i++) {
    const struct report_group *g = &r->groups[i];
    if (strncmp(g->phase, "k8s_", 4) != 0)
      continue;
    if (!any)
      fprintf(f,
              "## Kubernetes pod start-up (live cluster, `make bench-k8s`)\n\n"
              "From the pod's creation, read from the pod status and events "
              "(docs/k8s.md).\n\n"
              "| subject | phase | metric | median (±MAD, n) | min | max |\n"
              "|---|---|---|---|---|---|\n");
    any = 1;
    fprintf(f, "| `%s` | %s | %s | ", g->subject, g->phase, g->metric);
    if (g->has_stats)
      fprintf(f, "%.3f %s (±%.3f, n=%zu%s) | %.3f | %.3f |\n", g->st.median,
              g->unit, g->st.mad, g->n, g->n_fail > 0 ? ", some failed" : "",
              g->st.min, g->st.max);
    else
      fprintf(f, "failed (%zu) | — | — |\n", g->n_fail);
  }
  if (any)
    fprintf(f, "\n");
}
