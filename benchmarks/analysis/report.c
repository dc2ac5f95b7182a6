/* report: see report.h. */
#include "report.h"

#include "model.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static int str_eq(const char *a, const char *b)
{
    return strcmp(a, b) == 0;
}

static int kind_rank(const char *k)
{
    static const char *const order[] = {"service", "peer", "floor", "empty"};
    for (int i = 0; i < 4; i++)
        if (str_eq(k, order[i]))
            return i;
    return 4;
}

static int variant_rank(const char *v)
{
    static const char *const order[] = {"naive", "alpine", "scratch"};
    for (int i = 0; i < 3; i++)
        if (str_eq(v, order[i]))
            return i;
    return 3;
}

static struct report_group *group_get(struct report *r, const struct sample *s)
{
    for (size_t i = 0; i < r->ngroups; i++) {
        struct report_group *g = &r->groups[i];
        if (str_eq(g->phase, s->phase) && str_eq(g->subject, s->subject) &&
            str_eq(g->profile, s->profile) && str_eq(g->metric, s->metric))
            return g;
    }
    struct report_group *p = realloc(r->groups, (r->ngroups + 1) * sizeof *p);
    if (p == NULL)
        return NULL;
    r->groups = p;
    struct report_group *g = &r->groups[r->ngroups++];
    memset(g, 0, sizeof *g);
    g->phase = s->phase;
    g->subject = s->subject;
    g->service = s->service;
    g->variant = s->variant;
    g->kind = s->kind;
    g->profile = s->profile;
    g->metric = s->metric;
    g->unit = s->unit;
    return g;
}

static int add_image(struct report *r, const struct sample *s)
{
    for (size_t i = 0; i < r->nimages; i++)
        if (str_eq(r->images[i].subject, s->subject))
            return 0;
    struct report_image *p = realloc(r->images, (r->nimages + 1) * sizeof *p);
    if (p == NULL)
        return -1;
    r->images = p;
    r->images[r->nimages++] = (struct report_image){
        .subject = s->subject, .service = s->service, .variant = s->variant, .kind = s->kind};
    return 0;
}

/* Stable order: kind, service (first appearance), variant. */
static void sort_images(struct report *r)
{
    size_t n = r->nimages;
    size_t *first = calloc(n ? n : 1, sizeof *first);
    if (first == NULL)
        return;
    for (size_t i = 0; i < n; i++) {
        first[i] = i;
        for (size_t k = 0; k < i; k++)
            if (str_eq(r->images[k].service, r->images[i].service)) {
                first[i] = first[k];
                break;
            }
    }
    /* insertion sort keeps it stable */
    for (size_t i = 1; i < n; i++) {
        struct report_image x = r->images[i];
        size_t fx = first[i];
        size_t j = i;
        while (j > 0) {
            struct report_image *y = &r->images[j - 1];
            int c = kind_rank(y->kind) - kind_rank(x.kind);
            if (c == 0)
                c = (first[j - 1] > fx) - (first[j - 1] < fx);
            if (c == 0)
                c = variant_rank(y->variant) - variant_rank(x.variant);
            if (c <= 0)
                break;
            r->images[j] = r->images[j - 1];
            first[j] = first[j - 1];
            j--;
        }
        r->images[j] = x;
        first[j] = fx;
    }
    free(first);
}

static int add_profile_seen(struct report *r, const char *name)
{
    if (str_eq(name, "-"))
        return 0;
    for (size_t i = 0; i < r->nprofiles_seen; i++)
        if (str_eq(r->profiles_seen[i], name))
            return 0;
    const char **p = realloc((void *)r->profiles_seen, (r->nprofiles_seen + 1) * sizeof *p);
    if (p == NULL)
        return -1;
    p[r->nprofiles_seen++] = name;
    r->profiles_seen = p;
    return 0;
}

const struct report_group *report_find(const struct report *r, const char *phase,
                                       const char *service, const char *variant,
                                       const char *profile, const char *metric)
{
    for (size_t i = 0; i < r->ngroups; i++) {
        const struct report_group *g = &r->groups[i];
        if (str_eq(g->phase, phase) && str_eq(g->service, service) &&
            str_eq(g->variant, variant) && str_eq(g->profile, profile) &&
            str_eq(g->metric, metric))
            return g;
    }
    return NULL;
}

double report_median(const struct report *r, const char *phase, const char *service,
                     const char *variant, const char *profile, const char *metric)
{
    const struct report_group *g = report_find(r, phase, service, variant, profile, metric);
    if (g == NULL || !g->has_stats)
        return -1;
    return g->st.median;
}

static const struct profile *profile_get(const struct report *r, const char *name)
{
    for (size_t i = 0; i < r->profiles.n; i++)
        if (str_eq(r->profiles.v[i].name, name))
            return &r->profiles.v[i];
    return NULL;
}

