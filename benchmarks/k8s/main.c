/* k8s-phases: recorded kubectl output -> samples.csv rows (no header).
 *
 *   k8s-phases --stamp < KUBECTL_WATCH_OUTPUT > STAMPED
 *   k8s-phases --phase k8s_cold|k8s_warm --subject REF --service S --variant V
 *              --kind K --rep N [--warmup 0|1] [--container NAME]
 *              [--pod POD.json --events EVENTS.json]
 *              [--watch PODS.stamped [--watch-events EVENTS.stamped] --name POD]
 *              [--expect-bytes N]
 *   k8s-phases --scale --replicas N --subject REF --service S --variant V
 *              --kind K --rep N [--warmup 0|1]
 *              [--pods PODLIST.json --start RFC3339] [--watch PODS.stamped --start-ns NS]
 *
 * --stamp: kubectl's watch output (JSON objects one after another) on stdin
 * to "<ns> <compact json>" lines, ns = CLOCK_REALTIME when the object
 * arrived (see k8s.h).
 *
 * Pod mode, the API server's timestamps (--pod/--events; seconds after
 * metadata.creationTimestamp, unit s, 1 s resolution): scheduled_s,
 * pulling_s, pulled_s, started_s, ready_s, pull_reported_s (the kubelet's
 * own "Successfully pulled image ... in Xs"). The client's watch (--watch,
 * --watch-events; milliseconds after the pod's ADDED event arrived, unit ms):
 * watch_scheduled_ms, watch_pulling_ms, watch_pulled_ms, watch_running_ms,
 * watch_ready_ms, slo_startup_ms (running minus the pull, Pulling to Pulled,
 * as the Kubernetes pod-startup SLO counts it), and for k8s_cold
 * pull_image_bytes (unit bytes, the kubelet's "Image size: N bytes",
 * Kubernetes >= 1.30). A k8s_cold sample is not cold when the kubelet said
 * the image was already present, or (with --expect-bytes, the registry's
 * bytes for the image) when its reported size differs by more than 1 % +
 * 4 KiB: then every row of the sample fails saying so. A phase that did not
 * happen gives a fail row saying why.
 *
 * Scale mode (phase k8s_scale): first_ready_s, all_ready_s after --start
 * (server times), ready_pods (count); with --watch: watch_first_ready_ms,
 * watch_all_ready_ms after --start-ns, watch_ready_pods (count).
 * Exit 0 ok, 1 bad input, 2 usage. See docs/k8s.md. */
#include "csv.h"
#include "k8s.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct rowkey {
  const char *phase, *subject, *service, *variant, *kind;
  long rep;
  int warmup;
  const char *not_cold; /* set: every row fails with this detail */
};

static void row(const struct rowkey *k, const char *metric, double value,
                const char *unit, const char *fail_detail) {
  const char *keys[] = {k->phase, k->subject, k->service, k->variant, k->kind};
  for (size_t i = 0; i < 5; i++) {
    csv_write_field(stdout, keys[i]);
    fputc(',', stdout);
  }
  printf("-,%ld,%d,%s,", k->rep, k->warmup, metric);
  if (k->not_cold != NULL)
    fail_detail = k->not_cold;
  if (fail_detail == NULL) {
    printf("%.3f,%s,ok,\n", value, unit);
  } else {
    printf(",%s,fail,", unit);
    csv_write_field(stdout, fail_detail);
    fputc('\n', stdout);
  }
}

static void since(const struct rowkey *k, const char *metric, double t,
                  double t0, const char *why) {
  if (t < 0)
    row(k, metric, 0, "s", why);
  else
    row(k, metric, t - t0, "s", NULL);
}

static void since_ms(const struct rowkey *k, const char *metric, int64_t t,
                     int64_t t0, const char *why) {
  if (t < 0 || t0 < 0)
    row(k, metric, 0, "ms", why);
  else
    row(k, metric, (double)(t - t0) / 1e6, "ms", NULL);
}

static void usage(FILE *f) {
  fprintf(
      f,
      "usage: k8s-phases --stamp < KUBECTL_WATCH_OUTPUT\n"
      "       k8s-phases --phase k8s_cold|k8s_warm --subject REF --service S "
      "--variant V\n"
      "                  --kind K --rep N [--warmup 0|1] [--container NAME]\n"
      "                  [--pod POD.json --events EVENTS.json]\n"
      "                  [--watch PODS.stamped [--watch-events EVENTS.stamped] "
      "--name POD]\n"
      "                  [--expect-bytes N]\n"
      "       k8s-phases --scale --replicas N --subject REF --service S "
      "--variant V\n"
      "                  --kind K --rep N [--warmup 0|1]\n"
      "                  [--pods PODLIST.json --start RFC3339] [--watch "
      "PODS.stamped --start-ns NS]\n");
}

