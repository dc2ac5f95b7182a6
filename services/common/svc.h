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
 *    demand, svc_resp_static() for a body in static storage (sent without
 *    a copy). Return 0 when resp is filled (any status, including 4xx),
 *    -1 on an internal failure: the layer then answers 500 and logs it.
 *    Handlers run on the event loop (see THREADING below) and MUST NOT
 *    BLOCK: no sleep, no waiting on a lock held for long, no file or
 *    database I/O. Work that would block is deferred: svc_defer() (the
 *    connection is suspended, no thread waits for it), then the work runs
 *    on a timer (svc_after) or a worker thread (work.h), and
 *    svc_complete() hands the answer over from there. Deferred waits end
 *    early enough for the drain (svc_after does it by itself).
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
 *             .def = "30000", .min = 0, .max = 3600000UL,
 *             .help = "longest ?wait= in milliseconds (0..1 h)",
 *             .num = &max_wait},
 *        };
 *    A bad value stops the program with exit 2 and a message such as
 *    `whoami: invalid --max-wait "x": must be an integer 0..3600000`.
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
 *    A handler that defers (svc_defer) answers in-process: call
 *    svc_await(&resp) after it (svc_dispatch does) to get the answer.
 *
 * THREADING
 * =========
 * libmicrohttpd runs event-driven: MHD_USE_EPOLL with one internal polling
 * thread, or a pool of --threads such threads (default: the CPUs the
 * process may use, see cpus.h), each with its own epoll set and its share
 * of the connections. No thread per connection: --max-conns bounds open
 * connections (each costs its --conn-memory pool), not threads. A handler
 * runs on the thread that polls its connection, so while it runs no other
 * connection of that thread is served: handlers compute, they never
 * block. Blocking work is deferred (svc_defer / svc_complete, svc_after,
 * work.h) and the connection is suspended meanwhile
 * (MHD_suspend_connection). Handlers of different connections run
 * concurrently when --threads > 1: shared state in a service needs its own
 * locking. The layer's own state (metrics, readiness, log) is thread-safe.
 */
#ifndef SL_COMMON_SVC_H
#define SL_COMMON_SVC_H

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
  const char *method;  /* "GET", "POST"...; HEAD requests show "HEAD" */
  const char *path;    /* decoded path without the query string */
  const char *param;   /* the {name} segment of a parameter route, else NULL */
  const char *version; /* "HTTP/1.1" */
  const char *body;    /* request body (not NUL-terminated), NULL if none */
  size_t body_len;
  const char *remote_addr; /* "127.0.0.1", "::1" */
  unsigned remote_port;
  void *ctx;                    /* what the service's init hook stored */
  const struct svc_kv *query;   /* fakes for tests (NULL-terminated) */
  const struct svc_kv *headers; /* fakes for tests (NULL-terminated) */
  svc_lookup_fn lookup;         /* set by the server; NULL in tests */
  void *conn;                   /* the server's state of the connection
                                   (opaque); NULL in tests
                                   (svc_req_foreach_* then walk .headers /
                                   .query, svc_defer answers in-process) */
};

/* HTTP status codes the layer and the services answer with: the enum's
 * values are the codes themselves, so a status is a status everywhere (a
 * handler may still set any code 100..599 in svc_response.status). */
enum svc_status {
  SVC_OK = 200,
  SVC_CREATED = 201,
  SVC_NO_CONTENT = 204,
  SVC_BAD_REQUEST = 400,
  SVC_NOT_FOUND = 404,
  SVC_METHOD_NOT_ALLOWED = 405,
  SVC_PAYLOAD_TOO_LARGE = 413,
  SVC_UNSUPPORTED_MEDIA_TYPE = 415,
  SVC_INTERNAL_ERROR = 500,
  SVC_NOT_IMPLEMENTED = 501,
  SVC_UNAVAILABLE = 503,
};

#define SVC_MAX_HEADERS 8

/* Producer of a streamed body (see svc_resp_stream): writes the bytes at
 * offset pos into buf (at most max bytes) and returns how many it wrote
 * (1..max), or -1 on failure (the server then closes the connection). */
typedef ssize_t (*svc_fill_fn)(void *cls, uint64_t pos, char *buf, size_t max);

struct svc_ticket;

/* What a handler fills. body is owned by the response (malloc'd) and freed
 * by svc_response_free (the server hands it to MHD without copying),
 * unless body_static is set (svc_resp_static: borrowed, never freed). A
 * streamed response has body NULL and fill set instead. */
struct svc_response {
  int status; /* an enum svc_status, or any code 100..599 */
  const char
      *content_type; /* static string, e.g. "text/plain; charset=utf-8" */
  char *body;
  size_t body_len;  /* bytes of body, or that fill produces */
  bool body_static; /* body is static storage: not freed */
  svc_fill_fn fill; /* streamed body, see svc_resp_stream */
  void *fill_cls;
  void (*fill_free)(void *cls);
  size_t nheaders;
  struct {
    char *name;  /* owns one allocation with the value */
    char *value; /* points into name's allocation */
  } headers[SVC_MAX_HEADERS];
  struct svc_ticket *pending; /* fake requests only: a deferred answer not
                                 yet awaited (svc_await) */
};
#define SVC_RESPONSE_INIT                                                      \
  { 0 }

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
  const char *flag; /* without the leading "--" */
  const char *env;  /* environment variable name, or NULL */
  enum svc_opt_type type;
  const char *def;        /* default, as text (parsed like user input) */
  unsigned long min, max; /* SVC_OPT_UINT: accepted range, inclusive */
  const char *help;       /* one line for --help */
  const char **str;       /* SVC_OPT_STRING: where the value goes (borrowed
                          from argv/environ/def, valid for the program) */
  unsigned long *num;     /* SVC_OPT_UINT: where the value goes */
};

