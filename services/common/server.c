/* server.c: the libmicrohttpd server (see server.h).
 *
 * Event-driven: MHD_USE_EPOLL with an internal polling thread, or a pool
 * of them (MHD_OPTION_THREAD_POOL_SIZE, each thread with its own epoll set
 * and --max-conns / threads of the connections). Every callback of a
 * connection runs on the thread that polls it; only svc_complete comes
 * from other threads, and it touches nothing but the ticket before
 * MHD_resume_connection, whose mutex orders it before the resumed call.
 *
 * State per connection (struct conn, MHD's socket context), made once
 * when the connection opens: the client's address is formatted once, and
 * a kept-alive connection serves request after request without
 * allocating request state. A request is routed once, when it is
 * complete. A static body (svc_resp_static) is answered with a response
 * prepared on first use and kept (MHD counts its references), so a probe
 * or hello's greeting allocates nothing per request.
 *
 * Draining refuses new connections with an accept policy instead of
 * MHD_quiesce_daemon: with epoll, libmicrohttpd 0.9.75's quiesce removes
 * the listening socket from the epoll set of each thread from the calling
 * thread, racing with that thread doing the same (a failed epoll_ctl there
 * is an MHD_PANIC, an abort). The listening socket is closed by
 * srv_stop. */
#include "server.h"

#include <arpa/inet.h>
#include <errno.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>

#include "defer.h"
#include "log.h"
#include "num.h"
#include "route.h"
#include "sb.h"
#include "state.h"

/* Stack of the event loop threads: handlers run there (notes parses JSON
 * with SQLite's JSON functions), and musl's default (128 KiB) is small for
 * that; glibc's (8 MiB of address space) is needlessly big. */
#define SRV_THREAD_STACK (512 * 1024)
/* Buffer MHD fills through a streamed response's fill callback. */
#define SRV_STREAM_BLOCK (32 * 1024)
/* Bytes of a chunked body read and dropped after --max-body was passed,
 * so that the client can still get its 413 at the end. */
#define SRV_DISCARD_MAX (256 * 1024)
/* A request body buffer up to this size is kept for the connection's
 * next request; a bigger one is freed when its request ends. */
#define SRV_BODY_KEEP 4096
/* Prepared responses of static bodies kept (distinct body, status and
 * content type); beyond that a static body gets a response per request. */
#define SRV_CACHE 32

static struct srv_params params;
static struct MHD_Daemon *daemon_;
static atomic_bool refusing;

/* ---- per-connection state ------------------------------------------- */

struct conn {
  struct MHD_Connection *mhd;
  char remote[INET6_ADDRSTRLEN];
  unsigned remote_port;
  /* The request in progress. */
  bool active;    /* counted in flight */
  bool too_large; /* the body is over --max-body */
  bool unread;    /* answered before its body was read: close after */
  bool responded;
  bool deferred; /* svc_defer: the answer comes through ticket */
  long route;    /* index into params.routes, -1 unmatched */
  uint64_t start_ns;
  struct sb body;
  size_t received;
  size_t discarded; /* bytes dropped after the limit was passed */
  char param[256];
  struct svc_ticket ticket;
};

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
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

static void request_begin(struct conn *cs) {
  cs->active = true;
  cs->too_large = cs->unread = cs->responded = cs->deferred = false;
  cs->route = -1;
  cs->start_ns = now_ns();
  cs->received = cs->discarded = 0;
  cs->param[0] = '\0';
  state_inflight_add(1);
  metrics_inflight(params.metrics, 1);
}

static void request_end(struct conn *cs) {
  if (!cs->active)
    return;
  cs->active = false;
  /* A deferred answer the resumed connection never took, should MHD end
   * the request without calling the handler again (it does call it when
   * the client left meanwhile: tests/soak/valgrind.sh): nothing else would
   * free it. A taken answer was moved out; a suspended request never ends
   * before it was completed (MHD closes suspended connections only in
   * MHD_stop_daemon, which the drain calls with none in flight). */
  svc_response_free(&cs->ticket.answer);
  if (cs->body.cap > SRV_BODY_KEEP)
    sb_free(&cs->body);
  else
    sb_reset(&cs->body);
  metrics_inflight(params.metrics, -1);
  state_inflight_add(-1);
}

