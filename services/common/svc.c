/* svc.c: the libmicrohttpd server and the service lifecycle (svc_main).
 *
 * Threading: MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION
 * | MHD_USE_AUTO, see svc.h. Signals: SIGTERM and SIGINT are blocked in
 * every thread (the mask is set before MHD creates its threads) and the
 * main thread takes them with sigtimedwait, so no work happens in a signal
 * handler and PID 1 (which has no default SIGTERM action) still sees them.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <pthread.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "cfg.h"
#include "hc.h"
#include "jw.h"
#include "log.h"
#include "metrics.h"
#include "route.h"
#include "sb.h"
#include "svc.h"

#ifndef SL_VERSION
#define SL_VERSION "0.0.0"
#endif
#ifndef SL_VARIANT
#define SL_VARIANT "unknown"
#endif
#ifndef SL_REVISION
#define SL_REVISION "unknown"
#endif
#ifndef SL_BUILD_DATE
#define SL_BUILD_DATE "unknown"
#endif

/* Thread stack for connection threads: musl's default (128 KiB) is small
 * for SQLite; glibc's (8 MiB of address space) is needlessly big. */
#define SVC_THREAD_STACK (512 * 1024)
/* Buffer MHD fills through a streamed response's fill callback. */
#define SVC_STREAM_BLOCK (32 * 1024)
/* How often the main thread checks for drained requests. */
#define SVC_DRAIN_POLL_MS 20
/* Bytes of a chunked body read and dropped after --max-body was passed,
 * so that the client can still get its 413 at the end. */
#define SVC_DISCARD_MAX (256 * 1024)

enum svc_state { ST_STARTING, ST_READY, ST_DRAINING };

static const struct svc_service *g_svc;
static struct svc_config g_cfg;
static struct svc_route *g_routes; /* service routes, then built-ins */
static size_t g_nroutes;
static const char **g_route_names;
static struct metrics *g_metrics;
static void *g_ctx;
static double g_start_time;
static atomic_int g_state = ST_STARTING;
static atomic_long g_inflight;
/* Set once the init hook returned 0: service handlers run only after it,
 * and g_ctx is read only after it (the atomic orders the two). */
static atomic_int g_init_done;

/* CLOCK_MONOTONIC ns of the first shutdown signal; written before g_state
 * turns ST_DRAINING, so a reader that sees draining sees it. */
static atomic_llong g_drain_ns;

bool svc_draining(void) { return atomic_load(&g_state) == ST_DRAINING; }

int svc_drain_start(struct timespec *at) {
  if (!svc_draining())
    return -1;
  long long ns = atomic_load(&g_drain_ns);
  at->tv_sec = (time_t)(ns / 1000000000LL);
  at->tv_nsec = (long)(ns % 1000000000LL);
  return 0;
}

/* Enters draining now; *at gets the time (the grace period's start). */
static void start_draining(struct timespec *at) {
  clock_gettime(CLOCK_MONOTONIC, at);
  atomic_store(&g_drain_ns, (long long)at->tv_sec * 1000000000LL + at->tv_nsec);
  atomic_store(&g_state, ST_DRAINING);
}

/* ---- built-in endpoints ------------------------------------------------ */

static int h_healthz(const struct svc_request *req, struct svc_response *resp) {
  (void)req;
  return svc_resp_text(resp, 200, "application/json", "{\"status\":\"ok\"}\n");
}

static int h_readyz(const struct svc_request *req, struct svc_response *resp) {
  (void)req;
  switch (atomic_load(&g_state)) {
  case ST_READY:
    return svc_resp_text(resp, 200, "application/json",
                         "{\"status\":\"ready\"}\n");
  case ST_STARTING:
    return svc_resp_text(resp, 503, "application/json",
                         "{\"status\":\"starting\"}\n");
  default:
    return svc_resp_text(resp, 503, "application/json",
                         "{\"status\":\"draining\"}\n");
  }
}