static int compute_model(struct report *r)
{
    for (size_t i = 0; i < r->nimages; i++) {
        const struct report_image *im = &r->images[i];
        double wire = report_median(r, "size", im->service, im->variant, "-", "bytes_wire");
        double layers = report_median(r, "size", im->service, im->variant, "-", "layers");
        double fixed = report_median(r, "pull_cold", im->service, im->variant, "loopback",
                                     "seconds");
        if (fixed < 0)
            fixed = report_median(r, "unpack", im->service, im->variant, "loopback", "seconds");
        if (fixed < 0)
            fixed = report_median(r, "unpack", im->service, im->variant, "-", "seconds");
        if (wire < 0 || layers < 0 || fixed < 0)
            continue;
        for (size_t k = 0; k < r->nprofiles_seen; k++) {
            const char *pn = r->profiles_seen[k];
            if (str_eq(pn, "loopback"))
                continue;
            const struct profile *p = profile_get(r, pn);
            double measured = report_median(r, "pull_cold", im->service, im->variant, pn,
                                            "seconds");
            if (p == NULL || measured < 0)
                continue;
            struct report_model_row *m = realloc(r->model, (r->nmodel + 1) * sizeof *m);
            if (m == NULL)
                return -1;
            r->model = m;
            struct report_model_row *row = &r->model[r->nmodel++];
            memset(row, 0, sizeof *row);
            row->subject = im->subject;
            row->service = im->service;
            row->variant = im->variant;
            row->kind = im->kind;
            row->profile = p->name;
            row->wire_bytes = (uint64_t)llround(wire);
            row->layers = (size_t)llround(layers);
            row->rate_bps = p->rate_bps;
            row->rtt_ms = p->rtt_ms;
            row->fixed_s = fixed;
            row->round_trips = model_round_trips(row->layers, r->parallel);
            row->predicted_s = model_predict(row->wire_bytes, row->layers, r->parallel,
                                             p->rtt_ms / 1000.0, p->rate_bps, fixed);
            row->measured_s = measured;
            row->error_pct = model_error_pct(row->predicted_s, measured);
        }
    }
    return 0;
}

static struct report_target *target_new(struct report *r)
{
    struct report_target *t = realloc(r->targets, (r->ntargets + 1) * sizeof *t);
    if (t == NULL)
        return NULL;
    r->targets = t;
    t = &r->targets[r->ntargets++];
    memset(t, 0, sizeof *t);
    return t;
}

/* Find the first image with this kind (floor, empty). */
static const struct report_image *image_of_kind(const struct report *r, const char *kind)
{
    for (size_t i = 0; i < r->nimages; i++)
        if (str_eq(r->images[i].kind, kind))
            return &r->images[i];
    return NULL;
}

static int compute_targets(struct report *r)
{
    struct report_target *t;
    static const struct {
        const char *service, *id;
        double kib;
    } sizes[] = {{"hello", "hello_scratch_size", 64}, {"notes", "notes_scratch_size", 400}};
    for (size_t i = 0; i < 2; i++) {
        if ((t = target_new(r)) == NULL)
            return -1;
        double v = report_median(r, "size", sizes[i].service, "scratch", "-", "bytes_wire");
        snprintf(t->id, sizeof t->id, "%s", sizes[i].id);
        t->limit = sizes[i].kib * 1024.0;
        t->unit = "B";
        t->measured = v;
        if (v < 0) {
            snprintf(t->line, sizeof t->line, "`%s:scratch` compressed size ≤ %.0f KiB: —",
                     sizes[i].service, sizes[i].kib);
            t->verdict = REPORT_NOT_MEASURED;
        } else {
            t->verdict = v <= t->limit ? REPORT_PASS : REPORT_SHORT;
            snprintf(t->line, sizeof t->line,
                     "`%s:scratch` compressed size ≤ %.0f KiB: %.1f KiB (%.0f B)",
                     sizes[i].service, sizes[i].kib, v / 1024.0, v);
        }
    }

    if ((t = target_new(r)) == NULL)
        return -1;
    snprintf(t->id, sizeof t->id, "hello_scratch_pull_cloud");
    t->unit = "s";
    {
        const struct report_image *e = image_of_kind(r, "empty");
        double h = report_median(r, "pull_cold", "hello", "scratch", "cloud", "seconds");
        double ev = e ? report_median(r, "pull_cold", e->service, e->variant, "cloud", "seconds")
                      : -1;
        t->measured = h;
        t->limit = ev >= 0 ? 1.2 * ev : -1;
        if (h < 0 || ev < 0) {
            t->verdict = REPORT_NOT_MEASURED;
            snprintf(t->line, sizeof t->line,
                     "`hello:scratch` cold pull on `cloud` ≤ 1.2 × the pull of the empty scratch "
                     "image: — (%s)",
                     h < 0 ? "no hello:scratch cold pull on cloud" : "no empty-image pull on cloud");
        } else {
            t->verdict = h <= t->limit ? REPORT_PASS : REPORT_SHORT;
            snprintf(t->line, sizeof t->line,
                     "`hello:scratch` cold pull on `cloud` ≤ 1.2 × the pull of the empty scratch "
                     "image: %.3f s vs empty %.3f s (%.2f ×)",
                     h, ev, h / ev);
        }
    }

    if ((t = target_new(r)) == NULL)
        return -1;
    snprintf(t->id, sizeof t->id, "hello_scratch_start_vs_floor");
    t->unit = "s";
    {
        const struct report_image *fl = image_of_kind(r, "floor");
        double h = report_median(r, "start_warm", "hello", "scratch", "-", "seconds");
        double fv = fl ? report_median(r, "start_warm", fl->service, fl->variant, "-", "seconds")
                       : -1;
        t->measured = h;
        t->limit = fv >= 0 ? 1.1 * fv : -1;
        if (h < 0 || fv < 0) {
            t->verdict = REPORT_NOT_MEASURED;
            snprintf(t->line, sizeof t->line,
                     "`hello:scratch` start-to-ready ≤ 1.1 × the runtime floor: — (%s)",
                     h < 0 ? "no hello:scratch warm start" : "no runtime floor warm start");
        } else {
            t->verdict = h <= t->limit ? REPORT_PASS : REPORT_SHORT;
            snprintf(t->line, sizeof t->line,
                     "`hello:scratch` start-to-ready ≤ 1.1 × the runtime floor: %.1f ms vs floor "
                     "%.1f ms (%.2f ×)",
                     h * 1000.0, fv * 1000.0, h / fv);
        }
    }

    /* Static musl variants vs naive, per service (services only). */
    size_t nstatic = 0;
    for (size_t i = 0; i < r->nimages; i++) {
        const struct report_image *im = &r->images[i];
        if (!str_eq(im->kind, "service") || str_eq(im->variant, "naive"))
            continue;
        if (!str_eq(im->variant, "alpine") && !str_eq(im->variant, "scratch"))
            continue;
        if ((t = target_new(r)) == NULL)
            return -1;
        nstatic++;
        snprintf(t->id, sizeof t->id, "%s_%s_rps_vs_naive", im->service, im->variant);
        t->unit = "req/s";
        double v = report_median(r, "load", im->service, im->variant, "-", "rps");
        double nv = report_median(r, "load", im->service, "naive", "-", "rps");
        t->measured = v;
        t->limit = nv >= 0 ? 0.9 * nv : -1;
        if (v < 0 || nv < 0) {
            t->verdict = REPORT_NOT_MEASURED;
            snprintf(t->line, sizeof t->line,
                     "`%s:%s` (static musl) ≥ 0.9 × req/s of `%s:naive`: —",
                     im->service, im->variant, im->service);
        } else {
            t->verdict = v >= t->limit ? REPORT_PASS : REPORT_SHORT;
            snprintf(t->line, sizeof t->line,
                     "`%s:%s` (static musl) ≥ 0.9 × req/s of `%s:naive`: %.0f req/s vs %.0f "
                     "req/s (%.2f ×)",
                     im->service, im->variant, im->service, v, nv, v / nv);
        }
    }
    if (nstatic == 0) {
        if ((t = target_new(r)) == NULL)
            return -1;
        snprintf(t->id, sizeof t->id, "static_rps_vs_naive");
        t->unit = "req/s";
        t->measured = t->limit = -1;
        t->verdict = REPORT_NOT_MEASURED;
        snprintf(t->line, sizeof t->line,
                 "static musl variants (alpine, scratch) ≥ 0.9 × req/s of naive: — (no static "
                 "variant in this run)");
    }
    return 0;
}