static void on_connection(void *cls, struct MHD_Connection *c,
                          void **socket_context,
                          enum MHD_ConnectionNotificationCode code) {
  (void)cls;
  if (code == MHD_CONNECTION_NOTIFY_STARTED) {
    struct conn *cs = calloc(1, sizeof *cs);
    if (cs != NULL) {
      cs->mhd = c;
      cs->ticket.srv = cs;
      remote_of(c, cs->remote, sizeof cs->remote, &cs->remote_port);
    }
    *socket_context = cs; /* NULL: on_request closes the connection */
    return;
  }
  struct conn *cs = *socket_context;
  if (cs == NULL)
    return;
  request_end(cs);
  sb_free(&cs->body);
  free(cs);
  *socket_context = NULL;
}

static void on_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                         enum MHD_RequestTerminationCode toe) {
  struct conn *cs = *con_cls;

  (void)cls;
  (void)c;
  (void)toe;
  if (cs != NULL)
    request_end(cs);
  *con_cls = NULL;
}

static enum MHD_Result accept_policy(void *cls, const struct sockaddr *addr,
                                     socklen_t addrlen) {
  (void)cls;
  (void)addr;
  (void)addrlen;
  return atomic_load_explicit(&refusing, memory_order_relaxed) ? MHD_NO
                                                               : MHD_YES;
}

/* ---- request lookups (svc.h) -------------------------------------------- */

static const char *lookup(void *conn, enum svc_lookup_kind kind,
                          const char *key) {
  struct conn *cs = conn;
  return MHD_lookup_connection_value(
      cs->mhd,
      kind == SVC_LOOKUP_QUERY ? MHD_GET_ARGUMENT_KIND : MHD_HEADER_KIND, key);
}

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
    const struct conn *cs = req->conn;
    MHD_get_connection_values_n(cs->mhd, kind, foreach_one, &job);
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

/* ---- prepared responses of static bodies -------------------------------- */

struct prepared {
  const char *body;
  size_t len;
  int status;
  const char *ctype;
  struct MHD_Response *r;
};

/* Published once (compare-and-swap), read without locks, freed by
 * srv_stop. */
static struct prepared *_Atomic cache[SRV_CACHE];

static bool same(const struct prepared *p, const struct svc_response *resp,
                 const char *ctype) {
  return p->body == resp->body && p->len == resp->body_len &&
         p->status == resp->status && p->ctype == ctype;
}

static struct MHD_Response *build_static(const struct svc_response *resp,
                                         const char *ctype) {
  struct MHD_Response *r = MHD_create_response_from_buffer(
      resp->body_len, resp->body, MHD_RESPMEM_PERSISTENT);
  if (r != NULL && ctype != NULL &&
      MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, ctype) !=
          MHD_YES) {
    MHD_destroy_response(r);
    r = NULL;
  }
  return r;
}

/* The prepared response for resp's static body, made on first use; NULL
 * when none can be made or kept (the caller builds one for this request). */
static struct MHD_Response *cache_get(const struct svc_response *resp,
                                      const char *ctype) {
  struct prepared *mine = NULL;

  for (size_t i = 0; i < SRV_CACHE; i++) {
    struct prepared *p = atomic_load(&cache[i]);
    if (p == NULL) {
      if (mine == NULL) {
        mine = malloc(sizeof *mine);
        if (mine == NULL)
          return NULL;
        *mine = (struct prepared){.body = resp->body,
                                  .len = resp->body_len,
                                  .status = resp->status,
                                  .ctype = ctype,
                                  .r = build_static(resp, ctype)};
        if (mine->r == NULL) {
          free(mine);
          return NULL;
        }
      }
      if (atomic_compare_exchange_strong(&cache[i], &p, mine))
        return mine->r;
      /* another thread took the slot: p is its entry */
    }
    if (same(p, resp, ctype)) {
      if (mine != NULL) {
        MHD_destroy_response(mine->r);
        free(mine);
      }
      return p->r;
    }
  }
  if (mine != NULL) {
    MHD_destroy_response(mine->r);
    free(mine);
  }
  return NULL;
}

static void cache_free(void) {
  for (size_t i = 0; i < SRV_CACHE; i++) {
    struct prepared *p = atomic_exchange(&cache[i], NULL);
    if (p != NULL) {
      MHD_destroy_response(p->r);
      free(p);
    }
  }
}

