/* k8s-phases: recorded kubectl JSON -> samples.csv rows (no header).
 *
 *   k8s-phases --pod POD.json --events EVENTS.json --phase k8s_cold|k8s_warm
 *              --subject REF --service S --variant V --kind K --rep N
 *              [--warmup 0|1] [--container NAME]
 *   k8s-phases --scale --pods PODLIST.json --start RFC3339 --replicas N
 *              --subject REF --service S --variant V --kind K --rep N
 *              [--warmup 0|1]
 *
 * Pod mode metrics (seconds after metadata.creationTimestamp, unit s):
 * scheduled_s, pulling_s, pulled_s, started_s, ready_s, and pull_reported_s
 * (the kubelet's own "Successfully pulled image ... in Xs"). Scale mode
 * (phase k8s_scale): first_ready_s, all_ready_s (after --start), ready_pods
 * (count). A phase that did not happen gives a fail row saying why.
 * Exit 0 ok, 1 bad input, 2 usage. See docs/benchmarks-analysis.md. */
#include "csv.h"
#include "k8s.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rowkey {
    const char *phase, *subject, *service, *variant, *kind;
    long rep;
    int warmup;
};

static void row(const struct rowkey *k, const char *metric, double value, const char *unit,
                const char *fail_detail)
{
    const char *keys[] = {k->phase, k->subject, k->service, k->variant, k->kind};
    for (size_t i = 0; i < 5; i++) {
        csv_write_field(stdout, keys[i]);
        fputc(',', stdout);
    }
    printf("-,%ld,%d,%s,", k->rep, k->warmup, metric);
    if (fail_detail == NULL) {
        printf("%.3f,%s,ok,\n", value, unit);
    } else {
        printf(",%s,fail,", unit);
        csv_write_field(stdout, fail_detail);
        fputc('\n', stdout);
    }
}

static void since(const struct rowkey *k, const char *metric, double t, double t0,
                  const char *why)
{
    if (t < 0)
        row(k, metric, 0, "s", why);
    else
        row(k, metric, t - t0, "s", NULL);
}

static void usage(FILE *f)
{
    fprintf(f, "usage: k8s-phases --pod POD.json --events EVENTS.json --phase k8s_cold|k8s_warm\n"
               "                  --subject REF --service S --variant V --kind K --rep N\n"
               "                  [--warmup 0|1] [--container NAME]\n"
               "       k8s-phases --scale --pods PODLIST.json --start RFC3339 --replicas N\n"
               "                  --subject REF --service S --variant V --kind K --rep N\n"
               "                  [--warmup 0|1]\n");
}

