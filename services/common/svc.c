/* svc.c: the service lifecycle (svc_main): configuration, the server,
 * the init hook, signals, drain, fini.
 *
 * Signals: SIGTERM and SIGINT are blocked in every thread (the mask is set
 * before any thread exists, and threads inherit it) and the main thread
 * takes them with sigtimedwait, so no work happens in a signal handler
 * and PID 1 (which has no default SIGTERM action) still sees them. The
 * server's threads (server.c), the timer (timer.c) and the access log
 * writer (log.c) are started by this thread or by threads it started. */
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "builtin.h"
#include "cfg.h"
#include "cpus.h"
#include "hc.h"
#include "log.h"
#include "metrics.h"
#include "route.h"
#include "build_info.h"
#include "server.h"
#include "state.h"
#include "svc.h"
#include "timer.h"

/* How often the main thread checks for drained requests. */
#define SVC_DRAIN_POLL_MS 20

static struct svc_config cfg;
static struct svc_route *routes; /* service routes, then built-ins */
static size_t nroutes;
static const char **route_names;
static struct metrics *metrics;

static double elapsed(const struct timespec *since) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - since->tv_sec) +
         (double)(now.tv_nsec - since->tv_nsec) / 1e9;
}

static const char *env_get(const char *name) { return getenv(name); }

static int build_routes(const struct svc_service *svc) {
  nroutes = svc->nroutes + builtin_nroutes;
  routes = calloc(nroutes, sizeof *routes);
  route_names = calloc(nroutes, sizeof *route_names);
  if (routes == NULL || route_names == NULL) {
    fprintf(stderr, "%s: cannot build the route table: out of memory\n",
            svc->name);
    return -1;
  }
  for (size_t i = 0; i < svc->nroutes; i++) {
    const struct svc_route *r = &svc->routes[i];
    if (r->method == NULL || r->handler == NULL || !route_valid(r->path)) {
      fprintf(stderr,
              "%s: invalid route %zu \"%s\": bad method, path or "
              "handler\n",
              svc->name, i, r->path ? r->path : "(null)");
      return -1;
    }
    for (size_t b = 0; b < builtin_nroutes; b++) {
      if (strcmp(r->path, builtin_routes[b].path) == 0) {
        fprintf(stderr,
                "%s: invalid route \"%s\": reserved by the shared "
                "layer\n",
                svc->name, r->path);
        return -1;
      }
    }
    routes[i] = *r;
  }
  for (size_t b = 0; b < builtin_nroutes; b++)
    routes[svc->nroutes + b] = builtin_routes[b];
  for (size_t i = 0; i < nroutes; i++)
    route_names[i] = routes[i].path;
  return 0;
}

static void print_version(const char *name) {
  printf("%s %s (variant %s, revision %s, built %s, libmicrohttpd %s)\n", name,
         SL_VERSION, SL_VARIANT, SL_REVISION, SL_BUILD_DATE, MHD_get_version());
}

/* Event loop threads: --threads, or the CPUs this process may use; never
 * more than --max-conns (each thread takes a share of the connections). */
static unsigned resolve_threads(void) {
  unsigned n = cfg.threads > 0 ? cfg.threads : cpus_usable();
  return n > cfg.max_conns ? cfg.max_conns : n;
}

struct init_job {
  const struct svc_service *svc;
  void *ctx;
  char err[512];
  int rc;
  atomic_int done;
};

static void *init_thread(void *arg) {
  struct init_job *job = arg;
  job->rc = job->svc->init(&cfg, &job->ctx, job->err, sizeof job->err);
  atomic_store(&job->done, 1);
  return NULL;
}

/* Ends the process at once (second signal, grace expired): what the
 * access log holds is written first; no fini, no drain. */
static void exit_now(int status) {
  log_flush();
  _exit(status);
}

/* After the first signal (at *start): waits drain_delay seconds (still
 * accepting, with /readyz 503), stops accepting, then waits for in-flight
 * requests (deferred ones included) to end, all within the grace period.
 * Returns 0 when drained, 1 when the grace period expired, 128+sig on a
 * second signal. */
static int drain(const sigset_t *set, const struct timespec *start) {
  const struct timespec tick = {0, SVC_DRAIN_POLL_MS * 1000000L};
  int refusing = 0;

  for (;;) {
    double t = elapsed(start);
    if (!refusing && t >= (double)cfg.drain_delay) {
      srv_refuse(); /* new connections are closed from now on */
      refusing = 1;
    }
    if (refusing && state_inflight() == 0)
      return 0;
    if (t >= (double)cfg.shutdown_grace)
      return 1;
    int sig = sigtimedwait(set, NULL, &tick);
    if (sig > 0)
      return 128 + sig;
  }
}

/* Runs the init hook in its own thread while this one keeps taking
 * signals: a SIGTERM during a slow init (a locked database) turns /readyz
 * to draining and is acted on once init returns; a second signal or the
 * grace period ends the process at once. Returns 0 or -1 (init failed,
 * reported); *sig and *sig_time tell of a signal taken meanwhile. */