/* ---- answering ------------------------------------------------------- */

/* Hands resp to MHD (a malloc'd body moves into MHD's ownership), then
 * counts and logs the request. resp is empty afterwards. */
static enum MHD_Result respond(struct conn *cs, const char *method,
                               const char *url, const char *version,
                               struct svc_response *resp) {
  struct MHD_Response *r = NULL;
  bool shared = false;
  const char *ctype = svc_resp_content_type(resp);
  /* While draining, close kept-alive connections after this response.
   * Also when the body was not read to its end (413, bad framing): the
   * rest of it is still on the wire. */
  bool close = svc_draining() || cs->too_large || cs->unread;

  if (ctype == NULL) /* 204/304: no body, no Content-Type */
    svc_resp_take(resp, resp->status, NULL, NULL, 0);
  if (resp->body_static && resp->nheaders == 0 && !close) {
    r = cache_get(resp, ctype);
    shared = r != NULL;
  }
  if (r == NULL) {
    if (resp->fill != NULL) {
      /* svc_fill_fn has MHD's reader signature: -1 is END_OF_STREAM, which
       * for a response of known size closes the connection (svc.h) */
      r = MHD_create_response_from_callback(resp->body_len, SRV_STREAM_BLOCK,
                                            resp->fill, resp->fill_cls,
                                            resp->fill_free);
    } else {
      r = MHD_create_response_from_buffer(
          resp->body_len, resp->body,
          resp->body_static ? MHD_RESPMEM_PERSISTENT : MHD_RESPMEM_MUST_FREE);
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
    if (close)
      MHD_add_response_header(r, MHD_HTTP_HEADER_CONNECTION, "close");
  }
  enum MHD_Result ret = MHD_queue_response(cs->mhd, (unsigned)resp->status, r);
  if (!shared)
    MHD_destroy_response(r);
  cs->responded = true;

  double secs = (double)(now_ns() - cs->start_ns) / 1e9;
  size_t route = cs->route < 0 ? params.nroutes : (size_t)cs->route;
  metrics_observe(params.metrics, route, method, resp->status, secs);
  const struct log_access a = {
      .method = method,
      .path = url,
      .version = version,
      .remote = cs->remote,
      .remote_port = cs->remote_port,
      .status = resp->status,
      .bytes = strcmp(method, "HEAD") == 0 ? 0 : resp->body_len,
      .seconds = secs};
  log_access(&a);
  svc_response_free(resp);
  return ret;
}

static enum MHD_Result respond_error(struct conn *cs, const char *method,
                                     const char *url, const char *version,
                                     int status, const char *msg) {
  struct svc_response resp = SVC_RESPONSE_INIT;
  if (svc_resp_error(&resp, status, msg) < 0)
    return MHD_NO;
  return respond(cs, method, url, version, &resp);
}

/* What the framing headers say, from one walk over the headers. */
struct framing {
  unsigned ncl;
  const char *cl; /* the (last) Content-Length */
  const char *te; /* the first Transfer-Encoding */
};

static enum MHD_Result scan_header(void *cls, enum MHD_ValueKind kind,
                                   const char *key, const char *value) {
  struct framing *f = cls;
  (void)kind;
  if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
    f->ncl++;
    f->cl = value;
  } else if (f->te == NULL &&
             strcasecmp(key, MHD_HTTP_HEADER_TRANSFER_ENCODING) == 0) {
    f->te = value;
  }
  return MHD_YES;
}

/* The first call of a request, its headers in: framing that MHD 0.9.75
 * accepts but a server behind a proxy must refuse (request smuggling, RFC
 * 9112 section 6): several Content-Length headers (400), or a transfer
 * coding other than chunked (501), which MHD would wait on until the
 * connection times out; and a Content-Length over --max-body, refused
 * before any of the body is read (413). */