int main(int argc, char **argv)
{
    const char *pod = NULL, *events = NULL, *pods = NULL, *start = NULL, *container = NULL;
    const char *rep = NULL, *warmup = "0", *replicas = NULL;
    struct rowkey k = {0};
    int scale = 0;
    static const char *const opts[] = {"--pod",     "--events",  "--phase",   "--subject",
                                       "--service", "--variant", "--kind",    "--rep",
                                       "--warmup",  "--container", "--pods",  "--start",
                                       "--replicas"};
    const char **dst[] = {&pod,       &events,  &k.phase, &k.subject, &k.service,
                          &k.variant, &k.kind,  &rep,     &warmup,    &container,
                          &pods,      &start,   &replicas};
    for (int i = 1; i < argc; i++) {
        if (strcmp(argv[i], "--scale") == 0) {
            scale = 1;
            continue;
        }
        if (strcmp(argv[i], "-h") == 0 || strcmp(argv[i], "--help") == 0) {
            usage(stdout);
            return 0;
        }
        size_t o;
        for (o = 0; o < sizeof opts / sizeof opts[0]; o++)
            if (strcmp(argv[i], opts[o]) == 0)
                break;
        if (o == sizeof opts / sizeof opts[0] || i + 1 >= argc) {
            fprintf(stderr, "k8s-phases: %s '%s'\n",
                    o == sizeof opts / sizeof opts[0] ? "unknown option" : "missing value for",
                    argv[i]);
            usage(stderr);
            return 2;
        }
        *dst[o] = argv[++i];
    }
    if (scale)
        k.phase = "k8s_scale";
    if (k.phase == NULL || k.subject == NULL || k.service == NULL || k.variant == NULL ||
        k.kind == NULL || rep == NULL || (scale ? (pods == NULL || start == NULL || replicas == NULL)
                                                : (pod == NULL || events == NULL))) {
        fprintf(stderr, "k8s-phases: missing required option\n");
        usage(stderr);
        return 2;
    }
    if (!scale && strcmp(k.phase, "k8s_cold") != 0 && strcmp(k.phase, "k8s_warm") != 0) {
        fprintf(stderr, "k8s-phases: invalid --phase '%s': expected k8s_cold or k8s_warm\n", k.phase);
        return 2;
    }
    char *end = NULL;
    k.rep = strtol(rep, &end, 10);
    if (*end != '\0' || k.rep < 0 || rep[0] == '\0') {
        fprintf(stderr, "k8s-phases: invalid --rep '%s': expected a non-negative integer\n", rep);
        return 2;
    }
    if (strcmp(warmup, "0") != 0 && strcmp(warmup, "1") != 0) {
        fprintf(stderr, "k8s-phases: invalid --warmup '%s': expected 0 or 1\n", warmup);
        return 2;
    }
    k.warmup = warmup[0] == '1';

    char err[512];
    int rc = 1;
    char *a = NULL, *b = NULL;
    size_t al = 0, bl = 0;
    if (scale) {
        long want = strtol(replicas, &end, 10);
        if (*end != '\0' || want < 1 || replicas[0] == '\0') {
            fprintf(stderr, "k8s-phases: invalid --replicas '%s': expected a positive integer\n", replicas);
            return 2;
        }
        double t0;
        if (k8s_parse_time(start, &t0, err, sizeof err) < 0) {
            fprintf(stderr, "k8s-phases: --start: %s\n", err);
            return 2;
        }
        struct k8s_scale s;
        if ((a = csv_slurp(pods, &al, err, sizeof err)) == NULL ||
            k8s_scale_ready(a, al, &s, err, sizeof err) < 0) {
            fprintf(stderr, "k8s-phases: %s: %s\n", pods, err);
            goto out;
        }
        char why[128];
        snprintf(why, sizeof why, "%zu of %ld pods ready (%zu listed)", s.ready, want, s.pods);
        since(&k, "first_ready_s", s.first_ready, t0, "no pod ready");
        if (s.ready >= (size_t)want)
            row(&k, "all_ready_s", s.last_ready - t0, "s", NULL);
        else
            row(&k, "all_ready_s", 0, "s", why);
        row(&k, "ready_pods", (double)s.ready, "count", NULL);
        rc = 0;
        goto out;
    }
    struct k8s_phases ph;
    if ((a = csv_slurp(pod, &al, err, sizeof err)) == NULL) {
        fprintf(stderr, "k8s-phases: %s\n", err);
        goto out;
    }
    if ((b = csv_slurp(events, &bl, err, sizeof err)) == NULL) {
        fprintf(stderr, "k8s-phases: %s\n", err);
        goto out;
    }
    if (k8s_pod_phases(a, al, b, bl, container, &ph, err, sizeof err) < 0) {
        fprintf(stderr, "k8s-phases: %s\n", err);
        goto out;
    }
    char why[256];
    snprintf(why, sizeof why, "pod %s%s%s", ph.phase[0] ? ph.phase : "in unknown phase",
             ph.waiting[0] ? ", waiting: " : "", ph.waiting);
    since(&k, "scheduled_s", ph.scheduled, ph.created, why);
    if (!ph.image_present) {
        since(&k, "pulling_s", ph.pulling, ph.created, "no Pulling event");
        if (ph.pull_reported >= 0)
            row(&k, "pull_reported_s", ph.pull_reported, "s", NULL);
        else
            row(&k, "pull_reported_s", 0, "s", "no \"Successfully pulled image\" event");
    }
    since(&k, "pulled_s", ph.pulled, ph.created, "no Pulled event");
    since(&k, "started_s", ph.started, ph.created, why);
    since(&k, "ready_s", ph.ready, ph.created, why);
    rc = 0;
out:
    free(a);
    free(b);
    return rc;
}
