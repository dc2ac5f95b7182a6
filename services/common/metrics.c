/* metrics.c: counters and exposition text (see metrics.h). */
#include "metrics.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SERIES 512
#define OTHER_CODE 0

static const char *const methods[] = {"GET",    "HEAD",  "POST",    "PUT",
                                      "DELETE", "PATCH", "OPTIONS", "other"};
#define NMETHODS (sizeof methods / sizeof methods[0])

/* Bucket upper bounds, Prometheus' usual latency buckets, in nanoseconds
 * and as label text. Integers only: no floating-point printf, which would
 * pull several KiB into the static binaries. */
static const unsigned long long bucket_ns[] = {
    500000ULL,     1000000ULL,    2500000ULL,    5000000ULL,    10000000ULL,
    25000000ULL,   50000000ULL,   100000000ULL,  250000000ULL,  500000000ULL,
    1000000000ULL, 2500000000ULL, 5000000000ULL, 10000000000ULL};
static const char *const bucket_le[] = {
    "0.0005", "0.001", "0.0025", "0.005", "0.01", "0.025", "0.05",
    "0.1",    "0.25",  "0.5",    "1",     "2.5",  "5",     "10"};
#define NBUCKETS (sizeof bucket_ns / sizeof bucket_ns[0])

struct series {
  size_t route;
  unsigned method;
  int code;
  unsigned long long count;
};

struct hist {
  unsigned long long counts[NBUCKETS]; /* non-cumulative */
  unsigned long long total;
  unsigned long long sum_ns;
};

struct metrics {
  pthread_mutex_t lock;
  const char *const *routes;
  size_t nroutes;
  atomic_long inflight; /* no lock: changed twice per request */
  size_t nseries;
  struct series series[MAX_SERIES];
  struct hist *hists; /* nroutes + 1 */
};

struct metrics *metrics_new(const char *const *routes, size_t n) {
  struct metrics *m = calloc(1, sizeof *m);
  if (m == NULL)
    return NULL;
  m->hists = calloc(n + 1, sizeof *m->hists);
  if (m->hists == NULL || pthread_mutex_init(&m->lock, NULL) != 0) {
    free(m->hists);
    free(m);
    return NULL;
  }
  m->routes = routes;
  m->nroutes = n;
  return m;
}

void metrics_free(struct metrics *m) {
  if (m == NULL)
    return;
  pthread_mutex_destroy(&m->lock);
  free(m->hists);
  free(m);
}

void metrics_inflight(struct metrics *m, int delta) {
  atomic_fetch_add(&m->inflight, delta);
}

static unsigned method_index(const char *method) {
  for (unsigned i = 0; i < NMETHODS - 1; i++)
    if (strcmp(methods[i], method) == 0)
      return i;
  return NMETHODS - 1;
}

void metrics_observe(struct metrics *m, size_t route, const char *method,
                     int status, double seconds) {
  unsigned mi = method_index(method != NULL ? method : "");
  if (route > m->nroutes)
    route = m->nroutes;
  if (seconds < 0)
    seconds = 0;
  if (seconds > 1e9)
    seconds = 1e9; /* keeps the conversion below defined */
  unsigned long long ns = (unsigned long long)(seconds * 1e9 + 0.5);

  pthread_mutex_lock(&m->lock);
  struct series *s = NULL;
  for (size_t i = 0; i < m->nseries; i++) {
    struct series *c = &m->series[i];
    if (c->route == route && c->method == mi && c->code == status) {
      s = c;
      break;
    }
  }
  if (s == NULL && m->nseries < MAX_SERIES - 1) {
    s = &m->series[m->nseries++];
    *s = (struct series){.route = route, .method = mi, .code = status};
  }
  if (s == NULL) {
    /* the last slot collects everything that did not fit */
    s = &m->series[MAX_SERIES - 1];
    if (m->nseries < MAX_SERIES) {
      *s = (struct series){
          .route = m->nroutes, .method = NMETHODS - 1, .code = OTHER_CODE};
      m->nseries = MAX_SERIES;
    }
  }
  s->count++;
  struct hist *h = &m->hists[route];
  size_t b = 0;
  while (b < NBUCKETS && ns > bucket_ns[b])
    b++;
  if (b < NBUCKETS)
    h->counts[b]++;
  h->total++;
  h->sum_ns += ns;
  pthread_mutex_unlock(&m->lock);
}