static enum MHD_Result check_headers(struct conn *cs, const char *method,
                                     const char *url, const char *version) {
  struct framing f = {0, NULL, NULL};
  uint64_t len;

  MHD_get_connection_values(cs->mhd, MHD_HEADER_KIND, scan_header, &f);
  if (f.ncl > 1) {
    cs->unread = true;
    return respond_error(cs, method, url, version, SVC_BAD_REQUEST,
                         "more than one Content-Length header");
  }
  if (f.te != NULL && strcasecmp(f.te, "chunked") != 0) {
    cs->unread = true;
    return respond_error(cs, method, url, version, SVC_NOT_IMPLEMENTED,
                         "transfer coding not implemented (only chunked)");
  }
  if (f.cl != NULL &&
      num_parse_u64(f.cl, strlen(f.cl), UINT64_MAX, &len) == NUM_OK &&
      len > params.cfg->max_body) {
    cs->too_large = true;
    return respond_error(cs, method, url, version, SVC_PAYLOAD_TOO_LARGE,
                         "request body too large");
  }
  return MHD_YES;
}

/* A chunk of the body: kept, or counted and dropped past the limit. */
static enum MHD_Result take_body(struct conn *cs, const char *upload,
                                 size_t n) {
  if (cs->responded)
    return MHD_YES; /* discard: the answer is queued */
  if (cs->too_large || n > params.cfg->max_body - cs->received) {
    /* A chunked body grew past the limit. MHD 0.9 cannot queue a response
     * in the middle of an upload, so discard a bounded amount more and
     * answer 413 at its end; a client that keeps sending past that bound
     * is cut off without an answer. */
    cs->too_large = true;
    sb_free(&cs->body);
    cs->discarded += n;
    return cs->discarded > SRV_DISCARD_MAX ? MHD_NO : MHD_YES;
  }
  cs->received += n;
  return sb_append(&cs->body, upload, n) < 0 ? MHD_NO : MHD_YES;
}

/* The request is complete: route it (once), run its handler, answer. */
static enum MHD_Result serve(struct conn *cs, const char *method,
                             const char *url, const char *version) {
  static const char starting[] = "{\"error\": \"starting\", \"status\": 503}\n";
  struct svc_response resp = SVC_RESPONSE_INIT;
  struct svc_request req = {.method = method,
                            .path = url,
                            .version = version,
                            .body = cs->body.buf,
                            .body_len = cs->body.len,
                            .remote_addr = cs->remote,
                            .remote_port = cs->remote_port,
                            .lookup = lookup,
                            .conn = cs};
  char allow[ROUTE_ALLOW_MAX];
  size_t idx = 0;

  enum route_status st =
      route_match(params.routes, params.nroutes, method, url, &idx, cs->param,
                  sizeof cs->param, allow, sizeof allow);
  if (st != ROUTE_NOT_FOUND && idx < params.nservice && !state_init_done()) {
    /* init has not finished: the service's state is not there yet */
    cs->route = (long)idx;
    svc_resp_static(&resp, SVC_UNAVAILABLE, "application/json", starting,
                    sizeof starting - 1);
    return respond(cs, method, url, version, &resp);
  }
  req.ctx = state_ctx();
  cs->route =
      route_answer(params.routes, st, idx, allow, cs->param, &req, &resp);
  if (resp.pending != NULL) {
    /* suspended (srv_defer): the answer comes back through the ticket */
    resp.pending = NULL;
    svc_response_free(&resp);
    return MHD_YES;
  }
  return respond(cs, method, url, version, &resp);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls) {
  struct conn *cs = *con_cls;

  (void)cls;
  if (cs == NULL) {
    /* First call: headers are in. */
    const union MHD_ConnectionInfo *ci =
        MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
    cs = ci != NULL ? ci->socket_context : NULL;
    if (cs == NULL)
      return MHD_NO; /* no state: out of memory at connect */
    *con_cls = cs;
    request_begin(cs);
    return check_headers(cs, method, url, version);
  }
  if (*upload_size > 0) {
    size_t n = *upload_size;
    *upload_size = 0;
    return take_body(cs, upload, n);
  }
  if (cs->responded)
    return MHD_YES;
  if (cs->deferred) {
    /* resumed: svc_complete stored the answer before resuming */
    if (!atomic_load(&cs->ticket.done))
      return MHD_YES;
    struct svc_response resp = cs->ticket.answer;
    memset(&cs->ticket.answer, 0, sizeof cs->ticket.answer);
    if (resp.status < 100 || resp.status > 599) {
      svc_log(SVC_LOG_ERROR,
              "deferred answer to %s %s with invalid status "
              "%d: answering 500",
              method, url, resp.status);
      svc_response_free(&resp);
      svc_resp_error(&resp, SVC_INTERNAL_ERROR, "internal error");
    }
    return respond(cs, method, url, version, &resp);
  }
  if (cs->too_large)
    return respond_error(cs, method, url, version, SVC_PAYLOAD_TOO_LARGE,
                         "request body too large");
  return serve(cs, method, url, version);
}