int report_compute(struct report *r, char *err, size_t errlen)
{
    if (r->parallel == 0)
        r->parallel = MODEL_DEFAULT_PARALLEL;
    for (size_t i = 0; i < r->profiles.n; i++)
        if (add_profile_seen(r, r->profiles.v[i].name) < 0)
            goto oom;
    for (size_t i = 0; i < r->samples.n; i++) {
        const struct sample *s = &r->samples.v[i];
        struct report_group *g = group_get(r, s);
        if (g == NULL || add_image(r, s) < 0)
            goto oom;
        if ((str_eq(s->phase, "pull_cold") || str_eq(s->phase, "pull_warm")) &&
            add_profile_seen(r, s->profile) < 0)
            goto oom;
        if (!s->ok) {
            g->n_fail++;
            continue;
        }
        if (s->warmup) {
            g->n_warmup++;
            continue;
        }
        if (g->n == g->cap) {
            size_t nc = g->cap ? g->cap * 2 : 16;
            double *p = realloc(g->vals, nc * sizeof *p);
            if (p == NULL)
                goto oom;
            g->vals = p;
            g->cap = nc;
        }
        g->vals[g->n++] = s->value;
    }
    for (size_t i = 0; i < r->ngroups; i++) {
        struct report_group *g = &r->groups[i];
        if (g->n > 0) {
            if (stats_compute(g->vals, g->n, &g->st) < 0)
                goto oom;
            g->has_stats = 1;
        }
    }
    sort_images(r);
    if (compute_model(r) < 0 || compute_targets(r) < 0)
        goto oom;
    return 0;
oom:
    snprintf(err, errlen, "cannot compute the report: out of memory");
    return -1;
}

int report_load(struct report *r, const char *dir, char *err, size_t errlen)
{
    char path[4096];
    unsigned parallel = r->parallel;
    memset(r, 0, sizeof *r);
    r->parallel = parallel;
    snprintf(path, sizeof path, "%s/samples.csv", dir);
    if (samples_load(path, &r->samples, err, errlen) < 0)
        return -1;
    char e2[512];
    snprintf(path, sizeof path, "%s/profiles.csv", dir);
    if (samples_load_profiles(path, &r->profiles, e2, sizeof e2) == 0)
        r->have_profiles = 1;
    else
        fprintf(stderr, "benchreport: warning: %s\n", e2);
    snprintf(path, sizeof path, "%s/linkcheck.csv", dir);
    if (samples_load_linkcheck(path, &r->linkcheck, e2, sizeof e2) == 0)
        r->have_linkcheck = 1;
    else
        fprintf(stderr, "benchreport: warning: %s\n", e2);
    snprintf(path, sizeof path, "%s/env.json", dir);
    json_error_t je;
    r->env = json_load_file(path, 0, &je);
    if (r->env == NULL) {
        snprintf(r->env_note, sizeof r->env_note, "env.json unreadable: %s (line %d)", je.text,
                 je.line);
        fprintf(stderr, "benchreport: warning: %s\n", r->env_note);
    }
    if (report_compute(r, err, errlen) < 0) {
        report_free(r);
        return -1;
    }
    return 0;
}

/* ---- env.json helpers ---- */

static json_t *env_bases(const struct report *r)
{
    if (r->env == NULL)
        return NULL;
    json_t *b = json_object_get(r->env, "bases");
    return (json_is_array(b) || json_is_object(b)) ? b : NULL;
}

static const char *base_str(json_t *b, const char *key)
{
    const char *s = json_string_value(json_object_get(b, key));
    return s ? s : "";
}

