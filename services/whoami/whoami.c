/* whoami.c: handlers, options and the service descriptor (see whoami.h).
 *
 * Handlers run on the layer's event loop and never block: ?wait= renders
 * the answer at once, defers it (svc_defer) and hands it to the layer's
 * timer (svc_after), which completes it when the wait is over, or earlier
 * when the service drains. Headers and query arguments are read in
 * received order through svc_req_foreach_header/_query, which also walk
 * the fake arrays of unit-test requests; /data is streamed
 * (svc_resp_stream). */
#include "whoami.h"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "host.h"
#include "parse.h"
#include "render.h"
#include "sb.h"

#define CT_TEXT "text/plain; charset=utf-8"
#define CT_JSON "application/json"
#define CT_DATA "application/octet-stream"

/* ---- request facts ---------------------------------------------------- */

/* The first KV_INLINE items live in the list itself (a request's headers
 * usually fit), more on the heap. kv_init sets the list up without zeroing
 * the inline room (this is every request's path); kv_free releases it. */
#define KV_INLINE 16
struct kv_list {
  struct whoami_header *items; /* inline or heap */
  size_t n;
  size_t cap;
  int failed;
  struct whoami_header inline_items[KV_INLINE];
};

static void kv_init(struct kv_list *l) {
  l->items = l->inline_items;
  l->n = 0;
  l->cap = KV_INLINE;
  l->failed = 0;
}

static void kv_add(struct kv_list *l, const char *key, size_t key_len,
                   const char *value, size_t value_len) {
  if (l->failed)
    return;
  if (l->n == l->cap) {
    size_t cap = l->cap * 2;
    struct whoami_header *items = malloc(cap * sizeof *items);
    if (items == NULL) {
      l->failed = 1;
      return;
    }
    memcpy(items, l->items, l->n * sizeof *items);
    if (l->items != l->inline_items)
      free(l->items);
    l->items = items;
    l->cap = cap;
  }
  l->items[l->n++] = (struct whoami_header){
      .name = key, .name_len = key_len, .value = value, .value_len = value_len};
}

static int kv_collect(void *cls, const char *key, size_t key_len,
                      const char *value, size_t value_len) {
  kv_add(cls, key, key_len, value, value_len);
  return 0;
}

static void kv_free(struct kv_list *l) {
  if (l->items != l->inline_items)
    free(l->items);
}

/* Headers (or query arguments) of req in received order into l. Values are
 * borrowed from the request. 0, or -1 on allocation failure. */
static int collect(const struct svc_request *req, int query,
                   struct kv_list *l) {
  if (query)
    svc_req_foreach_query(req, kv_collect, l);
  else
    svc_req_foreach_header(req, kv_collect, l);
  return l->failed ? -1 : 0;
}

/* ---- ?wait= ------------------------------------------------------------- */

/* CLOCK_MONOTONIC in nanoseconds. Waits are measured in ns, not ms: a
 * start rounded down to the millisecond let a wait end up to 1 ms short. */