static int h_metrics(const struct svc_request *req, struct svc_response *resp) {
  struct sb b = SB_INIT;
  size_t len;
  const struct metrics_info info = {
      .service = g_svc->name, .version = SL_VERSION, .variant = SL_VARIANT,
      .revision = SL_REVISION, .start_time = g_start_time};

  (void)req;
  if (metrics_render(g_metrics, &info, &b) < 0) {
    sb_free(&b);
    return -1;
  }
  char *body = sb_steal(&b, &len);
  if (body == NULL)
    return -1;
  return svc_resp_take(resp, 200, "text/plain; version=0.0.4; charset=utf-8",
                       body, len);
}

static int h_version(const struct svc_request *req, struct svc_response *resp) {
  struct sb b = SB_INIT;
  size_t len;

  (void)req;
  sb_puts(&b, "{");
  jw_key(&b, "service");
  jw_str(&b, g_svc->name);
  sb_puts(&b, ",");
  jw_key(&b, "version");
  jw_str(&b, SL_VERSION);
  sb_puts(&b, ",");
  jw_key(&b, "variant");
  jw_str(&b, SL_VARIANT);
  sb_puts(&b, ",");
  jw_key(&b, "revision");
  jw_str(&b, SL_REVISION);
  sb_puts(&b, ",");
  jw_key(&b, "build_date");
  jw_str(&b, SL_BUILD_DATE);
  sb_puts(&b, ",");
  jw_key(&b, "libmicrohttpd");
  jw_str(&b, MHD_get_version());
  sb_puts(&b, "}\n");
  char *body = sb_steal(&b, &len);
  if (body == NULL)
    return -1;
  return svc_resp_take(resp, 200, "application/json", body, len);
}

static const struct svc_route builtins[] = {
    {.method = "GET", .path = "/healthz", .handler = h_healthz},
    {.method = "GET", .path = "/readyz", .handler = h_readyz},
    {.method = "GET", .path = "/metrics", .handler = h_metrics},
    {.method = "GET", .path = "/version", .handler = h_version},
};
#define NBUILTINS (sizeof builtins / sizeof builtins[0])

/* ---- per-request state and the MHD callbacks ---------------------------- */

struct reqstate {
  struct timespec start;
  struct sb body;
  size_t received;
  size_t discarded; /* bytes dropped after the limit was passed */
  int too_large;
  int unread;    /* answered before the body was read: close afterwards */
  int responded;
  char remote[INET6_ADDRSTRLEN]; /* client address, looked up once */
  unsigned remote_port;
};

static double elapsed(const struct timespec *since) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (double)(now.tv_sec - since->tv_sec) +
         (double)(now.tv_nsec - since->tv_nsec) / 1e9;
}

static const char *mhd_lookup(void *conn, enum svc_lookup_kind kind,
                              const char *key) {
  return MHD_lookup_connection_value(
      conn, kind == SVC_LOOKUP_QUERY ? MHD_GET_ARGUMENT_KIND : MHD_HEADER_KIND,
      key);
}

/* ---- ordered iteration (svc.h) ------------------------------------------ */

struct foreach_job {
  svc_kv_fn cb;
  void *cls;
  size_t n;
};

static enum MHD_Result foreach_one(void *cls, enum MHD_ValueKind kind,
                                   const char *key, size_t key_len,
                                   const char *value, size_t value_len) {
  struct foreach_job *job = cls;

  (void)kind;
  job->n++;
  return job->cb(job->cls, key, key_len, value, value_len) == 0 ? MHD_YES
                                                                : MHD_NO;
}

/* The server's values of kind, or the fake array of a test request. */
static size_t foreach_kind(const struct svc_request *req,
                           enum MHD_ValueKind kind, const struct svc_kv *kv,
                           svc_kv_fn cb, void *cls) {
  struct foreach_job job = {.cb = cb, .cls = cls};

  if (req->conn != NULL) {
    MHD_get_connection_values_n(req->conn, kind, foreach_one, &job);
    return job.n;
  }
  for (; kv != NULL && kv->key != NULL; kv++) {
    if (foreach_one(&job, kind, kv->key, strlen(kv->key), kv->value,
                    kv->value != NULL ? strlen(kv->value) : 0) == MHD_NO)
      break;
  }
  return job.n;
}