static int parse_i64(const char *s, int64_t *v) {
  char *end;
  if (s[0] < '0' || s[0] > '9')
    return -1;
  errno = 0;
  long long x = strtoll(s, &end, 10);
  if (errno != 0 || *end != '\0')
    return -1;
  *v = x;
  return 0;
}

struct args {
  const char *pod, *events, *pods, *start, *container, *rep, *warmup, *replicas;
  const char *watch, *watch_events, *name, *start_ns, *expect_bytes;
};

static int pod_mode(struct rowkey *k, const struct args *a);
static int scale_mode(struct rowkey *k, const struct args *a, long want);

int main(int argc, char **argv) {
  struct args a = {.warmup = "0"};
  struct rowkey k = {0};
  int scale = 0, stamp = 0;
  static const char *const opts[] = {
      "--pod",     "--events",   "--phase",       "--subject", "--service",
      "--variant", "--kind",     "--rep",         "--warmup",  "--container",
      "--pods",    "--start",    "--replicas",    "--watch",   "--watch-events",
      "--name",    "--start-ns", "--expect-bytes"};
  const char **dst[] = {
      &a.pod,     &a.events,   &k.phase,       &k.subject, &k.service,
      &k.variant, &k.kind,     &a.rep,         &a.warmup,  &a.container,
      &a.pods,    &a.start,    &a.replicas,    &a.watch,   &a.watch_events,
      &a.name,    &a.start_ns, &a.expect_bytes};
  for (int i = 1; i < argc; i++) {
    if (strcmp(argv[i], "--scale") == 0) {
      scale = 1;
      continue;
    }
    if (strcmp(argv[i], "--stamp") == 0) {
      stamp = 1;
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
              o == sizeof opts / sizeof opts[0] ? "unknown option"
                                                : "missing value for",
              argv[i]);
      usage(stderr);
      return 2;
    }
    *dst[o] = argv[++i];
  }
  if (stamp) {
    if (argc != 2) {
      fprintf(stderr, "k8s-phases: --stamp takes no other option\n");
      return 2;
    }
    char err[512];
    size_t n;
    if (k8s_stamp(stdin, stdout, k8s_realtime_ns, &n, err, sizeof err) < 0) {
      fprintf(stderr, "k8s-phases: --stamp: %s\n", err);
      return 1;
    }
    return 0;
  }
  if (scale)
    k.phase = "k8s_scale";
  int have_api = scale ? (a.pods != NULL || a.start != NULL)
                       : (a.pod != NULL || a.events != NULL);
  int have_watch = a.watch != NULL || a.watch_events != NULL ||
                   a.start_ns != NULL || (!scale && a.name != NULL);
  if (k.phase == NULL || k.subject == NULL || k.service == NULL ||
      k.variant == NULL || k.kind == NULL || a.rep == NULL ||
      (scale && a.replicas == NULL) || (!have_api && !have_watch)) {
    fprintf(stderr, "k8s-phases: missing required option\n");
    usage(stderr);
    return 2;
  }
  if (have_api && (scale ? (a.pods == NULL || a.start == NULL)
                         : (a.pod == NULL || a.events == NULL))) {
    fprintf(stderr, "k8s-phases: %s\n",
            scale ? "--pods and --start go together"
                  : "--pod and --events go together");
    return 2;
  }
  if (have_watch &&
      (a.watch == NULL || (scale ? a.start_ns == NULL : a.name == NULL))) {
    fprintf(stderr, "k8s-phases: %s\n",
            scale ? "--watch needs --start-ns"
                  : "--watch needs --name (and --watch-events is optional)");
    return 2;
  }
  if (!scale && strcmp(k.phase, "k8s_cold") != 0 &&
      strcmp(k.phase, "k8s_warm") != 0) {
    fprintf(stderr,
            "k8s-phases: invalid --phase '%s': expected k8s_cold or k8s_warm\n",
            k.phase);
    return 2;
  }
  char *end = NULL;
  k.rep = strtol(a.rep, &end, 10);
  if (*end != '\0' || k.rep < 0 || a.rep[0] == '\0') {
    fprintf(stderr,
            "k8s-phases: invalid --rep '%s': expected a non-negative integer\n",
            a.rep);
    return 2;
  }
  if (strcmp(a.warmup, "0") != 0 && strcmp(a.warmup, "1") != 0) {
    fprintf(stderr, "k8s-phases: invalid --warmup '%s': expected 0 or 1\n",
            a.warmup);
    return 2;
  }
  k.warmup = a.warmup[0] == '1';
  if (scale) {
    long want = strtol(a.replicas, &end, 10);
    if (*end != '\0' || want < 1 || a.replicas[0] == '\0') {
      fprintf(
          stderr,
          "k8s-phases: invalid --replicas '%s': expected a positive integer\n",
          a.replicas);
      return 2;
    }
    return scale_mode(&k, &a, want);
  }
  return pod_mode(&k, &a);
}

