/* svc.h: the shared service layer of slimline, the public API for services.
 *
 * HOW TO WRITE A SERVICE (read this first)
 * ========================================
 * A service is a folder services/<name>/ with .c files and, optionally, a
 * service.mk (extra libraries and unit tests, see mk/services.mk). The layer
 * gives it config, routing, /healthz /readyz /metrics /version, an access
 * log, limits, graceful shutdown and --healthcheck. A service supplies:
 *
 * 1. Handlers. Signature:
 *        int handler(const struct svc_request *req, struct svc_response *resp);
 *    Read the request through req->method, req->path, req->param (the {id}
 *    part of a parameter route), svc_query(req, "key"), svc_header(req,
 *    "Name"), svc_req_foreach_header/_query (all, in order),
 *    req->body/req->body_len, req->remote_addr/remote_port,
 *    req->version, req->ctx (what the init hook stored). Fill resp with the
 *    helpers: svc_resp_text(), svc_resp_take(), svc_resp_error(),
 *    svc_resp_header(), svc_resp_stream() for a big body produced on
 *    demand. Return 0 when resp is filled (any status, including
 *    4xx), -1 on an internal failure: the layer then answers 500 and logs it.
 *    Handlers run concurrently, one thread per connection, and MAY BLOCK
 *    (sleep, wait on a mutex, write to SQLite): see "threading" below. A
 *    handler that waits for long should poll svc_draining() and give up
 *    early, by svc_drain_start() + the grace period at the latest.
 *    HEAD is answered with the GET handler; the layer drops the body.
 *
 * 2. A route table, designated initializers, static const:
 *        static const struct svc_route routes[] = {
 *            {.method = "GET",  .path = "/",           .handler = root},
 *            {.method = "POST", .path = "/notes",      .handler = create},
 *            {.method = "GET",  .path = "/notes/{id}", .handler = get_one},
 *        };
 *    A path whose last segment is "{name}" matches one non-empty segment
 *    (no '/', at most 255 bytes, else 404); its text, percent-decoded by
 *    MHD, is in req->param. Unknown path -> 404, known path
 *    with another method -> 405 with Allow. Built-in routes (/healthz,
 *    /readyz, /metrics, /version) come after the service's and cannot be
 *    shadowed by mistake: svc_main refuses a service route on these paths.
 *
 * 3. Optional service options, a table (flag wins over env, env over def):
 *        static const char *db_path;
 *        static unsigned long max_wait;
 *        static const struct svc_option opts[] = {
 *            {.flag = "db", .env = "NOTES_DB", .type = SVC_OPT_STRING,
 *             .def = "/data/notes.db", .help = "SQLite database path",
 *             .str = &db_path},
 *            {.flag = "max-wait", .env = "WHOAMI_MAX_WAIT", .type = SVC_OPT_UINT,
 *             .def = "30", .min = 0, .max = 3600, .help = "max ?wait= (s)",
 *             .num = &max_wait},
 *        };
 *    A bad value stops the program with exit 2 and a message such as
 *    `notes: invalid --max-wait "x": must be an integer 0..3600`.
 *
 * 4. The service descriptor and main():
 *        static const struct svc_service notes = {
 *            .name = "notes", .summary = "a small REST API over SQLite",
 *            .routes = routes, .nroutes = SVC_COUNT(routes),
 *            .options = opts, .noptions = SVC_COUNT(opts),
 *            .init = notes_init, .fini = notes_fini,
 *        };
 *        int main(int argc, char **argv) { return svc_main(&notes, argc, argv); }
 *    Keep main.c that thin: put handlers in another file so that unit tests
 *    can link them without main().
 *
 * 5. Lifecycle hooks (both optional):
 *        int  init(const struct svc_config *cfg, void **ctx, char *err, size_t errlen);
 *        void fini(void *ctx);
 *    Order: parse config (exit 2 on error) -> start the HTTP daemon
 *    (/readyz 503, /healthz 200) -> init, in its own thread while the main
 *    thread keeps taking signals (open the DB...; on -1 the layer
 *    prints "<svc>: init failure: <err>" on stderr, stops and exits 1) ->
 *    ready (/readyz 200) -> signal -> drain (/readyz 503, no new
 *    connections, in-flight requests finish) -> daemon stopped -> fini(ctx)
 *    -> exit 0. *ctx is handed to every handler as req->ctx. Service
 *    handlers are never called before init returned (the built-in probes
 *    are served meanwhile; service routes answer 503 "starting") nor after
 *    fini. A second signal during the drain exits at once with 128+signal
 *    (130 SIGINT, 143 SIGTERM) without fini; a drain that outlasts
 *    --shutdown-grace exits 1 without fini.
 *
 * 6. Unit-testing a handler without MHD: build a request by hand,
 *        const struct svc_kv q[] = {{"wait", "2"}, {NULL, NULL}};
 *        struct svc_request req = {.method = "GET", .path = "/", .query = q};
 *        struct svc_response resp = SVC_RESPONSE_INIT;
 *        assert_int_equal(handler(&req, &resp), 0);
 *        assert_int_equal(resp.status, 200);
 *        svc_response_free(&resp);
 *    svc_query()/svc_header()/svc_req_foreach_*() read the NULL-terminated
 *    .query/.headers arrays when the request did not come from the server. Link the test
 *    with the common library (mk/services.mk does it: UNIT_TESTS += ...).
 *    svc_dispatch() runs the full routing (404/405/HEAD) on a fake request.
 *
 * THREADING
 * =========
 * MHD runs with MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION
 * | MHD_USE_AUTO (poll): one listening thread accepts, and every connection
 * gets its own thread that reads, calls the handler and writes. A handler may
 * therefore block without stalling other clients (whoami ?wait=, SQLite
 * behind a mutex); the cost is one thread per open connection, bounded by
 * --max-conns. Shared state in a service needs its own locking. The layer's
 * own state (metrics, readiness, log) is thread-safe.
 */