int report_alpine_standin(const struct report *r)
{
    json_t *bases = env_bases(r);
    if (bases == NULL)
        return 0;
    if (json_is_array(bases)) {
        size_t i;
        json_t *b;
        json_array_foreach(bases, i, b) {
            if (strstr(base_str(b, "name"), "alpine") && str_eq(base_str(b, "kind"), "local-standin"))
                return 1;
        }
    } else {
        const char *k;
        json_t *b;
        json_object_foreach(bases, k, b) {
            const char *name = *base_str(b, "name") ? base_str(b, "name") : k;
            if (strstr(name, "alpine") && str_eq(base_str(b, "kind"), "local-standin"))
                return 1;
        }
    }
    return 0;
}

/* ---- formatting ---- */

static void fmt_bytes(double b, char *buf, size_t n)
{
    if (b < 1024)
        snprintf(buf, n, "%.0f B", b);
    else if (b < 1024.0 * 1024)
        snprintf(buf, n, "%.1f KiB", b / 1024.0);
    else if (b < 1024.0 * 1024 * 1024)
        snprintf(buf, n, "%.1f MiB", b / 1048576.0);
    else
        snprintf(buf, n, "%.2f GiB", b / 1073741824.0);
}

static void fmt_rate(double bps, char *buf, size_t n)
{
    if (bps <= 0)
        snprintf(buf, n, "unlimited");
    else if (bps >= 1e9)
        snprintf(buf, n, "%.3f Gbit/s", bps / 1e9);
    else if (bps >= 1e6)
        snprintf(buf, n, "%.2f Mbit/s", bps / 1e6);
    else
        snprintf(buf, n, "%.1f kbit/s", bps / 1e3);
}

static const char *label(const struct report *r, const struct report_image *im, char *buf,
                         size_t n)
{
    if (str_eq(im->kind, "service")) {
        if (str_eq(im->variant, "alpine") && report_alpine_standin(r))
            snprintf(buf, n, "%s:alpine (stand-in)", im->service);
        else
            snprintf(buf, n, "%s:%s", im->service, im->variant);
    } else if (str_eq(im->kind, "peer")) {
        snprintf(buf, n, "%s (peer)", im->service);
    } else if (str_eq(im->kind, "floor")) {
        snprintf(buf, n, "runtime floor");
    } else if (str_eq(im->kind, "empty")) {
        snprintf(buf, n, "empty image");
    } else {
        snprintf(buf, n, "%s:%s", im->service, im->variant);
    }
    return buf;
}

static void fail_suffix(const struct report_group *g, char *buf, size_t n)
{
    if (g != NULL && g->n_fail > 0)
        snprintf(buf, n, " (%zu failed)", g->n_fail);
    else
        buf[0] = '\0';
}

/* "median [p95]" with scale and decimals, or "—" / "failed". */
static void cell_med_p95(const struct report_group *g, double scale, int dec, char *buf,
                         size_t n)
{
    char fs[32];
    fail_suffix(g, fs, sizeof fs);
    if (g == NULL)
        snprintf(buf, n, "—");
    else if (!g->has_stats)
        snprintf(buf, n, "failed%s", fs);
    else
        snprintf(buf, n, "%.*f [%.*f]%s", dec, g->st.median * scale, dec, g->st.p95 * scale, fs);
}

static void cell_med(const struct report_group *g, double scale, int dec, char *buf, size_t n)
{
    char fs[32];
    fail_suffix(g, fs, sizeof fs);
    if (g == NULL)
        snprintf(buf, n, "—");
    else if (!g->has_stats)
        snprintf(buf, n, "failed%s", fs);
    else
        snprintf(buf, n, "%.*f%s", dec, g->st.median * scale, fs);
}

static void cell_bytes(const struct report_group *g, char *buf, size_t n)
{
    if (g == NULL)
        snprintf(buf, n, "—");
    else if (!g->has_stats)
        snprintf(buf, n, "failed");
    else
        fmt_bytes(g->st.median, buf, n);
}

static void cell_start(const struct report_group *g, char *buf, size_t n)
{
    char fs[32];
    fail_suffix(g, fs, sizeof fs);
    if (g == NULL)
        snprintf(buf, n, "—");
    else if (!g->has_stats)
        snprintf(buf, n, "failed%s", fs);
    else
        snprintf(buf, n, "%.1f (%.1f) %.1f%s", g->st.median * 1000, g->st.mad * 1000,
                 g->st.p95 * 1000, fs);
}