/* ---- deferred answers (defer.h) ----------------------------------------- */

struct svc_ticket *srv_defer(void *conn, struct svc_response *resp) {
  struct conn *cs = conn;

  if (cs->deferred || resp->pending != NULL)
    return NULL;
  cs->deferred = true;
  atomic_store(&cs->ticket.done, false);
  memset(&cs->ticket.answer, 0, sizeof cs->ticket.answer);
  resp->pending = &cs->ticket;
  MHD_suspend_connection(cs->mhd);
  return &cs->ticket;
}

void srv_complete(struct svc_ticket *t, struct svc_response *answer) {
  struct conn *cs = t->srv;

  t->answer = *answer;
  memset(answer, 0, sizeof *answer);
  atomic_store(&t->done, true);
  MHD_resume_connection(cs->mhd);
}

/* ---- the daemon ----------------------------------------------------------- */

static void mhd_logger(void *cls, const char *fmt, va_list ap) {
  char msg[512];
  (void)cls;
  vsnprintf(msg, sizeof msg, fmt, ap);
  size_t n = strlen(msg);
  while (n > 0 && (msg[n - 1] == '\n' || msg[n - 1] == ' '))
    msg[--n] = '\0';
  svc_log(SVC_LOG_WARN, "libmicrohttpd: %s", msg);
}

int srv_start(const struct srv_params *p) {
  struct sockaddr_storage ss;
  const struct svc_config *cfg = p->cfg;
  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_EPOLL |
                   MHD_ALLOW_SUSPEND_RESUME | MHD_USE_ERROR_LOG;

  params = *p;
  atomic_store(&refusing, false);
  memset(&ss, 0, sizeof ss);
  struct sockaddr_in *in = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
  if (inet_pton(AF_INET, cfg->listen, &in->sin_addr) == 1) {
    in->sin_family = AF_INET;
    in->sin_port = htons((uint16_t)cfg->port);
  } else {
    /* cfg_parse accepted it, so it is IPv6 */
    inet_pton(AF_INET6, cfg->listen, &in6->sin6_addr);
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons((uint16_t)cfg->port);
    /* "::" means every address, IPv4 included */
    flags |= IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr) ? MHD_USE_DUAL_STACK
                                                      : MHD_USE_IPv6;
  }
  /* The pool option only for a pool: MHD warns about a size of 1. */
  struct MHD_OptionItem pool[] = {
      {p->threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END,
       (intptr_t)p->threads, NULL},
      {MHD_OPTION_END, 0, NULL},
  };
  errno = 0;
  daemon_ = MHD_start_daemon(
      flags, (uint16_t)cfg->port, accept_policy, NULL, on_request, NULL,
      MHD_OPTION_EXTERNAL_LOGGER, mhd_logger, NULL, MHD_OPTION_SOCK_ADDR,
      (struct sockaddr *)&ss, MHD_OPTION_CONNECTION_TIMEOUT,
      (unsigned int)cfg->conn_timeout, MHD_OPTION_CONNECTION_LIMIT,
      (unsigned int)cfg->max_conns, MHD_OPTION_PER_IP_CONNECTION_LIMIT,
      (unsigned int)cfg->max_conns_per_ip, MHD_OPTION_CONNECTION_MEMORY_LIMIT,
      (size_t)cfg->conn_memory, MHD_OPTION_THREAD_STACK_SIZE,
      (size_t)SRV_THREAD_STACK, MHD_OPTION_NOTIFY_COMPLETED, on_completed, NULL,
      MHD_OPTION_NOTIFY_CONNECTION, on_connection, NULL,
      /* RFC 9112: an HTTP/1.1 request without Host is a 400 */
      MHD_OPTION_STRICT_FOR_CLIENT, (int)1, MHD_OPTION_ARRAY, pool,
      MHD_OPTION_END);
  return daemon_ != NULL ? 0 : -1;
}

void srv_refuse(void) { atomic_store(&refusing, true); }

void srv_stop(void) {
  if (daemon_ != NULL)
    MHD_stop_daemon(daemon_);
  daemon_ = NULL;
  cache_free();
}