static uint64_t now_ns(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* A deferred answer waiting for its ?wait= to pass. */
struct waiting {
  struct svc_ticket *ticket;
  struct svc_response resp; /* rendered when the request came */
  uint64_t start_ns;
};

/* The timer's callback (svc_after): adds how long the request waited and
 * whether the drain cut it short, then hands the answer over. */
static void wait_over(void *cls, bool cut) {
  struct waiting *w = cls;
  char waited[32];

  snprintf(waited, sizeof waited, "%" PRIu64,
           (now_ns() - w->start_ns) / 1000000u);
  if (svc_resp_header(&w->resp, "X-Whoami-Waited-Ms", waited) < 0 ||
      (cut && svc_resp_header(&w->resp, "X-Whoami-Wait-Cut", "draining") < 0)) {
    svc_response_free(&w->resp);
    svc_resp_error(&w->resp, SVC_INTERNAL_ERROR, "internal error");
  }
  svc_complete(w->ticket, &w->resp);
  free(w);
}

/* Answers resp after ms milliseconds (see wait_over): 0, or -1 with resp
 * untouched when nothing was deferred. */
static int answer_after(const struct svc_request *req,
                        struct svc_response *resp, uint64_t ms) {
  struct waiting *w = calloc(1, sizeof *w);

  if (w == NULL)
    return -1;
  w->start_ns = now_ns();
  w->ticket = svc_defer(req, resp);
  if (w->ticket == NULL) {
    free(w);
    return -1;
  }
  /* the rendered answer moves into w; resp keeps only its mark of a
   * deferred answer (svc_defer set it) */
  w->resp = *resp;
  w->resp.pending = NULL;
  struct svc_ticket *mark = resp->pending;
  memset(resp, 0, sizeof *resp);
  resp->pending = mark;
  if (svc_after(ms, wait_over, w) < 0) {
    /* no timer: answer at once rather than never */
    svc_log(SVC_LOG_ERROR, "cannot start a timer for ?wait=: answering 503");
    svc_response_free(&w->resp);
    svc_resp_error(&w->resp, SVC_UNAVAILABLE, "cannot wait now");
    svc_complete(w->ticket, &w->resp);
    free(w);
  }
  return 0;
}

/* ---- handlers ------------------------------------------------------------ */

/* The echo, as JSON when json is set, else text. With ?wait= the answer is
 * rendered now and sent when the wait is over (answer_after). */
static int echo(const struct svc_request *req, struct svc_response *resp,
                int json) {
  const struct whoami_ctx *ctx = req->ctx;
  const char *wait = svc_query(req, "wait");
  const struct whoami_host *host = NULL;
  struct kv_list headers;
  struct kv_list args;
  struct sb url = SB_INIT;
  struct sb body = SB_INIT;
  struct whoami_info info;
  char err[256];
  uint64_t wait_ms = 0;
  char *out;
  size_t len;
  int rc = -1;

  kv_init(&headers);
  kv_init(&args);
  if (wait != NULL) {
    if (whoami_parse_duration(wait, UINT64_MAX, &wait_ms, err, sizeof err) <
        0) {
      rc = svc_resp_error(resp, SVC_BAD_REQUEST, err);
      goto cleanup;
    }
    if (wait_ms > ctx->max_wait_ms) {
      snprintf(err, sizeof err,
               "invalid wait: %" PRIu64 " ms exceeds the maximum of %" PRIu64
               " ms (--max-wait, WHOAMI_MAX_WAIT)",
               wait_ms, ctx->max_wait_ms);
      rc = svc_resp_error(resp, SVC_BAD_REQUEST, err);
      goto cleanup;
    }
  }
  host = whoami_host_acquire(err, sizeof err);
  if (host == NULL) {
    svc_log(SVC_LOG_ERROR, "cannot answer %s: %s", req->path, err);
    goto cleanup;
  }
  if (collect(req, 0, &headers) < 0 || collect(req, 1, &args) < 0 ||
      whoami_url_build(&url, req->path, args.items, args.n) < 0)
    goto cleanup;
  info = (struct whoami_info){
      .hostname = host->hostname,
      .addrs = host->addrs,
      .naddrs = host->naddrs,
      .remote_addr = req->remote_addr,
      .remote_port = req->remote_port,
      .method = req->method,
      .url = url.buf != NULL ? url.buf : "",
      .version = req->version,
      .headers = headers.items,
      .nheaders = headers.n,
      .host_text = host->text,
      .host_text_len = host->text_len,
      .host_json = host->json,
      .host_json_len = host->json_len,
  };
  /* one allocation for the whole answer in the common case */
  sb_reserve(&body, host->text_len + host->json_len + 512);
  if ((json ? whoami_render_json(&body, &info)
            : whoami_render_text(&body, &info)) < 0)
    goto cleanup;
  out = sb_steal(&body, &len);
  if (out == NULL)
    goto cleanup;
  if (svc_resp_take(resp, SVC_OK, json ? CT_JSON : CT_TEXT, out, len) < 0 ||
      svc_resp_header(resp, "Cache-Control", "no-store") < 0 ||
      svc_resp_header(resp, "Vary", "Accept") < 0)
    goto cleanup;
  if (wait != NULL && answer_after(req, resp, wait_ms) < 0)
    goto cleanup;
  rc = 0;
cleanup:
  whoami_host_release(host);
  kv_free(&headers);
  kv_free(&args);
  sb_free(&url);
  sb_free(&body);
  return rc;
}

int whoami_root(const struct svc_request *req, struct svc_response *resp) {
  return echo(req, resp, whoami_accept_json(svc_header(req, "Accept")));
}

int whoami_api(const struct svc_request *req, struct svc_response *resp) {
  return echo(req, resp, 1);
}

/* The /data body: zeros, as many as the layer asks for (it never asks
 * past the total, svc.h). */
static ssize_t zero_fill(void *cls, uint64_t pos, char *buf, size_t max) {
  (void)cls;
  (void)pos;
  memset(buf, 0, max);
  return (ssize_t)max;
}

int whoami_data(const struct svc_request *req, struct svc_response *resp) {
  const struct whoami_ctx *ctx = req->ctx;
  const char *text = svc_query(req, "size");
  char err[256];
  uint64_t size;

  if (text == NULL)
    return svc_resp_error(resp, SVC_BAD_REQUEST,
                          "missing size: use /data?size=N");
  if (whoami_parse_size(text, UINT64_MAX, &size, err, sizeof err) < 0)
    return svc_resp_error(resp, SVC_BAD_REQUEST, err);
  if (size > ctx->max_data) {
    snprintf(err, sizeof err,
             "invalid size: %" PRIu64 " bytes exceeds the maximum of %" PRIu64
             " bytes (--max-data, WHOAMI_MAX_DATA)",
             size, ctx->max_data);
    return svc_resp_error(resp, SVC_BAD_REQUEST, err);
  }
  /* Streamed: the body is produced block by block as the socket takes it,
   * so memory stays flat whatever the size. */
  if (svc_resp_stream(resp, SVC_OK, CT_DATA, size, zero_fill, NULL, NULL) < 0 ||
      svc_resp_header(resp, "Cache-Control", "no-store") < 0)
    return -1;
  return 0;
}

/* ---- options, lifecycle, descriptor ------------------------------------- */

static unsigned long opt_max_data;
static unsigned long opt_max_wait;
static struct whoami_ctx g_ctx;

static const struct svc_option options[] = {
    {.flag = "max-data",
     .env = "WHOAMI_MAX_DATA",
     .type = SVC_OPT_UINT,
     .def = "16777216",
     .min = 0,
     .max = 1073741824UL,
     .help = "largest /data?size= in bytes (0..1 GiB)",
     .num = &opt_max_data},
    {.flag = "max-wait",
     .env = "WHOAMI_MAX_WAIT",
     .type = SVC_OPT_UINT,
     .def = "30000",
     .min = 0,
     .max = 3600000UL,
     .help = "longest ?wait= in milliseconds (0..1 h)",
     .num = &opt_max_wait},
};

static const struct svc_route routes[] = {
    {.method = "GET", .path = "/", .handler = whoami_root},
    {.method = "GET", .path = "/api", .handler = whoami_api},
    {.method = "GET", .path = "/data", .handler = whoami_data},
};

static int whoami_init(const struct svc_config *cfg, void **ctx, char *err,
                       size_t errlen) {
  (void)cfg;
  (void)err;
  (void)errlen;
  g_ctx.max_data = opt_max_data;
  g_ctx.max_wait_ms = opt_max_wait;
  *ctx = &g_ctx;
  return 0;
}

static void whoami_fini(void *ctx) {
  (void)ctx;
  whoami_host_cache_free();
}

const struct svc_service whoami_service = {
    .name = "whoami",
    .summary = "echo of the request and of the host that answered it",
    .routes = routes,
    .nroutes = SVC_COUNT(routes),
    .options = options,
    .noptions = SVC_COUNT(options),
    .init = whoami_init,
    .fini = whoami_fini,
};