size_t svc_req_foreach_header(const struct svc_request *req, svc_kv_fn cb,
                              void *cls) {
  return foreach_kind(req, MHD_HEADER_KIND, req->headers, cb, cls);
}

size_t svc_req_foreach_query(const struct svc_request *req, svc_kv_fn cb,
                             void *cls) {
  return foreach_kind(req, MHD_GET_ARGUMENT_KIND, req->query, cb, cls);
}

static void remote_of(struct MHD_Connection *c, char *addr, size_t len,
                      unsigned *port) {
  const union MHD_ConnectionInfo *ci =
      MHD_get_connection_info(c, MHD_CONNECTION_INFO_CLIENT_ADDRESS);

  snprintf(addr, len, "-");
  *port = 0;
  if (ci == NULL || ci->client_addr == NULL)
    return;
  if (ci->client_addr->sa_family == AF_INET) {
    const struct sockaddr_in *in = (const struct sockaddr_in *)ci->client_addr;
    inet_ntop(AF_INET, &in->sin_addr, addr, (socklen_t)len);
    *port = ntohs(in->sin_port);
  } else if (ci->client_addr->sa_family == AF_INET6) {
    const struct sockaddr_in6 *in6 =
        (const struct sockaddr_in6 *)ci->client_addr;
    inet_ntop(AF_INET6, &in6->sin6_addr, addr, (socklen_t)len);
    *port = ntohs(in6->sin6_port);
  }
}

/* Hands resp to MHD (the body moves into MHD's ownership), logs and counts
 * the request. resp is empty afterwards. */
static enum MHD_Result respond(struct MHD_Connection *c, struct reqstate *rs,
                               long route, const char *method, const char *url,
                               const char *version, struct svc_response *resp) {
  struct MHD_Response *r;
  const char *ctype = svc_resp_content_type(resp);

  if (ctype == NULL) {
    /* 204/304: no body, no Content-Type, whatever the handler set */
    svc_resp_take(resp, resp->status, NULL, NULL, 0);
  }
  if (resp->fill != NULL) {
    /* svc_fill_fn has MHD's reader signature: -1 is END_OF_STREAM, which
     * for a response of known size closes the connection (svc.h) */
    r = MHD_create_response_from_callback(resp->body_len, SVC_STREAM_BLOCK,
                                          resp->fill, resp->fill_cls,
                                          resp->fill_free);
  } else {
    r = MHD_create_response_from_buffer(resp->body_len, resp->body,
                                        MHD_RESPMEM_MUST_FREE);
  }
  if (r == NULL) {
    svc_response_free(resp);
    return MHD_NO;
  }
  /* MHD owns the body or the stream now (it calls fill_free) */
  resp->body = NULL;
  resp->fill = NULL;
  resp->fill_free = NULL;
  if (ctype != NULL)
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
  for (size_t i = 0; i < resp->nheaders; i++)
    MHD_add_response_header(r, resp->headers[i].name, resp->headers[i].value);
  /* While draining, close kept-alive connections after this response. Also
   * when the body was not read to its end (413): the rest of it is still
   * on the wire. */
  if (svc_draining() || rs->too_large || rs->unread)
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
  enum MHD_Result ret = MHD_queue_response(c, (unsigned)resp->status, r);
  MHD_destroy_response(r);
  rs->responded = 1;

  double secs = elapsed(&rs->start);
  metrics_observe(g_metrics, route < 0 ? g_nroutes : (size_t)route, method,
                  resp->status, secs);
  const struct log_access a = {
      .method = method, .path = url, .version = version, .remote = rs->remote,
      .remote_port = rs->remote_port, .status = resp->status,
      .bytes = strcmp(method, "HEAD") == 0 ? 0 : resp->body_len,
      .seconds = secs};
  log_access(&a);
  svc_response_free(resp);
  return ret;
}