static void write_env(const struct report *r, FILE *f)
{
    fprintf(f, "## Environment\n\n");
    if (r->env == NULL) {
        fprintf(f, "Not recorded: %s.\n\n", r->env_note);
        return;
    }
    fprintf(f, "| key | value |\n|---|---|\n");
    const char *k;
    json_t *v;
    json_object_foreach(r->env, k, v) {
        if (json_is_string(v)) {
            fprintf(f, "| %s | %s |\n", k, json_string_value(v));
        } else if (json_is_integer(v) || json_is_real(v) || json_is_boolean(v)) {
            char *s = json_dumps(v, JSON_ENCODE_ANY);
            fprintf(f, "| %s | %s |\n", k, s ? s : "");
            free(s);
        } else if (json_is_object(v) && !str_eq(k, "bases")) {
            const char *k2;
            json_t *v2;
            json_object_foreach(v, k2, v2) {
                if (json_is_object(v2) || json_is_array(v2))
                    continue;
                char *s = json_is_string(v2) ? NULL : json_dumps(v2, JSON_ENCODE_ANY);
                fprintf(f, "| %s.%s | %s |\n", k, k2, s ? s : json_string_value(v2));
                free(s);
            }
        }
    }
    fprintf(f, "\n");
    /* arrays of objects (images, bases, ...) as their own tables */
    json_object_foreach(r->env, k, v) {
        if (!json_is_array(v) || json_array_size(v) == 0 ||
            !json_is_object(json_array_get(v, 0)))
            continue;
        json_t *first = json_array_get(v, 0);
        fprintf(f, "### %s\n\n|", k);
        const char *ck;
        json_t *cv;
        size_t ncol = 0;
        json_object_foreach(first, ck, cv) {
            fprintf(f, " %s |", ck);
            ncol++;
        }
        fprintf(f, "\n|");
        for (size_t i = 0; i < ncol; i++)
            fprintf(f, "---|");
        fprintf(f, "\n");
        size_t i;
        json_t *row;
        json_array_foreach(v, i, row) {
            fprintf(f, "|");
            json_object_foreach(first, ck, cv) {
                json_t *x = json_object_get(row, ck);
                if (json_is_string(x)) {
                    fprintf(f, " %s |", json_string_value(x));
                } else if (x != NULL) {
                    char *s = json_dumps(x, JSON_ENCODE_ANY | JSON_COMPACT);
                    fprintf(f, " %s |", s ? s : "");
                    free(s);
                } else {
                    fprintf(f, " |");
                }
            }
            fprintf(f, "\n");
        }
        fprintf(f, "\n");
    }
    json_t *bases = env_bases(r);
    int standin = 0;
    if (json_is_array(bases)) {
        size_t i;
        json_t *b;
        json_array_foreach(bases, i, b) {
            if (str_eq(base_str(b, "kind"), "local-standin")) {
                standin = 1;
                const char *name = base_str(b, "name");
                fprintf(f, "- base `%s` is a local stand-in%s.\n", name,
                        strstr(name, "alpine") ? ": alpine stand-in, not upstream alpine"
                                               : ", not the upstream image");
            }
        }
    } else if (json_is_object(bases)) {
        const char *bk;
        json_t *b;
        json_object_foreach(bases, bk, b) {
            if (str_eq(base_str(b, "kind"), "local-standin")) {
                standin = 1;
                const char *name = *base_str(b, "name") ? base_str(b, "name") : bk;
                fprintf(f, "- base `%s` is a local stand-in%s.\n", name,
                        strstr(name, "alpine") ? ": alpine stand-in, not upstream alpine"
                                               : ", not the upstream image");
            }
        }
    }
    if (standin)
        fprintf(f, "\n");
    if (report_alpine_standin(r))
        fprintf(f, "Every `alpine` variant below was built on the alpine stand-in, not upstream "
                   "alpine; its rows say `(stand-in)`.\n\n");
}

static void write_linkcheck(const struct report *r, FILE *f)
{
    fprintf(f, "## Link emulator self-test\n\n");
    if (!r->have_linkcheck) {
        fprintf(f, "Not recorded (no readable linkcheck.csv).\n\n");
        return;
    }
    fprintf(f, "| profile | target rate | measured rate | target RTT | measured RTT | status |\n"
               "|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < r->linkcheck.n; i++) {
        const struct linkcheck *l = &r->linkcheck.v[i];
        char a[32], b[32];
        fmt_rate(l->target_rate_bps, a, sizeof a);
        fmt_rate(l->measured_rate_bps, b, sizeof b);
        fprintf(f, "| %s | %s | %s | %.3f ms | %.3f ms | %s |\n", l->profile, a, b,
                l->target_rtt_ms, l->measured_rtt_ms, l->status);
    }
    fprintf(f, "\n");
}

static int image_in_table(const struct report_image *im, const char *service)
{
    if (service == NULL)
        return str_eq(im->kind, "floor") || str_eq(im->kind, "empty");
    return (str_eq(im->kind, "service") && str_eq(im->service, service)) ||
           str_eq(im->kind, "peer");
}