#ifndef SL_SVC_H
#define SL_SVC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#define SVC_COUNT(a) (sizeof(a) / sizeof((a)[0]))

/* A name/value pair; arrays of them end with {NULL, NULL}. */
struct svc_kv {
  const char *key;
  const char *value;
};

/* Lookup seam used by the server: kind is SVC_LOOKUP_QUERY or _HEADER.
 * Returns the value (borrowed for the request's lifetime) or NULL. */
enum svc_lookup_kind { SVC_LOOKUP_QUERY, SVC_LOOKUP_HEADER };
typedef const char *(*svc_lookup_fn)(void *conn, enum svc_lookup_kind kind,
                                     const char *key);

/* Visitor for svc_req_foreach_*: key and value with their lengths (both
 * also NUL-terminated; value is NULL for a query argument without '=').
 * Return 0 to go on, non-zero to stop. */
typedef int (*svc_kv_fn)(void *cls, const char *key, size_t key_len,
                         const char *value, size_t value_len);

/* What a handler sees. Every pointer is borrowed until the handler returns. */
struct svc_request {
  const char *method;   /* "GET", "POST"...; HEAD requests show "HEAD" */
  const char *path;     /* decoded path without the query string */
  const char *param;    /* the {name} segment of a parameter route, else NULL */
  const char *version;  /* "HTTP/1.1" */
  const char *body;     /* request body (not NUL-terminated), NULL if none */
  size_t body_len;
  const char *remote_addr; /* "127.0.0.1", "::1" */
  unsigned remote_port;
  void *ctx;               /* what the service's init hook stored */
  const struct svc_kv *query;   /* fakes for tests (NULL-terminated) */
  const struct svc_kv *headers; /* fakes for tests (NULL-terminated) */
  svc_lookup_fn lookup;         /* set by the server; NULL in tests */
  void *conn;                   /* opaque server connection; NULL in
                                   tests (svc_req_foreach_* then walk
                                   .headers / .query) */
};

#define SVC_MAX_HEADERS 8

/* Producer of a streamed body (see svc_resp_stream): writes the bytes at
 * offset pos into buf (at most max bytes) and returns how many it wrote
 * (1..max), or -1 on failure (the server then closes the connection). */