static int parse_length(const char *s, unsigned long long *out) {
  unsigned long long v = 0;
  if (s == NULL || *s == '\0')
    return -1;
  for (; *s != '\0'; s++) {
    if (*s < '0' || *s > '9')
      return -1;
    if (v > (~0ULL - 9) / 10)
      return -1;
    v = v * 10 + (unsigned)(*s - '0');
  }
  *out = v;
  return 0;
}

static enum MHD_Result count_header(void *cls, enum MHD_ValueKind kind,
                                    const char *key, const char *value) {
  (void)kind;
  (void)value;
  if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0)
    (*(unsigned *)cls)++;
  return MHD_YES;
}

/* Framing that MHD 0.9.75 accepts but a server behind a proxy must refuse
 * (request smuggling, RFC 9112 section 6): several Content-Length headers,
 * or a transfer coding other than chunked, which MHD would wait on until
 * the connection times out. Returns the status to answer (0: fine) and
 * sets *why. */
static int framing_error(struct MHD_Connection *c, const char **why) {
  unsigned n = 0;
  MHD_get_connection_values(c, MHD_HEADER_KIND, count_header, &n);
  if (n > 1) {
    *why = "more than one Content-Length header";
    return 400;
  }
  const char *te = MHD_lookup_connection_value(
      c, MHD_HEADER_KIND, MHD_HTTP_HEADER_TRANSFER_ENCODING);
  if (te != NULL && strcasecmp(te, "chunked") != 0) {
    *why = "transfer coding not implemented (only chunked)";
    return 501;
  }
  return 0;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls) {
  struct reqstate *rs = *con_cls;
  struct svc_response resp = SVC_RESPONSE_INIT;

  (void)cls;
  if (rs == NULL) {
    /* First call: headers are in. Count the request and refuse an
     * announced body over the limit before any of it is read. */
    rs = calloc(1, sizeof *rs);
    if (rs == NULL)
      return MHD_NO;
    clock_gettime(CLOCK_MONOTONIC, &rs->start);
    remote_of(c, rs->remote, sizeof rs->remote, &rs->remote_port);
    *con_cls = rs;
    atomic_fetch_add(&g_inflight, 1);
    metrics_inflight(g_metrics, 1);
    const char *why;
    int bad = framing_error(c, &why);
    if (bad != 0) {
      rs->unread = 1;
      svc_resp_error(&resp, bad, why);
      return respond(c, rs, -1, method, url, version, &resp);
    }
    unsigned long long len;
    const char *cl = MHD_lookup_connection_value(c, MHD_HEADER_KIND,
                                                 MHD_HTTP_HEADER_CONTENT_LENGTH);
    if (cl != NULL && parse_length(cl, &len) == 0 && len > g_cfg.max_body) {
      rs->too_large = 1;
      svc_resp_error(&resp, 413, "request body too large");
      return respond(c, rs, -1, method, url, version, &resp);
    }
    return MHD_YES;
  }
  if (*upload_size > 0) {
    size_t n = *upload_size;
    *upload_size = 0;
    if (rs->responded)
      return MHD_YES; /* discard: the answer is queued */
    if (rs->too_large || n > g_cfg.max_body - rs->received) {
      /* A chunked body grew past the limit. MHD 0.9 cannot queue a
       * response in the middle of an upload, so discard a bounded amount
       * more and answer 413 at its end; a client that keeps sending past
       * that bound is cut off without an answer. */
      rs->too_large = 1;
      sb_free(&rs->body);
      rs->discarded += n;
      if (rs->discarded > SVC_DISCARD_MAX)
        return MHD_NO;
      return MHD_YES;
    }
    rs->received += n;
    if (sb_append(&rs->body, upload, n) < 0)
      return MHD_NO;
    return MHD_YES;
  }
  if (rs->responded)
    return MHD_YES;
  if (rs->too_large) {
    svc_resp_error(&resp, 413, "request body too large");
    return respond(c, rs, -1, method, url, version, &resp);
  }

  /* The whole request is in: route it and answer. */
  char param[256];
  struct svc_request req = {
      .method = method, .path = url, .version = version,
      .body = rs->body.buf, .body_len = rs->body.len,
      .remote_addr = rs->remote, .remote_port = rs->remote_port,
      .lookup = mhd_lookup, .conn = c};

  long route;
  size_t idx;
  char allow[8];
  int is_service = route_match(g_routes, g_svc->nroutes, method, url, &idx,
                               param, sizeof param, allow, sizeof allow) !=
                   ROUTE_NOT_FOUND;
  if (is_service && !atomic_load(&g_init_done)) {
    /* init has not finished: the service's state is not there yet */
    route = (long)idx;
    svc_resp_error(&resp, 503, "starting");
  } else {
    req.ctx = g_ctx;
    route = svc_dispatch(g_routes, g_nroutes, &req, &resp, param, sizeof param);
  }
  return respond(c, rs, route, method, url, version, &resp);
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  struct reqstate *rs = *con_cls;

  (void)cls;
  (void)c;
  (void)toe;
  if (rs == NULL)
    return;
  sb_free(&rs->body);
  free(rs);
  *con_cls = NULL;
  metrics_inflight(g_metrics, -1);
  atomic_fetch_sub(&g_inflight, 1);
}