static void write_image_tables(const struct report *r, FILE *f, const char *service)
{
    char lb[96], c1[64], c2[64], c3[64], c4[64], c5[64], c6[64];
    double naive = service ? report_median(r, "size", service, "naive", "-", "bytes_wire") : -1;

    fprintf(f, "### Size\n\n| image | compressed (wire) | × naive | uncompressed | layers | blobs "
               "| files |\n|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < r->nimages; i++) {
        const struct report_image *im = &r->images[i];
        if (!image_in_table(im, service))
            continue;
        const struct report_group *w = report_find(r, "size", im->service, im->variant, "-", "bytes_wire");
        cell_bytes(w, c1, sizeof c1);
        if (w != NULL && w->has_stats && naive > 0)
            snprintf(c2, sizeof c2, "%.3f", w->st.median / naive);
        else
            snprintf(c2, sizeof c2, "—");
        cell_bytes(report_find(r, "size", im->service, im->variant, "-", "bytes_uncompressed"), c3,
                   sizeof c3);
        cell_med(report_find(r, "size", im->service, im->variant, "-", "layers"), 1, 0, c4, sizeof c4);
        cell_med(report_find(r, "size", im->service, im->variant, "-", "blobs"), 1, 0, c5, sizeof c5);
        cell_med(report_find(r, "size", im->service, im->variant, "-", "files"), 1, 0, c6, sizeof c6);
        fprintf(f, "| %s | %s | %s | %s | %s | %s | %s |\n", label(r, im, lb, sizeof lb), c1, c2,
                c3, c4, c5, c6);
    }
    fprintf(f, "\n");

    if (r->nprofiles_seen > 0) {
        fprintf(f, "### Pull time (s, median [p95])\n\n| image |");
        for (size_t k = 0; k < r->nprofiles_seen; k++)
            fprintf(f, " cold %s |", r->profiles_seen[k]);
        for (size_t k = 0; k < r->nprofiles_seen; k++)
            fprintf(f, " warm %s |", r->profiles_seen[k]);
        fprintf(f, "\n|---|");
        for (size_t k = 0; k < 2 * r->nprofiles_seen; k++)
            fprintf(f, "---|");
        fprintf(f, "\n");
        for (size_t i = 0; i < r->nimages; i++) {
            const struct report_image *im = &r->images[i];
            if (!image_in_table(im, service))
                continue;
            fprintf(f, "| %s |", label(r, im, lb, sizeof lb));
            static const char *const ph[] = {"pull_cold", "pull_warm"};
            for (int p = 0; p < 2; p++)
                for (size_t k = 0; k < r->nprofiles_seen; k++) {
                    cell_med_p95(report_find(r, ph[p], im->service, im->variant,
                                             r->profiles_seen[k], "seconds"),
                                 1, 3, c1, sizeof c1);
                    fprintf(f, " %s |", c1);
                }
            fprintf(f, "\n");
        }
        fprintf(f, "\n");
    }

    fprintf(f, "### Start, load, memory, build\n\nStart-to-ready in ms as median (MAD) p95. Load: "
               "median over repetitions.\n\n"
               "| image | start warm ms | start cold ms | req/s | p99 ms | RSS idle KiB | RSS load "
               "KiB | build cold s | rebuild s |\n|---|---|---|---|---|---|---|---|---|\n");
    for (size_t i = 0; i < r->nimages; i++) {
        const struct report_image *im = &r->images[i];
        if (!image_in_table(im, service))
            continue;
        char c7[64], c8[64];
        cell_start(report_find(r, "start_warm", im->service, im->variant, "-", "seconds"), c1, sizeof c1);
        cell_start(report_find(r, "start_cold", im->service, im->variant, "-", "seconds"), c2, sizeof c2);
        cell_med(report_find(r, "load", im->service, im->variant, "-", "rps"), 1, 0, c3, sizeof c3);
        cell_med(report_find(r, "load", im->service, im->variant, "-", "p99_ms"), 1, 2, c4, sizeof c4);
        cell_med(report_find(r, "load", im->service, im->variant, "-", "rss_idle_kib"), 1, 0, c5, sizeof c5);
        cell_med(report_find(r, "load", im->service, im->variant, "-", "rss_load_kib"), 1, 0, c6, sizeof c6);
        cell_med(report_find(r, "build_cold", im->service, im->variant, "-", "seconds"), 1, 1, c7, sizeof c7);
        cell_med(report_find(r, "build_rebuild", im->service, im->variant, "-", "seconds"), 1, 1, c8, sizeof c8);
        fprintf(f, "| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n", label(r, im, lb, sizeof lb),
                c1, c2, c3, c4, c5, c6, c7, c8);
    }
    fprintf(f, "\n");
}

static int has_phase_prefix(const struct report *r, const char *prefix)
{
    for (size_t i = 0; i < r->ngroups; i++)
        if (strncmp(r->groups[i].phase, prefix, strlen(prefix)) == 0)
            return 1;
    return 0;
}

/* Pod start-up on Kubernetes (benchmarks/k8s): seconds after the pod's
 * creationTimestamp, 1 s resolution except the kubelet's pull duration. */
static void write_k8s(const struct report *r, FILE *f)
{
    if (!has_phase_prefix(r, "k8s_"))
        return;
    fprintf(f, "## Kubernetes pod start-up\n\nSeconds after the pod's creation, median [p95]; "
               "Kubernetes records these times with 1 s resolution, except the kubelet's own pull "
               "duration. Scale-out: Deployment 0 → N replicas, time until all are Ready.\n\n"
               "| image | cold: scheduled | cold: kubelet pull | cold: started | cold: ready "
               "| warm: started | warm: ready | scale: all ready | scale: wall |\n"
               "|---|---|---|---|---|---|---|---|---|\n");
    static const struct {
        const char *phase, *metric;
    } cols[] = {
        {"k8s_cold", "scheduled_s"}, {"k8s_cold", "pull_reported_s"}, {"k8s_cold", "started_s"},
        {"k8s_cold", "ready_s"},     {"k8s_warm", "started_s"},       {"k8s_warm", "ready_s"},
        {"k8s_scale", "all_ready_s"}, {"k8s_scale", "wall_s"},
    };
    char lb[96], cell[64];
    for (size_t i = 0; i < r->nimages; i++) {
        const struct report_image *im = &r->images[i];
        int any = 0;
        for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++)
            any |= report_find(r, cols[k].phase, im->service, im->variant, "-", cols[k].metric) != NULL;
        if (!any)
            continue;
        fprintf(f, "| %s |", label(r, im, lb, sizeof lb));
        for (size_t k = 0; k < sizeof cols / sizeof cols[0]; k++) {
            cell_med_p95(report_find(r, cols[k].phase, im->service, im->variant, "-", cols[k].metric),
                         1, 3, cell, sizeof cell);
            fprintf(f, " %s |", cell);
        }
        fprintf(f, "\n");
    }
    fprintf(f, "\n");
}

const char *report_verdict_name(enum report_verdict v)
{
    switch (v) {
    case REPORT_PASS:
        return "pass";
    case REPORT_SHORT:
        return "falls short";
    default:
        return "not measured";
    }
}