enum svc_log_format { SVC_LOG_JSON, SVC_LOG_TEXT };
enum svc_log_level { SVC_LOG_ERROR, SVC_LOG_WARN, SVC_LOG_INFO, SVC_LOG_DEBUG };

/* The common configuration, after parsing (see docs/services-common.md). */
struct svc_config {
  char listen[64]; /* IPv4 or IPv6 literal */
  unsigned port;   /* 1..65535 */
  enum svc_log_format log_format;
  enum svc_log_level log_level;
  unsigned shutdown_grace; /* seconds */
  unsigned drain_delay;    /* seconds of /readyz 503 before quiescing */
  unsigned conn_timeout;   /* seconds of inactivity before MHD closes */
  unsigned threads;        /* event-loop threads; 0 = auto (cpus.h) */
  unsigned max_conns;      /* total open connections */
  unsigned max_conns_per_ip;
  size_t max_body;    /* bytes; bigger bodies get 413 */
  size_t conn_memory; /* per-connection memory limit (bytes) */
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
                    const char *fmt, ...) __attribute__((format(printf, 4, 5)));
/* A body in static storage (a string literal, a static array): borrowed,
 * never copied nor freed; the server sends it as it is and may keep one
 * prepared response per such body (no allocation per request). */
int svc_resp_static(struct svc_response *resp, int status, const char *ctype,
                    const char *body, size_t len);
/* Takes ownership of a malloc'd body (freed even on failure). */
int svc_resp_take(struct svc_response *resp, int status, const char *ctype,
                  char *body, size_t len);
/* A streamed body of exactly total bytes, produced on demand by fill(cls,
 * pos, buf, max) instead of held in memory (MHD's
 * MHD_create_response_from_callback), for bodies too big to allocate.
 * Contract:
 *  - fill runs later, after the handler returned, on the event loop
 *    thread of the connection (it must not block either), as the socket accepts data, with pos rising from 0 until total
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

/* ---- answering later ----------------------------------------------------
 * A handler whose answer needs blocking work defers it:
 *     struct svc_ticket *t = svc_defer(req, resp);
 *     if (t == NULL) return -1;
 *     ...hand t to a timer (svc_after) or a worker thread (work.h)...
 *     return 0;                        (resp untouched)
 * and later, on that thread, exactly once:
 *     struct svc_response answer = SVC_RESPONSE_INIT;
 *     svc_resp_...(&answer, ...);
 *     svc_complete(t, &answer);
 * Between the two the connection is suspended (MHD_suspend_connection):
 * no thread waits for it, it does not time out, and it counts as in flight
 * (the drain waits for it). The request (req and every string it points
 * to, headers included) must not be used after the handler returned: copy
 * what the deferred work needs. */

/* Suspends the request's connection and returns its ticket, or NULL when
 * req was deferred already or, for a fake request, when memory ran out.
 * On a fake request (conn NULL) nothing is suspended: the answer is kept
 * for svc_await. */
struct svc_ticket *svc_defer(const struct svc_request *req,
                             struct svc_response *resp);

/* Hands the answer of a deferred request over and resumes the connection;
 * the layer then sends it from the event loop (metrics, access log,
 * keep-alive as for any answer). Any thread, exactly once per ticket; the
 * ticket is invalid afterwards. *answer is moved: SVC_RESPONSE_INIT
 * afterwards. A status outside 100..599 is answered 500. */
void svc_complete(struct svc_ticket *t, struct svc_response *answer);

/* For unit tests: after a handler returned on a fake request, waits until
 * its deferred answer was completed (any thread) and moves it into resp.
 * Returns at once when the handler answered directly. */
void svc_await(struct svc_response *resp);

/* Calls fn(cls, cut) once, on the layer's timer thread, when ms
 * milliseconds have passed; or earlier while draining: no timer waits past
 * the drain start + --shutdown-grace - min(grace / 2, 1 s), so that what
 * it completes is answered within the grace (cut is then true). fn must
 * not block (svc_complete does not). 0, or -1 when the timer thread cannot
 * be started or memory ran out (fn is then never called). */
int svc_after(uint64_t ms, void (*fn)(void *cls, bool cut), void *cls);

/* Routes req through table (n entries) as the server does: sets req->param,
 * answers 404 / 405 (+Allow) / HEAD-as-GET itself, else calls the handler
 * (-1 from the handler becomes a 500). Returns the index of the matched
 * route, or -1 when no path matched (404). Writes req->param, so req must
 * be writable; the param storage (param_buf, param_len) is the caller's.
 * For unit tests and fuzzing (the server matches once per request and
 * answers through the same code): a deferred answer is awaited
 * (svc_await) before it returns. */
int svc_dispatch(const struct svc_route *table, size_t n,
                 struct svc_request *req, struct svc_response *resp,
                 char *param_buf, size_t param_len);

/* Logging to stderr in the configured format (json or text); messages are
 * lowercase "failure: cause". Thread-safe. */
void svc_log(enum svc_log_level level, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