static void mhd_logger(void *cls, const char *fmt, va_list ap) {
  char msg[512];
  (void)cls;
  vsnprintf(msg, sizeof msg, fmt, ap);
  size_t n = strlen(msg);
  while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
    msg[--n] = '\0';
  svc_log(SVC_LOG_WARN, "libmicrohttpd: %s", msg);
}

/* ---- lifecycle ---------------------------------------------------------- */

static const char *env_get(const char *name) { return getenv(name); }

static int build_routes(const struct svc_service *svc) {
  g_nroutes = svc->nroutes + NBUILTINS;
  g_routes = calloc(g_nroutes, sizeof *g_routes);
  g_route_names = calloc(g_nroutes, sizeof *g_route_names);
  if (g_routes == NULL || g_route_names == NULL) {
    fprintf(stderr, "%s: cannot build the route table: out of memory\n",
            svc->name);
    return -1;
  }
  for (size_t i = 0; i < svc->nroutes; i++) {
    const struct svc_route *r = &svc->routes[i];
    if (r->method == NULL || r->handler == NULL || !route_valid(r->path)) {
      fprintf(stderr, "%s: invalid route %zu \"%s\": bad method, path or "
                      "handler\n", svc->name, i, r->path ? r->path : "(null)");
      return -1;
    }
    for (size_t b = 0; b < NBUILTINS; b++) {
      if (strcmp(r->path, builtins[b].path) == 0) {
        fprintf(stderr, "%s: invalid route \"%s\": reserved by the shared "
                        "layer\n", svc->name, r->path);
        return -1;
      }
    }
    g_routes[i] = *r;
  }
  for (size_t b = 0; b < NBUILTINS; b++)
    g_routes[svc->nroutes + b] = builtins[b];
  for (size_t i = 0; i < g_nroutes; i++)
    g_route_names[i] = g_routes[i].path;
  return 0;
}

static struct MHD_Daemon *start_daemon(void) {
  struct sockaddr_storage ss;
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD |
                   MHD_USE_THREAD_PER_CONNECTION | MHD_USE_AUTO | MHD_USE_ITC |
                   MHD_USE_ERROR_LOG;