int report_write_md(const struct report *r, FILE *f)
{
    size_t nfail = 0, nwarm = 0;
    for (size_t i = 0; i < r->samples.n; i++) {
        nfail += !r->samples.v[i].ok;
        nwarm += r->samples.v[i].warmup;
    }
    fprintf(f, "# Benchmark report\n\n"
               "Generated by `benchreport` from the files of this folder, never typed. "
               "samples.csv: %zu samples, %zu failed (kept, listed below), %zu warm-ups "
               "(excluded from statistics). Cells give the median over the ok, non-warm-up "
               "samples; p95 is interpolated between closest ranks; MAD is the median absolute "
               "deviation; values more than 3 × 1.4826 × MAD from the median (3 σ for normal data) are flagged as outliers, not "
               "dropped. `—` means not measured.\n\n",
            r->samples.n, nfail, nwarm);
    write_env(r, f);
    write_linkcheck(r, f);

    /* per service, in image order */
    for (size_t i = 0; i < r->nimages; i++) {
        const struct report_image *im = &r->images[i];
        if (!str_eq(im->kind, "service"))
            continue;
        int first = 1;
        for (size_t k = 0; k < i; k++)
            if (str_eq(r->images[k].kind, "service") && str_eq(r->images[k].service, im->service))
                first = 0;
        if (!first)
            continue;
        fprintf(f, "## Service `%s`\n\nPeers (rows marked `(peer)`) are reference images "
                   "measured in the same run, not variants of this service.\n\n", im->service);
        write_image_tables(r, f, im->service);
    }
    fprintf(f, "## Runtime floor and empty image\n\nThe runtime floor is the smallest static "
               "responder on scratch; the empty image is the protocol's floor for pulls.\n\n");
    write_image_tables(r, f, NULL);

    write_k8s(r, f);

    fprintf(f, "## Pull-time model\n\npredicted = round trips × RTT + wire bytes / rate + fixed "
               "cost (the loopback cold pull of the same image); %u concurrent layer downloads "
               "assumed. See docs/benchmarks-analysis.md.\n\n", r->parallel);
    if (r->nmodel == 0) {
        fprintf(f, "No rows: needs size, a loopback cold pull and cold pulls on other profiles "
                   "(with profiles.csv).\n\n");
    } else {
        fprintf(f, "| image | profile | round trips | wire | fixed s | predicted s | measured s "
                   "| error |\n|---|---|---|---|---|---|---|---|\n");
        for (size_t i = 0; i < r->nmodel; i++) {
            const struct report_model_row *m = &r->model[i];
            struct report_image im = {.subject = m->subject, .service = m->service,
                                      .variant = m->variant, .kind = m->kind};
            char lb[96], wb[32];
            fmt_bytes((double)m->wire_bytes, wb, sizeof wb);
            fprintf(f, "| %s | %s | %u | %s | %.3f | %.3f | %.3f | %+.1f %% |\n",
                    label(r, &im, lb, sizeof lb), m->profile, m->round_trips, wb, m->fixed_s,
                    m->predicted_s, m->measured_s, m->error_pct);
        }
        fprintf(f, "\n");
    }

    fprintf(f, "## Outliers\n\n");
    int any = 0;
    for (size_t i = 0; i < r->ngroups; i++) {
        const struct report_group *g = &r->groups[i];
        if (!g->has_stats || g->st.outliers == 0)
            continue;
        any = 1;
        fprintf(f, "- %s `%s` %s %s: %zu of %zu beyond 3 × 1.4826 MAD (median %g, MAD %g):", g->phase,
                g->subject, g->profile, g->metric, g->st.outliers, g->n, g->st.median, g->st.mad);
        for (size_t k = 0; k < g->n; k++)
            if (stats_is_outlier(g->vals[k], g->st.median, g->st.mad))
                fprintf(f, " %g", g->vals[k]);
        fprintf(f, "\n");
    }
    fprintf(f, any ? "\n" : "None.\n\n");

    fprintf(f, "## Failures\n\n");
    if (nfail == 0) {
        fprintf(f, "None.\n\n");
    } else {
        fprintf(f, "| line | phase | subject | profile | rep | metric | detail |\n"
                   "|---|---|---|---|---|---|---|\n");
        for (size_t i = 0; i < r->samples.n; i++) {
            const struct sample *s = &r->samples.v[i];
            if (s->ok)
                continue;
            fprintf(f, "| %zu | %s | %s | %s | %ld%s | %s | ", s->line, s->phase, s->subject,
                    s->profile, s->rep, s->warmup ? " (warm-up)" : "", s->metric);
            for (const char *p = s->detail; *p; p++) {
                if (*p == '|')
                    fputs("\\|", f);
                else if (*p == '\n' || *p == '\r')
                    fputc(' ', f);
                else
                    fputc(*p, f);
            }
            fprintf(f, " |\n");
        }
        fprintf(f, "\n");
    }

    fprintf(f, "## Targets\n\n");
    for (size_t i = 0; i < r->ntargets; i++)
        fprintf(f, "- %s → **%s**\n", r->targets[i].line,
                report_verdict_name(r->targets[i].verdict));
    fprintf(f, "\n## Charts\n\n");
    if (r->charts_note[0] != '\0')
        fprintf(f, "%s\n\n", r->charts_note);
    fprintf(f, "![compressed size](charts/size.svg)\n\n![pull time](charts/pull.svg)\n\n"
               "![start-to-ready](charts/start.svg)\n");
    return ferror(f) ? -1 : 0;
}

static json_t *num_or_null(double v)
{
    return v < 0 ? json_null() : json_real(v);
}

