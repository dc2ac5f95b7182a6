/* render_json: summary.json from a computed report (see report.h). */
#include "report.h"

#include "plan.h"

#include <string.h>

static json_t *num_or_null(double v, int ok) {
  return ok ? json_real(v) : json_null();
}

static json_t *group_json(const struct report_group *g) {
  json_t *o = json_pack(
      "{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I}", "phase", g->phase,
      "subject", g->subject, "service", g->service, "variant", g->variant,
      "kind", g->kind, "profile", g->profile, "runtime", g->runtime, "metric",
      g->metric, "unit", g->unit, "n", (json_int_t)g->n, "failed",
      (json_int_t)g->n_fail, "warmups", (json_int_t)g->n_warmup);
  if (o == NULL)
    return NULL;
  if (g->has_stats) {
    json_object_set_new(o, "median", json_real(g->st.median));
    json_object_set_new(o, "p95", json_real(g->st.p95));
    json_object_set_new(o, "min", json_real(g->st.min));
    json_object_set_new(o, "max", json_real(g->st.max));
    json_object_set_new(o, "mad", json_real(g->st.mad));
    json_object_set_new(o, "mean", json_real(g->st.mean));
    json_t *out = json_array();
    if (g->n >= STATS_OUTLIER_MIN_N)
      for (size_t k = 0; k < g->n; k++)
        if (stats_is_outlier(g->vals[k], g->st.median, g->st.mad))
          json_array_append_new(out, json_real(g->vals[k]));
    json_object_set_new(o, "outliers", out);
  }
  if (g->note != NULL)
    json_object_set_new(o, "capped", json_true());
  json_t *vals = json_array();
  for (size_t k = 0; k < g->n; k++)
    json_array_append_new(vals, json_real(g->vals[k]));
  json_object_set_new(o, "values", vals);
  return o;
}

static json_t *images_json(const struct report *r) {
  json_t *a = json_array();
  char lb[128];
  for (size_t i = 0; i < r->nimages; i++) {
    const struct report_image *im = &r->images[i];
    json_array_append_new(
        a, json_pack("{s:s,s:s,s:s,s:s,s:s,s:b,s:s}", "subject", im->subject,
                     "service", im->service, "variant", im->variant, "kind",
                     im->kind, "base", im->base, "standin", im->standin,
                     "label", report_label(im, lb, sizeof lb)));
  }
  return a;
}

static json_t *model_json(const struct report *r) {
  json_t *o = json_object();
  json_object_set_new(o, "defaults",
                      json_pack("{s:f,s:f,s:f,s:f,s:f}", "fixed_s",
                                MODEL_DEFAULT.fixed_s, "round_trips",
                                MODEL_DEFAULT.round_trips, "throughput",
                                MODEL_DEFAULT.throughput, "unpack_s_per_byte",
                                MODEL_DEFAULT.unpack_s_per_byte, "per_layer_s",
                                MODEL_DEFAULT.per_layer_s));
  if (r->fit_terms >= 0)
    json_object_set_new(o, "fit",
                        json_pack("{s:f,s:f,s:f,s:f,s:f,s:i,s:I}", "fixed_s",
                                  r->fit.fixed_s, "round_trips",
                                  r->fit.round_trips, "throughput",
                                  r->fit.throughput, "unpack_s_per_byte",
                                  r->fit.unpack_s_per_byte, "per_layer_s",
                                  r->fit.per_layer_s, "terms", r->fit_terms,
                                  "observations", (json_int_t)r->fit_obs));
  else
    json_object_set_new(o, "fit", json_null());
  json_object_set_new(o, "fit_profiles", json_string(r->fit_profiles));
  json_object_set_new(o, "holdout", json_string(r->holdout));
  json_t *rows = json_array();
  for (size_t i = 0; i < r->nmodel; i++) {
    const struct report_model_row *m = &r->model[i];
    json_array_append_new(
        rows,
        json_pack("{s:s,s:s,s:I,s:f,s:I,s:i,s:I,s:f,s:I,s:f,s:f,s:b}",
                  "subject", m->subject, "profile", m->profile, "rate_bps",
                  (json_int_t)m->rate_bps, "rtt_ms", m->rtt_ms, "wire_bytes",
                  (json_int_t)m->wire_bytes, "layers", (int)m->layers,
                  "uncompressed_bytes", (json_int_t)m->uncompressed_bytes,
                  "measured_s", m->measured_s, "n", (json_int_t)m->n,
                  "predicted_s", m->predicted_s, "error_pct", m->error_pct,
                  "in_sample", m->in_sample));
  }
  json_object_set_new(o, "rows", rows);
  return o;
}