  memset(&ss, 0, sizeof ss);
  struct sockaddr_in *in = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
  if (inet_pton(AF_INET, g_cfg.listen, &in->sin_addr) == 1) {
    in->sin_family = AF_INET;
    in->sin_port = htons((uint16_t)g_cfg.port);
  } else {
    /* cfg_parse accepted it, so it is IPv6 */
    inet_pton(AF_INET6, g_cfg.listen, &in6->sin6_addr);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons((uint16_t)g_cfg.port);
    /* "::" means every address, IPv4 included */
    flags |= IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr) ? MHD_USE_DUAL_STACK
                                                       : MHD_USE_IPv6;
  }
  return MHD_start_daemon(
      flags, (uint16_t)g_cfg.port, NULL, NULL, on_request, NULL,
      MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, NULL,
      MHD_OPTION_SOCK_ADDR, (struct sockaddr *)&ss,
      MHD_OPTION_CONNECTION_TIMEOUT, (unsigned int)g_cfg.conn_timeout,
      MHD_OPTION_CONNECTION_LIMIT, (unsigned int)g_cfg.max_conns,
      MHD_OPTION_PER_IP_CONNECTION_LIMIT, (unsigned int)g_cfg.max_conns_per_ip,
      MHD_OPTION_CONNECTION_MEMORY_LIMIT, (size_t)g_cfg.conn_memory,
      MHD_OPTION_THREAD_STACK_SIZE, (size_t)SVC_THREAD_STACK,
      MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
      /* RFC 9112: an HTTP/1.1 request without Host is a 400 */
      MHD_OPTION_STRICT_FOR_CLIENT, (int)1, MHD_OPTION_END);
}

static void print_version(const char *name) {
  printf("%s %s (variant %s, revision %s, built %s, libmicrohttpd %s)\n", name,
         SL_VERSION, SL_VARIANT, SL_REVISION, SL_BUILD_DATE, MHD_get_version());
}

struct init_job {
  const struct svc_service *svc;
  char err[512];
  int rc;
  atomic_int done;
};

static void *init_thread(void *arg) {
  struct init_job *job = arg;
  job->rc = job->svc->init(&g_cfg, &g_ctx, job->err, sizeof job->err);
  atomic_store(&job->done, 1);
  return NULL;
}

/* After the first signal (at *start): waits drain_delay seconds (still accepting, with
 * /readyz 503), stops accepting, then waits for in-flight requests to end,
 * all within the grace period. Returns 0 when drained, 1 when the grace
 * period expired, 128+sig on a second signal. */
static int drain(struct MHD_Daemon *d, const sigset_t *set,
                 const struct timespec *start) {
  const struct timespec tick = {0, SVC_DRAIN_POLL_MS * 1000000L};
  int quiesced = 0;

  for (;;) {
    double t = elapsed(start);
    if (!quiesced && t >= (double)g_cfg.drain_delay) {
      MHD_socket ls = MHD_quiesce_daemon(d);
      if (ls != MHD_INVALID_SOCKET)
        close(ls); /* new connections are refused from now on */
      quiesced = 1;
    }
    if (quiesced && atomic_load(&g_inflight) == 0)
      return 0;
    if (t >= (double)g_cfg.shutdown_grace)
      return 1;
    int sig = sigtimedwait(set, NULL, &tick);
    if (sig > 0)
      return 128 + sig;
  }
}

static void cleanup_globals(void) {
  metrics_free(g_metrics);
  g_metrics = NULL;
  free(g_routes);
  g_routes = NULL;
  free(g_route_names);
  g_route_names = NULL;
}