json_t *report_summary_json(const struct report *r)
{
    json_t *root = json_object();
    json_t *groups = json_array();
    json_t *model = json_array();
    json_t *targets = json_array();
    json_t *fails = json_array();
    json_t *links = json_array();
    json_t *images = json_array();
    if (root == NULL || groups == NULL || model == NULL || targets == NULL || fails == NULL ||
        links == NULL || images == NULL)
        goto fail;
    json_object_set_new(root, "generator", json_string("benchreport"));
    json_object_set_new(root, "samples", json_integer((json_int_t)r->samples.n));
    json_object_set_new(root, "alpine_standin", json_boolean(report_alpine_standin(r)));
    for (size_t i = 0; i < r->nimages; i++) {
        const struct report_image *im = &r->images[i];
        json_array_append_new(images, json_pack("{s:s,s:s,s:s,s:s}", "subject", im->subject,
                                                "service", im->service, "variant", im->variant,
                                                "kind", im->kind));
    }
    for (size_t i = 0; i < r->ngroups; i++) {
        const struct report_group *g = &r->groups[i];
        json_t *o = json_pack("{s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:s,s:I,s:I,s:I}", "phase", g->phase,
                              "subject", g->subject, "service", g->service, "variant",
                              g->variant, "kind", g->kind, "profile", g->profile, "metric",
                              g->metric, "unit", g->unit, "n", (json_int_t)g->n, "failed",
                              (json_int_t)g->n_fail, "warmups", (json_int_t)g->n_warmup);
        if (o == NULL)
            goto fail;
        if (g->has_stats) {
            json_object_set_new(o, "median", json_real(g->st.median));
            json_object_set_new(o, "p95", json_real(g->st.p95));
            json_object_set_new(o, "min", json_real(g->st.min));
            json_object_set_new(o, "max", json_real(g->st.max));
            json_object_set_new(o, "mad", json_real(g->st.mad));
            json_object_set_new(o, "mean", json_real(g->st.mean));
            json_t *out = json_array();
            for (size_t k = 0; k < g->n; k++)
                if (stats_is_outlier(g->vals[k], g->st.median, g->st.mad))
                    json_array_append_new(out, json_real(g->vals[k]));
            json_object_set_new(o, "outliers", out);
        }
        json_t *vals = json_array();
        for (size_t k = 0; k < g->n; k++)
            json_array_append_new(vals, json_real(g->vals[k]));
        json_object_set_new(o, "values", vals);
        json_array_append_new(groups, o);
    }
    for (size_t i = 0; i < r->nmodel; i++) {
        const struct report_model_row *m = &r->model[i];
        json_array_append_new(
            model, json_pack("{s:s,s:s,s:I,s:f,s:I,s:I,s:i,s:f,s:f,s:f,s:f}", "subject",
                             m->subject, "profile", m->profile, "rate_bps",
                             (json_int_t)m->rate_bps, "rtt_ms", m->rtt_ms, "wire_bytes",
                             (json_int_t)m->wire_bytes, "layers", (json_int_t)m->layers,
                             "round_trips", (int)m->round_trips, "fixed_s", m->fixed_s,
                             "predicted_s", m->predicted_s, "measured_s", m->measured_s,
                             "error_pct", m->error_pct));
    }
    for (size_t i = 0; i < r->ntargets; i++) {
        const struct report_target *t = &r->targets[i];
        json_t *o = json_pack("{s:s,s:s,s:s,s:s}", "id", t->id, "text", t->line, "unit", t->unit,
                              "verdict", report_verdict_name(t->verdict));
        json_object_set_new(o, "measured", num_or_null(t->measured));
        json_object_set_new(o, "limit", num_or_null(t->limit));
        json_array_append_new(targets, o);
    }
    for (size_t i = 0; i < r->samples.n; i++) {
        const struct sample *s = &r->samples.v[i];
        if (s->ok)
            continue;
        json_array_append_new(fails, json_pack("{s:I,s:s,s:s,s:s,s:I,s:b,s:s,s:s}", "line",
                                               (json_int_t)s->line, "phase", s->phase, "subject",
                                               s->subject, "profile", s->profile, "rep",
                                               (json_int_t)s->rep, "warmup", s->warmup, "metric",
                                               s->metric, "detail", s->detail));
    }
    for (size_t i = 0; i < r->linkcheck.n; i++) {
        const struct linkcheck *l = &r->linkcheck.v[i];
        json_array_append_new(links, json_pack("{s:s,s:f,s:f,s:f,s:f,s:s}", "profile",
                                               l->profile, "target_rate_bps", l->target_rate_bps,
                                               "measured_rate_bps", l->measured_rate_bps,
                                               "target_rtt_ms", l->target_rtt_ms,
                                               "measured_rtt_ms", l->measured_rtt_ms, "status",
                                               l->status));
    }
    json_object_set_new(root, "images", images);
    json_object_set_new(root, "groups", groups);
    json_object_set_new(root, "model", model);
    json_object_set_new(root, "targets", targets);
    json_object_set_new(root, "failures", fails);
    json_object_set_new(root, "linkcheck", links);
    if (r->env != NULL)
        json_object_set(root, "env", r->env);
    return root;
fail:
    json_decref(root);
    json_decref(groups);
    json_decref(model);
    json_decref(targets);
    json_decref(fails);
    json_decref(links);
    json_decref(images);
    return NULL;
}

void report_free(struct report *r)
{
    for (size_t i = 0; i < r->ngroups; i++)
        free(r->groups[i].vals);
    free(r->groups);
    free(r->images);
    free(r->model);
    free(r->targets);
    free((void *)r->profiles_seen);
    samples_free(&r->samples);
    samples_free_profiles(&r->profiles);
    samples_free_linkcheck(&r->linkcheck);
    json_decref(r->env);
    memset(r, 0, sizeof *r);
}
