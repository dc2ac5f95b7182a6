/* render_pods: report.md's sections on pods beyond the per-service tables:
 * the pod-startup SLO and a live cluster's rows (make bench-k8s). */
#include "report.h"

#include <stdlib.h>
#include <string.h>

static int str_eq(const char *a, const char *b) { return strcmp(a, b) == 0; }

static int has_phase(const struct report *r, const char *phase) {
  for (size_t i = 0; i < r->ngroups; i++)
    if (str_eq(r->groups[i].phase, phase))
      return 1;
  return 0;
}

/* The pod-startup SLO (Kubernetes: p99 <= 5 s, image pulls excluded). */
void report_write_md_slo(const struct report *r, FILE *f) {
  if (!has_phase(r, "pod_warm") && !has_phase(r, "pod_cold"))
    return;
  fprintf(
      f,
      "## Pod startup against the Kubernetes SLO\n\nKubernetes' pod-startup "
      "SLO: "
      "p99 ≤ 5 s, image pulls excluded. Here: ready minus the pull "
      "(`ready_excl_pull_ms`),"
      " per image, runtime and condition. A p99 is quoted only where 100 or "
      "more pods "
      "stand behind it; elsewhere the maximum, with n. No CPU or memory limits "
      "were "
      "applied to the pods; there is no kubelet, scheduler or CNI in this path "
      "(docs/pods.md).\n\n| image | runtime | pod | p99 or max (ms) | n | "
      "within 5 s |\n"
      "|---|---|---|---|---|---|\n");
  char lb[128];
  for (size_t i = 0; i < r->ngroups; i++) {
    const struct report_group *g = &r->groups[i];
    if (strncmp(g->phase, "pod_", 4) != 0 ||
        !str_eq(g->metric, "ready_excl_pull_ms") || !g->has_stats)
      continue;
    const struct report_image *im = report_image_of(r, g->service, g->variant);
    double v;
    const char *what;
    if (g->n >= 100) {
      double *s = malloc(g->n * sizeof *s);
      if (s == NULL)
        continue;
      memcpy(s, g->vals, g->n * sizeof *s);
      for (size_t a = 1; a < g->n; a++) /* insertion sort: n is small */
        for (size_t b = a; b > 0 && s[b - 1] > s[b]; b--) {
          double t = s[b];
          s[b] = s[b - 1];
          s[b - 1] = t;
        }
      v = stats_quantile_sorted(s, g->n, 0.99);
      free(s);
      what = "p99";
    } else {
      v = g->st.max;
      what = "max";
    }
    fprintf(f, "| %s | %s | %s%s%s | %s %.1f | %zu | %s |\n",
            im ? report_label(im, lb, sizeof lb) : g->subject, g->runtime,
            str_eq(g->phase, "pod_warm") ? "warm" : "cold",
            str_eq(g->profile, "-") ? "" : ", ",
            str_eq(g->profile, "-") ? "" : g->profile, what, v, g->n,
            v <= 5000 ? "yes" : "**no**");
  }
  fprintf(f, "\n");
}

/* Every k8s_* group, one row per subject, phase and metric. */
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