static int scale_mode(struct rowkey *k, const struct args *a, long want) {
  char err[512], why[128];
  int64_t t0ns = -1;
  double t0 = 0;
  if (a->start != NULL && k8s_parse_time(a->start, &t0, err, sizeof err) < 0) {
    fprintf(stderr, "k8s-phases: --start: %s\n", err);
    return 2;
  }
  if (a->start_ns != NULL && parse_i64(a->start_ns, &t0ns) < 0) {
    fprintf(
        stderr,
        "k8s-phases: invalid --start-ns '%s': expected ns since the epoch\n",
        a->start_ns);
    return 2;
  }
  char *b = NULL, *w = NULL;
  size_t bl = 0, wl = 0;
  struct k8s_scale s;
  struct k8s_watch_scale ws;
  int rc = 1;
  if (a->pods != NULL &&
      ((b = csv_slurp(a->pods, &bl, err, sizeof err)) == NULL ||
       k8s_scale_ready(b, bl, &s, err, sizeof err) < 0)) {
    fprintf(stderr, "k8s-phases: %s: %s\n", a->pods, err);
    goto out;
  }
  if (a->watch != NULL &&
      ((w = csv_slurp(a->watch, &wl, err, sizeof err)) == NULL ||
       k8s_watch_scale(w, wl, t0ns, &ws, err, sizeof err) < 0)) {
    fprintf(stderr, "k8s-phases: %s: %s\n", a->watch, err);
    goto out;
  }
  if (a->pods != NULL) {
    snprintf(why, sizeof why, "%zu of %ld pods ready (%zu listed)", s.ready,
             want, s.pods);
    since(k, "first_ready_s", s.first_ready, t0, "no pod ready");
    if (s.ready >= (size_t)want)
      row(k, "all_ready_s", s.last_ready - t0, "s", NULL);
    else
      row(k, "all_ready_s", 0, "s", why);
    row(k, "ready_pods", (double)s.ready, "count", NULL);
  }
  if (a->watch != NULL) {
    snprintf(why, sizeof why,
             "%zu of %ld pods seen ready in the watch (%zu seen)", ws.ready,
             want, ws.pods);
    since_ms(k, "watch_first_ready_ms", ws.first_ready, t0ns,
             "no pod seen ready in the watch");
    if (ws.ready >= (size_t)want)
      since_ms(k, "watch_all_ready_ms", ws.last_ready, t0ns, NULL);
    else
      row(k, "watch_all_ready_ms", 0, "ms", why);
    row(k, "watch_ready_pods", (double)ws.ready, "count", NULL);
  }
  rc = 0;
out:
  free(b);
  free(w);
  return rc;
}