typedef ssize_t (*svc_fill_fn)(void *cls, uint64_t pos, char *buf, size_t max);

/* What a handler fills. body is owned by the response (malloc'd) and freed
 * by svc_response_free (the server hands it to MHD without copying). A
 * streamed response has body NULL and fill set instead. */
struct svc_response {
  int status;
  const char *content_type; /* static string, e.g. "text/plain; charset=utf-8" */
  char *body;
  size_t body_len;          /* bytes of body, or that fill produces */
  svc_fill_fn fill;         /* streamed body, see svc_resp_stream */
  void *fill_cls;
  void (*fill_free)(void *cls);
  size_t nheaders;
  struct {
    char *name;
    char *value;
  } headers[SVC_MAX_HEADERS];
};
#define SVC_RESPONSE_INIT {0}

typedef int (*svc_handler)(const struct svc_request *req,
                           struct svc_response *resp);

struct svc_route {
  const char *method;
  const char *path; /* exact, or ending in a "{name}" segment */
  svc_handler handler;
};

enum svc_opt_type { SVC_OPT_STRING, SVC_OPT_UINT };

/* A service option: --<flag> VALUE or --<flag>=VALUE, env <env>. */
struct svc_option {
  const char *flag;    /* without the leading "--" */
  const char *env;     /* environment variable name, or NULL */
  enum svc_opt_type type;
  const char *def;     /* default, as text (parsed like user input) */
  unsigned long min, max; /* SVC_OPT_UINT: accepted range, inclusive */
  const char *help;    /* one line for --help */
  const char **str;    /* SVC_OPT_STRING: where the value goes (borrowed
                          from argv/environ/def, valid for the program) */
  unsigned long *num;  /* SVC_OPT_UINT: where the value goes */
};

enum svc_log_format { SVC_LOG_JSON, SVC_LOG_TEXT };
enum svc_log_level { SVC_LOG_ERROR, SVC_LOG_WARN, SVC_LOG_INFO, SVC_LOG_DEBUG };

/* The common configuration, after parsing (see docs/services-common.md). */
struct svc_config {
  char listen[64];          /* IPv4 or IPv6 literal */
  unsigned port;            /* 1..65535 */
  enum svc_log_format log_format;
  enum svc_log_level log_level;
  unsigned shutdown_grace;  /* seconds */
  unsigned drain_delay;     /* seconds of /readyz 503 before quiescing */
  unsigned conn_timeout;    /* seconds of inactivity before MHD closes */
  unsigned max_conns;       /* total */
  unsigned max_conns_per_ip;
  size_t max_body;          /* bytes; bigger bodies get 413 */
  size_t conn_memory;       /* per-connection memory limit (bytes) */
};

struct svc_service {
  const char *name;
  const char *summary; /* one line for --help */
  const struct svc_route *routes;
  size_t nroutes;
  const struct svc_option *options;
  size_t noptions;
  int (*init)(const struct svc_config *cfg, void **ctx, char *err,
              size_t errlen);
  void (*fini)(void *ctx);
};

/* Runs the service: config, daemon, init, signals, drain, fini. Returns the
 * process exit status: 0 clean stop, 1 runtime failure (daemon, init,
 * grace expired), 2 bad configuration. --help/--version print and return 0;
 * --healthcheck returns 0 (healthy) or 1. */
int svc_main(const struct svc_service *svc, int argc, char **argv);

/* Query argument / request header (case-insensitive) by name, or NULL. */
const char *svc_query(const struct svc_request *req, const char *key);
const char *svc_header(const struct svc_request *req, const char *name);

/* Every request header (svc_req_foreach_header) or query argument
 * (svc_req_foreach_query) in received order, repeated names kept, passed
 * to cb until it returns non-zero. Strings are borrowed until the handler
 * returns. From the server, query keys and values are percent-decoded.
 * On a fake request (conn NULL) the .headers / .query arrays are walked
 * instead. Returns the number of pairs cb was called with. (In svc.c, not
 * resp.c: a static binary that never iterates links none of it.) */
size_t svc_req_foreach_header(const struct svc_request *req, svc_kv_fn cb,
                              void *cls);