static int run_init(const struct svc_service *svc, const sigset_t *set,
                    int *sig, struct timespec *sig_time) {
  struct init_job job = {.svc = svc};
  pthread_t tid;
  const struct timespec tick = {0, SVC_DRAIN_POLL_MS * 1000000L};

  int threaded = pthread_create(&tid, NULL, init_thread, &job) == 0;
  if (!threaded)
    init_thread(&job);
  while (!atomic_load(&job.done)) {
    int s = sigtimedwait(set, NULL, &tick);
    if (s > 0 && *sig != 0) {
      svc_log(SVC_LOG_WARN, "second signal %d during init: exiting at once", s);
      exit_now(128 + s);
    }
    if (s > 0) {
      *sig = s;
      state_start_draining(cfg.shutdown_grace, sig_time);
      svc_log(SVC_LOG_INFO, "signal %d during init: stopping once it returns",
              s);
    }
    if (*sig != 0 && elapsed(sig_time) >= (double)cfg.shutdown_grace) {
      svc_log(SVC_LOG_ERROR,
              "shutdown grace of %u s expired during init: "
              "exiting",
              cfg.shutdown_grace);
      exit_now(1);
    }
  }
  if (threaded)
    pthread_join(tid, NULL);
  if (job.rc < 0) {
    fprintf(stderr, "%s: init failure: %s\n", svc->name,
            job.err[0] != '\0' ? job.err : "unknown cause");
    return -1;
  }
  state_set_ctx(job.ctx);
  return 0;
}

static void cleanup(void) {
  timer_stop();
  log_stop();
  metrics_free(metrics);
  metrics = NULL;
  free(routes);
  routes = NULL;
  free(route_names);
  route_names = NULL;
}

int svc_main(const struct svc_service *svc, int argc, char **argv) {
  char err[512];
  sigset_t set;
  struct timespec now;
  int started = 0;
  int status = 1;

  switch (cfg_parse(&cfg, svc->options, svc->noptions, argc, argv, env_get, err,
                    sizeof err)) {
  case CFG_ERROR:
    fprintf(stderr, "%s: %s\n", svc->name, err);
    return 2;
  case CFG_HELP:
    cfg_usage(stdout, svc->name, svc->summary, svc->options, svc->noptions);
    return 0;
  case CFG_VERSION:
    print_version(svc->name);
    return 0;
  case CFG_HEALTHCHECK:
    return hc_probe(&cfg, "/healthz") == 0 ? 0 : 1;
  case CFG_RUN:
    break;
  }
  log_setup(svc->name, cfg.log_format, cfg.log_level);
  if (build_routes(svc) < 0)
    goto out;
  metrics = metrics_new(route_names, nroutes);
  if (metrics == NULL) {
    svc_log(SVC_LOG_ERROR, "cannot start: out of memory");
    goto out;
  }
  clock_gettime(CLOCK_REALTIME, &now);
  builtin_setup(svc->name, metrics,
                (double)now.tv_sec + (double)now.tv_nsec / 1e9);

  /* Block the shutdown signals before any thread exists, so that every
   * thread inherits the mask and only sigtimedwait below sees them. A peer
   * that closes early must not kill us with SIGPIPE. */
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);
  log_start();

  const struct srv_params sp = {.cfg = &cfg,
                                .routes = routes,
                                .nroutes = nroutes,
                                .nservice = svc->nroutes,
                                .metrics = metrics,
                                .threads = resolve_threads()};
  if (srv_start(&sp) < 0) {
    svc_log(SVC_LOG_ERROR, "cannot listen on %s port %u: %s", cfg.listen,
            cfg.port, errno != 0 ? strerror(errno) : "libmicrohttpd failure");
    goto out;
  }
  started = 1;
  svc_log(SVC_LOG_INFO,
          "listening on %s port %u (version %s, variant %s, "
          "%u event loop thread%s)",
          cfg.listen, cfg.port, SL_VERSION, SL_VARIANT, sp.threads,
          sp.threads == 1 ? "" : "s");

  int sig = 0;
  struct timespec sig_time = {0, 0};
  if (svc->init != NULL) {
    if (run_init(svc, &set, &sig, &sig_time) < 0)
      goto out;
  } else {
    state_set_ctx(NULL);
  }
  if (sig == 0) {
    state_set_ready();
    svc_log(SVC_LOG_INFO, "ready");
    while (sigwait(&set, &sig) != 0)
      ;
    state_start_draining(cfg.shutdown_grace, &sig_time);
  }
  svc_log(SVC_LOG_INFO, "signal %d: draining (delay %u s, grace %u s)", sig,
          cfg.drain_delay, cfg.shutdown_grace);
  int dr = drain(&set, &sig_time);
  if (dr > 128) {
    svc_log(SVC_LOG_WARN, "second signal %d: exiting at once", dr - 128);
    exit_now(dr);
  }
  if (dr == 1) {
    svc_log(SVC_LOG_ERROR,
            "shutdown grace of %u s expired with %ld requests "
            "in flight: exiting",
            cfg.shutdown_grace, state_inflight());
    exit_now(1);
  }
  srv_stop();
  started = 0;
  if (svc->fini != NULL)
    svc->fini(state_ctx());
  svc_log(SVC_LOG_INFO, "stopped");
  status = 0;
out:
  if (started)
    srv_stop();
  cleanup();
  return status;
}