static int pod_mode(struct rowkey *k, const struct args *a) {
  char err[512], why[256], cold[256];
  char *p = NULL, *e = NULL, *w = NULL, *we = NULL;
  size_t pl = 0, el = 0, wl = 0, wel = 0;
  int64_t expect = -1;
  int rc = 1, cold_phase = strcmp(k->phase, "k8s_cold") == 0;
  struct k8s_phases ph;
  struct k8s_watch wt;

  memset(&ph, 0, sizeof ph);
  memset(&wt, 0, sizeof wt);
  if (a->expect_bytes != NULL && parse_i64(a->expect_bytes, &expect) < 0) {
    fprintf(stderr,
            "k8s-phases: invalid --expect-bytes '%s': expected a byte count\n",
            a->expect_bytes);
    return 2;
  }
  if (a->pod != NULL) {
    if ((p = csv_slurp(a->pod, &pl, err, sizeof err)) == NULL ||
        (e = csv_slurp(a->events, &el, err, sizeof err)) == NULL) {
      fprintf(stderr, "k8s-phases: %s\n", err);
      goto out;
    }
    if (k8s_pod_phases(p, pl, e, el, a->container, &ph, err, sizeof err) < 0) {
      fprintf(stderr, "k8s-phases: %s\n", err);
      goto out;
    }
  }
  if (a->watch != NULL) {
    if ((w = csv_slurp(a->watch, &wl, err, sizeof err)) == NULL ||
        (a->watch_events != NULL &&
         (we = csv_slurp(a->watch_events, &wel, err, sizeof err)) == NULL)) {
      fprintf(stderr, "k8s-phases: %s\n", err);
      goto out;
    }
    if (k8s_watch_pod(w, wl, we, wel, a->name, a->container, &wt, err,
                      sizeof err) < 0) {
      fprintf(stderr, "k8s-phases: %s\n", err);
      goto out;
    }
  }
  /* Is the cold sample cold? The kubelet's word, then the bytes it reports. */
  if (cold_phase && ((a->pod != NULL && ph.image_present) ||
                     (a->watch != NULL && wt.image_present))) {
    k->not_cold =
        "not cold: the kubelet found the image already present on the node "
        "(K8S_COLD_HOOK did not remove it)";
  } else if (cold_phase && a->watch != NULL && expect >= 0 &&
             wt.image_bytes >= 0) {
    int64_t d = wt.image_bytes - expect;
    if (d < 0)
      d = -d;
    if (d > expect / 100 + 4096) {
      snprintf(cold, sizeof cold,
               "not cold or not comparable: the kubelet reports an image "
               "of %lld bytes, the registry %lld",
               (long long)wt.image_bytes, (long long)expect);
      k->not_cold = cold;
    }
  }
  if (a->pod != NULL) {
    snprintf(why, sizeof why, "pod %s%s%s",
             ph.phase[0] ? ph.phase : "in unknown phase",
             ph.waiting[0] ? ", waiting: " : "", ph.waiting);
    since(k, "scheduled_s", ph.scheduled, ph.created, why);
    if (!ph.image_present) {
      since(k, "pulling_s", ph.pulling, ph.created, "no Pulling event");
      if (ph.pull_reported >= 0)
        row(k, "pull_reported_s", ph.pull_reported, "s", NULL);
      else
        row(k, "pull_reported_s", 0, "s",
            "no \"Successfully pulled image\" event");
    }
    since(k, "pulled_s", ph.pulled, ph.created, "no Pulled event");
    since(k, "started_s", ph.started, ph.created, why);
    since(k, "ready_s", ph.ready, ph.created, why);
  }
  if (a->watch != NULL) {
    if (wt.added < 0) {
      snprintf(why, sizeof why, "pod %s never seen in the watch", a->name);
    } else {
      snprintf(why, sizeof why,
               "not seen in the watch (%zu objects of pod %s%s%s)",
               wt.pod_objects, a->name, wt.waiting[0] ? ", last waiting: " : "",
               wt.waiting);
    }
    since_ms(k, "watch_scheduled_ms", wt.scheduled, wt.added, why);
    if (a->watch_events != NULL) {
      if (!wt.image_present)
        since_ms(k, "watch_pulling_ms", wt.pulling, wt.added,
                 "no Pulling event in the watch");
      since_ms(k, "watch_pulled_ms", wt.pulled, wt.added,
               "no Pulled event in the watch");
    }
    since_ms(k, "watch_running_ms", wt.running, wt.added, why);
    since_ms(k, "watch_ready_ms", wt.ready, wt.added, why);
    if (a->watch_events != NULL) {
      /* The SLO excludes the pull: Pulling to Pulled, when there was one. */
      if (wt.running < 0 || wt.added < 0)
        row(k, "slo_startup_ms", 0, "ms", why);
      else if (wt.image_present || (wt.pulling >= 0 && wt.pulled >= wt.pulling))
        row(k, "slo_startup_ms",
            (double)(wt.running - wt.added -
                     (wt.image_present ? 0 : wt.pulled - wt.pulling)) /
                1e6,
            "ms", NULL);
      else
        row(k, "slo_startup_ms", 0, "ms",
            "pull not bracketed by Pulling and Pulled events");
      if (cold_phase) {
        if (wt.image_bytes >= 0)
          row(k, "pull_image_bytes", (double)wt.image_bytes, "bytes", NULL);
        else
          row(k, "pull_image_bytes", 0, "bytes",
              "the Pulled event gives no image size (Kubernetes < 1.30, or no "
              "pull)");
      }
    }
  }
  rc = 0;
out:
  free(p);
  free(e);
  free(w);
  free(we);
  return rc;
}