size_t svc_req_foreach_query(const struct svc_request *req, svc_kv_fn cb,
                             void *cls);

/* True once a shutdown signal arrived: long waits should end early. */
bool svc_draining(void);
/* When draining began: 0 and *at = the CLOCK_MONOTONIC time the first
 * shutdown signal was taken (the start of --shutdown-grace), or -1 (at
 * untouched) when not draining. A handler that waits should end by
 * at + grace (less a margin), not by its own start + grace: a request may
 * arrive on a kept-alive connection long after the signal. Thread-safe. */
int svc_drain_start(struct timespec *at);

/* Response helpers. All return 0, or -1 on allocation failure (resp keeps
 * what it had). Setting a body replaces (and frees) an earlier one. */
/* Copies body (len bytes). */
int svc_resp_set(struct svc_response *resp, int status, const char *ctype,
                 const char *body, size_t len);
/* Copies the NUL-terminated text. */
int svc_resp_text(struct svc_response *resp, int status, const char *ctype,
                  const char *text);
/* printf into the body. */
int svc_resp_printf(struct svc_response *resp, int status, const char *ctype,
                    const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Takes ownership of a malloc'd body (freed even on failure). */
int svc_resp_take(struct svc_response *resp, int status, const char *ctype,
                  char *body, size_t len);
/* A streamed body of exactly total bytes, produced on demand by fill(cls,
 * pos, buf, max) instead of held in memory (MHD's
 * MHD_create_response_from_callback), for bodies too big to allocate.
 * Contract:
 *  - fill runs later, after the handler returned, in the connection's
 *    thread, as the socket accepts data, with pos rising from 0 until total
 *    bytes were produced and max never above total - pos; never for HEAD,
 *    for total 0, nor for a bodiless status. cls must therefore outlive the handler: allocate it (or use
 *    static data), never point it at the handler's stack.
 *  - free_cb(cls) (may be NULL) runs exactly once when the layer is done
 *    with cls: after the last fill, or when the client went away, or at
 *    svc_response_free/replacement if the response never reached the
 *    server (unit tests, a handler failure). Same thread as fill.
 *  - Setting another body (svc_resp_set, _take, _error...) releases the
 *    stream (free_cb runs); svc_resp_stream releases an earlier body.
 * Returns 0, or -1 when total does not fit in size_t (free_cb has run). */
int svc_resp_stream(struct svc_response *resp, int status, const char *ctype,
                    uint64_t total, svc_fill_fn fill, void *cls,
                    void (*free_cb)(void *cls));
/* {"error": "<msg>", "status": N} as application/json. */
int svc_resp_error(struct svc_response *resp, int status, const char *msg);
/* Adds a header (copied); -1 also when SVC_MAX_HEADERS are set already. */
int svc_resp_header(struct svc_response *resp, const char *name,
                    const char *value);
/* True for statuses that carry no body and no Content-Type (1xx, 204,
 * 304, RFC 9110 6.4.1): the server drops a body a handler set for them. */
bool svc_status_bodiless(int status);
/* The Content-Type the server sends for resp: NULL for a bodiless status,
 * else resp->content_type, else "application/octet-stream". */
const char *svc_resp_content_type(const struct svc_response *resp);
/* Frees body (or releases a stream: free_cb) and headers; resp is
 * SVC_RESPONSE_INIT again. */
void svc_response_free(struct svc_response *resp);

/* Routes req through table (n entries) as the server does: sets req->param,
 * answers 404 / 405 (+Allow) / HEAD-as-GET itself, else calls the handler
 * (-1 from the handler becomes a 500). Returns the index of the matched
 * route, or -1 when no path matched (404). Writes req->param, so req must
 * be writable; the param storage (param_buf, param_len) is the caller's. */
int svc_dispatch(const struct svc_route *table, size_t n,
                 struct svc_request *req, struct svc_response *resp,
                 char *param_buf, size_t param_len);

/* Logging to stderr in the configured format (json or text); messages are
 * lowercase "failure: cause". Thread-safe. */
void svc_log(enum svc_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