/* Label value escaping per the exposition format: \ " and newline. */
static void label(struct sb *out, const char *v) {
  for (; *v != '\0'; v++) {
    if (*v == '\\')
      sb_puts(out, "\\\\");
    else if (*v == '"')
      sb_puts(out, "\\\"");
    else if (*v == '\n')
      sb_puts(out, "\\n");
    else
      sb_append(out, v, 1);
  }
}

static const char *route_name(const struct metrics *m, size_t r) {
  return r < m->nroutes ? m->routes[r] : "unmatched";
}

int metrics_render(struct metrics *m, const struct metrics_info *info,
                   struct sb *out) {
  pthread_mutex_lock(&m->lock);

  sb_puts(out, "# HELP http_requests_total HTTP requests by route, method "
               "and status code.\n# TYPE http_requests_total counter\n");
  for (size_t i = 0; i < m->nseries; i++) {
    const struct series *s = &m->series[i];
    sb_puts(out, "http_requests_total{route=\"");
    label(out, route_name(m, s->route));
    sb_printf(out, "\",method=\"%s\",code=\"", methods[s->method]);
    if (s->code == OTHER_CODE)
      sb_puts(out, "other");
    else
      sb_printf(out, "%d", s->code);
    sb_printf(out, "\"} %llu\n", s->count);
  }

  sb_puts(out, "# HELP http_request_duration_seconds Time from request "
               "headers to response queued.\n"
               "# TYPE http_request_duration_seconds histogram\n");
  for (size_t r = 0; r <= m->nroutes; r++) {
    const struct hist *h = &m->hists[r];
    unsigned long long cum = 0;
    if (h->total == 0)
      continue;
    for (size_t b = 0; b < NBUCKETS; b++) {
      cum += h->counts[b];
      sb_puts(out, "http_request_duration_seconds_bucket{route=\"");
      label(out, route_name(m, r));
      sb_printf(out, "\",le=\"%s\"} %llu\n", bucket_le[b], cum);
    }
    sb_puts(out, "http_request_duration_seconds_bucket{route=\"");
    label(out, route_name(m, r));
    sb_printf(out, "\",le=\"+Inf\"} %llu\n", h->total);
    sb_puts(out, "http_request_duration_seconds_sum{route=\"");
    label(out, route_name(m, r));
    sb_printf(out, "\"} %llu.%09llu\n", h->sum_ns / 1000000000ULL,
              h->sum_ns % 1000000000ULL);
    sb_puts(out, "http_request_duration_seconds_count{route=\"");
    label(out, route_name(m, r));
    sb_printf(out, "\"} %llu\n", h->total);
  }

  sb_printf(out,
            "# HELP http_requests_in_flight Requests being served now.\n"
            "# TYPE http_requests_in_flight gauge\n"
            "http_requests_in_flight %ld\n",
            atomic_load(&m->inflight));
  pthread_mutex_unlock(&m->lock);

  sb_puts(out, "# HELP build_info Build of this binary.\n"
               "# TYPE build_info gauge\nbuild_info{service=\"");
  label(out, info->service);
  sb_puts(out, "\",version=\"");
  label(out, info->version);
  sb_puts(out, "\",variant=\"");
  label(out, info->variant);
  sb_puts(out, "\",revision=\"");
  label(out, info->revision);
  sb_puts(out, "\"} 1\n");
  unsigned long long start_ms =
      (unsigned long long)(info->start_time * 1000.0 + 0.5);
  sb_printf(out,
            "# HELP process_start_time_seconds Start time of the process "
            "since the Unix epoch in seconds.\n"
            "# TYPE process_start_time_seconds gauge\n"
            "process_start_time_seconds %llu.%03llu\n",
            start_ms / 1000, start_ms % 1000);
  return out->failed ? -1 : 0;
}