int svc_main(const struct svc_service *svc, int argc, char **argv) {
  char err[512];
  sigset_t set;
  struct timespec now;
  struct MHD_Daemon *d = NULL;
  int status = 1;

  g_svc = svc;
  switch (cfg_parse(&g_cfg, svc->options, svc->noptions, argc, argv, env_get,
                    err, sizeof err)) {
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
    return hc_probe(&g_cfg, "/healthz") == 0 ? 0 : 1;
  case CFG_RUN:
    break;
  }
  log_setup(svc->name, g_cfg.log_format, g_cfg.log_level);
  if (build_routes(svc) < 0)
    goto out;
  g_metrics = metrics_new(g_route_names, g_nroutes);
  if (g_metrics == NULL) {
    svc_log(SVC_LOG_ERROR, "cannot start: out of memory");
    goto out;
  }
  clock_gettime(CLOCK_REALTIME, &now);
  g_start_time = (double)now.tv_sec + (double)now.tv_nsec / 1e9;

  /* Block the shutdown signals before any thread exists, so that every
   * thread inherits the mask and only sigtimedwait below sees them. A peer
   * that closes early must not kill us with SIGPIPE. */
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);

  errno = 0;
  d = start_daemon();
  if (d == NULL) {
    svc_log(SVC_LOG_ERROR, "cannot listen on %s port %u: %s", g_cfg.listen,
            g_cfg.port, errno != 0 ? strerror(errno) : "libmicrohttpd failure");
    goto out;
  }
  svc_log(SVC_LOG_INFO, "listening on %s port %u (version %s, variant %s)",
          g_cfg.listen, g_cfg.port, SL_VERSION, SL_VARIANT);

  /* init runs in its own thread so that the main thread keeps taking
   * signals: a SIGTERM during a slow init (a locked database) turns
   * /readyz to draining and is acted on once init returns; a second signal
   * or the grace period ends the process at once. */
  int sig = 0;
  struct timespec sig_time = {0, 0};
  if (svc->init != NULL) {
    struct init_job job = {.svc = svc};
    pthread_t tid;
    int threaded = pthread_create(&tid, NULL, init_thread, &job) == 0;
    if (!threaded)
      init_thread(&job);
    const struct timespec tick = {0, SVC_DRAIN_POLL_MS * 1000000L};
    while (!atomic_load(&job.done)) {
      int s = sigtimedwait(&set, NULL, &tick);
      if (s > 0 && sig != 0) {
        svc_log(SVC_LOG_WARN, "second signal %d during init: exiting at once",
                s);
        _exit(128 + s);
      }
      if (s > 0) {
        sig = s;
        start_draining(&sig_time);
        svc_log(SVC_LOG_INFO, "signal %d during init: stopping once it returns",
                sig);
      }
      if (sig != 0 && elapsed(&sig_time) >= (double)g_cfg.shutdown_grace) {
        svc_log(SVC_LOG_ERROR, "shutdown grace of %u s expired during init: "
                               "exiting", g_cfg.shutdown_grace);
        _exit(1);
      }
    }
    if (threaded)
      pthread_join(tid, NULL);
    if (job.rc < 0) {
      fprintf(stderr, "%s: init failure: %s\n", svc->name,
              job.err[0] != '\0' ? job.err : "unknown cause");
      goto out;
    }
  }
  atomic_store(&g_init_done, 1);
  if (sig == 0) {
    atomic_store(&g_state, ST_READY);
    svc_log(SVC_LOG_INFO, "ready");
    while (sigwait(&set, &sig) != 0)
      ;
    start_draining(&sig_time);
  }
  svc_log(SVC_LOG_INFO, "signal %d: draining (delay %u s, grace %u s)", sig,
          g_cfg.drain_delay, g_cfg.shutdown_grace);
  int dr = drain(d, &set, &sig_time);
  if (dr > 128) {
    svc_log(SVC_LOG_WARN, "second signal %d: exiting at once", dr - 128);
    _exit(dr);
  }
  if (dr == 1) {
    svc_log(SVC_LOG_ERROR, "shutdown grace of %u s expired with %ld requests "
                           "in flight: exiting", g_cfg.shutdown_grace,
            atomic_load(&g_inflight));
    _exit(1);
  }
  MHD_stop_daemon(d);
  d = NULL;
  if (svc->fini != NULL)
    svc->fini(g_ctx);
  svc_log(SVC_LOG_INFO, "stopped");
  status = 0;
out:
  if (d != NULL)
    MHD_stop_daemon(d);
  cleanup_globals();
  return status;
}