static json_t *targets_json(const struct report *r) {
  json_t *a = json_array();
  for (size_t i = 0; i < r->ntargets; i++) {
    const struct report_target *t = &r->targets[i];
    json_t *o =
        json_pack("{s:s,s:s,s:s,s:s,s:f,s:I,s:I}", "id", t->id, "text", t->line,
                  "unit", t->unit ? t->unit : "", "verdict",
                  report_verdict_name(t->verdict), "limit", t->limit, "n",
                  (json_int_t)t->n_a, "n_baseline", (json_int_t)t->n_b);
    json_object_set_new(
        o, "value", num_or_null(t->value, t->verdict != REPORT_NOT_MEASURED));
    json_object_set_new(o, "ci95",
                        t->has_ci ? json_pack("[f,f]", t->ci_lo, t->ci_hi)
                                  : json_null());
    json_array_append_new(a, o);
  }
  return a;
}

json_t *report_summary_json(const struct report *r) {
  json_t *root = json_object(), *groups = json_array(), *fails = json_array(),
         *links = json_array(), *budget = json_array(), *skips = json_array();
  if (root == NULL || groups == NULL || fails == NULL || links == NULL ||
      budget == NULL || skips == NULL)
    goto fail;
  json_object_set_new(root, "generator", json_string("benchreport"));
  json_object_set_new(root, "format", json_integer(2));
  json_object_set_new(root, "samples", json_integer((json_int_t)r->samples.n));
  json_object_set_new(root, "standin_rows",
                      json_integer((json_int_t)report_standins(r)));
  json_object_set_new(root, "statistics",
                      json_pack("{s:i,s:I,s:f,s:i,s:i}", "bootstrap_resamples",
                                STATS_BOOT_RESAMPLES, "bootstrap_seed",
                                (json_int_t)STATS_BOOT_SEED, "confidence", 0.95,
                                "outlier_min_n", STATS_OUTLIER_MIN_N,
                                "min_judged", PLAN_MIN_JUDGED));
  json_object_set_new(root, "images", images_json(r));
  for (size_t i = 0; i < r->ngroups; i++) {
    json_t *o = group_json(&r->groups[i]);
    if (o == NULL)
      goto fail;
    json_array_append_new(groups, o);
  }
  for (size_t i = 0; i < r->samples.n; i++) {
    const struct sample *s = &r->samples.v[i];
    if (s->ok)
      continue;
    json_array_append_new(
        fails, json_pack("{s:I,s:s,s:s,s:s,s:s,s:I,s:b,s:s,s:s}", "line",
                         (json_int_t)s->line, "phase", s->phase, "subject",
                         s->subject, "profile", s->profile, "runtime",
                         s->runtime, "rep", (json_int_t)s->rep, "warmup",
                         s->warmup, "metric", s->metric, "detail", s->detail));
  }
  for (size_t i = 0; i < r->linkcheck.n; i++) {
    const struct linkcheck *l = &r->linkcheck.v[i];
    json_array_append_new(
        links,
        json_pack("{s:s,s:f,s:f,s:f,s:f,s:s}", "profile", l->profile,
                  "target_rate_bps", l->target_rate_bps, "measured_rate_bps",
                  l->measured_rate_bps, "target_rtt_ms", l->target_rtt_ms,
                  "measured_rtt_ms", l->measured_rtt_ms, "status", l->status));
  }
  for (size_t i = 0; i < r->nbudget; i++) {
    const struct report_budget_row *b = &r->budget[i];
    json_array_append_new(
        budget, json_pack("{s:s,s:I,s:I,s:f,s:f}", "block", b->block,
                          "steps_planned", (json_int_t)b->steps_planned,
                          "steps_run", (json_int_t)b->steps_run, "planned_s",
                          b->planned_s, "spent_s", b->spent_s));
  }
  for (size_t i = 0; i < r->nskips; i++) {
    const struct report_skip *s = &r->skips[i];
    json_array_append_new(skips, json_pack("{s:s,s:s,s:s,s:s,s:s}", "phase",
                                           s->phase, "subject", s->subject,
                                           "profile", s->profile, "runtime",
                                           s->runtime, "reason", s->reason));
  }
  json_object_set_new(root, "groups", groups);
  json_object_set_new(root, "model", model_json(r));
  json_object_set_new(root, "targets", targets_json(r));
  json_object_set_new(root, "failures", fails);
  json_object_set_new(root, "linkcheck", links);
  json_object_set_new(root, "budget", budget);
  json_object_set_new(root, "skipped", skips);
  if (r->env != NULL)
    json_object_set(root, "env", r->env);
  return root;
fail:
  json_decref(root);
  json_decref(groups);
  json_decref(fails);
  json_decref(links);
  json_decref(budget);
  json_decref(skips);
  return NULL;
}
