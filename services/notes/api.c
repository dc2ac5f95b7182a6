/* api.c: notes handlers, route table, options and lifecycle hooks.
 *
 * A handler checks the request on the event loop (content type, JSON, id,
 * query), then defers (svc_defer) and queues a job: writes on the writer
 * worker, reads on the reader worker (work.h), each with its own SQLite
 * connection (db.h). The worker runs the statement and completes the
 * answer (svc_complete); a write is acknowledged only after its COMMIT
 * returned. */
#include "api.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "note.h"
#include "work.h"

/* Stack of the worker threads: SQLite's recursion wants more than musl's
 * default 128 KiB. */
#define API_WORKER_STACK (512 * 1024)

struct api_ctx {
  struct db *db;
  struct note_parser *parser;
  struct work *writer; /* POST, PUT, DELETE: the one writer */
  struct work *reader; /* GET: never behind a write's fsync */
};

enum op { OP_CREATE, OP_LIST, OP_GET, OP_REPLACE, OP_DELETE };

/* One deferred statement: what the handler checked, for the worker. */
struct job {
  struct work_job work; /* first: the worker hands this back */
  struct svc_ticket *ticket;
  struct api_ctx *c;
  enum op op;
  int64_t id;           /* GET, PUT, DELETE */
  int64_t after;        /* list */
  int limit;            /* list */
  struct note_input in; /* POST, PUT */
};

static const char *db_path;

static const struct svc_option options[] = {
    {.flag = "db",
     .env = "NOTES_DB",
     .type = SVC_OPT_STRING,
     .def = "/data/notes.db",
     .help = "SQLite database file (created with its schema if absent)",
     .str = &db_path},
};

int api_open(const char *path, void **ctx, char *err, size_t errlen) {
  struct api_ctx *c = calloc(1, sizeof *c);
  *ctx = NULL;
  if (c == NULL) {
    snprintf(err, errlen, "cannot open %s: out of memory", path);
    return -1;
  }
  if (db_open(path, &c->db, err, errlen) < 0 ||
      note_parser_new(&c->parser, err, errlen) < 0 ||
      work_start(&c->writer, "db-writer", API_WORKER_STACK, err, errlen) < 0 ||
      work_start(&c->reader, "db-reader", API_WORKER_STACK, err, errlen) < 0) {
    api_fini(c);
    return -1;
  }
  *ctx = c;
  return 0;
}

void api_fini(void *ctx) {
  struct api_ctx *c = ctx;
  if (c == NULL)
    return;
  /* what is still queued runs first: no deferred request is left */
  work_stop(c->writer);
  work_stop(c->reader);
  note_parser_free(c->parser);
  db_close(c->db);
  free(c);
}

static int api_init(const struct svc_config *cfg, void **ctx, char *err,
                    size_t errlen) {
  (void)cfg;
  return api_open(db_path, ctx, err, errlen);
}

/* --- helpers ------------------------------------------------------------ */

static const char json_type[] = "application/json";

/* Room for a message of an error reply. */
#define API_MSG 256

/* The one error reply of the API: {"error": msg, "status": s}. An internal
 * error (500) gets "internal error" whatever msg says: its cause is logged,
 * never sent. 0, or -1 if even that reply could not be built. */
static int reply_error(struct svc_response *resp, enum svc_status s,
                       const char *msg) {
  if (s == SVC_INTERNAL_ERROR)
    msg = "internal error";
  return svc_resp_error(resp, s, msg) < 0 ? -1 : 0;
}

/* The {id} segment as a positive 63-bit integer: SVC_OK with *id, or
 * SVC_BAD_REQUEST with msg (API_MSG bytes) set. */
static enum svc_status parse_id(const struct svc_request *req, int64_t *id,
                                char *msg) {
  if (note_parse_uint(req->param, 1, INT64_MAX, id) == 0)
    return SVC_OK;
  snprintf(msg, API_MSG, "note id must be a positive integer");
  return SVC_BAD_REQUEST;
}

/* Content type, then the body's JSON: SVC_OK with *in (caller frees with
 * note_input_free), SVC_UNSUPPORTED_MEDIA_TYPE or SVC_BAD_REQUEST with msg
 * set, or SVC_INTERNAL_ERROR (logged). */
static enum svc_status read_note(const struct svc_request *req,
                                 struct note_input *in, char *msg) {
  struct api_ctx *c = req->ctx;
  if (!note_content_type_ok(svc_header(req, "Content-Type"))) {
    snprintf(msg, API_MSG, "content type must be application/json");
    return SVC_UNSUPPORTED_MEDIA_TYPE;
  }
  enum note_result r =
      note_parse(c->parser, req->body, req->body_len, in, msg, API_MSG);
  if (r == NOTE_OK)
    return SVC_OK;
  if (r == NOTE_INVALID)
    return SVC_BAD_REQUEST;
  svc_log(SVC_LOG_ERROR, "note validation failure: %s", msg);
  return SVC_INTERNAL_ERROR;
}

/* The query of GET /notes: SVC_OK with *limit and *after, or
 * SVC_BAD_REQUEST with msg set. */
static enum svc_status parse_page(const struct svc_request *req, int64_t *limit,
                                  int64_t *after, char *msg) {
  const char *ls = svc_query(req, "limit");
  const char *as = svc_query(req, "after");
  *limit = NOTE_LIMIT_DEFAULT;
  *after = 0;
  if (ls != NULL &&
      note_parse_uint(ls, NOTE_LIMIT_MIN, NOTE_LIMIT_MAX, limit) < 0) {
    snprintf(msg, API_MSG,
             "query parameter \"limit\" must be an integer %d..%d",
             NOTE_LIMIT_MIN, NOTE_LIMIT_MAX);
    return SVC_BAD_REQUEST;
  }
  if (as != NULL && note_parse_uint(as, 0, INT64_MAX, after) < 0) {
    snprintf(msg, API_MSG,
             "query parameter \"after\" must be a note id (an "
             "integer >= 0)");
    return SVC_BAD_REQUEST;
  }
  return SVC_OK;
}

static int take_json(struct svc_response *resp, int status, char *json) {
  return svc_resp_take(resp, status, json_type, json, strlen(json));
}

/* --- the statements, on the workers -------------------------------------- */

/* Runs j's statement: SVC_OK with resp filled, SVC_NOT_FOUND, or
 * SVC_INTERNAL_ERROR (logged by db.c). */
static enum svc_status run_op(struct job *j, struct svc_response *resp) {
  struct db *db = j->c->db;
  char *json = NULL;
  enum db_result d = DB_ERROR;

  switch (j->op) {
  case OP_CREATE: {
    int64_t id = 0;
    d = db_create(db, j->in.title, j->in.title_len, j->in.body, j->in.body_len,
                  &id, &json);
    if (d != DB_OK)
      return SVC_INTERNAL_ERROR;
    char loc[48];
    snprintf(loc, sizeof loc, "/notes/%" PRId64, id);
    /* acknowledged only now: COMMIT returned (db_create) */
    if (take_json(resp, SVC_CREATED, json) < 0 ||
        svc_resp_header(resp, "Location", loc) < 0)
      return SVC_INTERNAL_ERROR;
    return SVC_OK;
  }
  case OP_LIST:
    d = db_list(db, j->after, j->limit, &json);
    break;
  case OP_GET:
    d = db_get(db, j->id, &json);
    break;
  case OP_REPLACE:
    d = db_replace(db, j->id, j->in.title, j->in.title_len, j->in.body,
                   j->in.body_len, &json);
    break;
  case OP_DELETE:
    d = db_delete(db, j->id);
    if (d == DB_OK)
      return svc_resp_set(resp, SVC_NO_CONTENT, NULL, "", 0) < 0
                 ? SVC_INTERNAL_ERROR
                 : SVC_OK;
    break;
  }
  if (d == DB_NOT_FOUND)
    return SVC_NOT_FOUND;
  if (d != DB_OK || take_json(resp, SVC_OK, json) < 0)
    return SVC_INTERNAL_ERROR;
  return SVC_OK;
}

static const char *const op_names[] = {[OP_CREATE] = "create",
                                       [OP_LIST] = "list",
                                       [OP_GET] = "read",
                                       [OP_REPLACE] = "replace",
                                       [OP_DELETE] = "delete"};

static void job_free(struct job *j) {
  if (j == NULL)
    return;
  note_input_free(&j->in);
  free(j);
}

static void run_job(struct work_job *w) {
  struct job *j = (struct job *)w;
  struct svc_response resp = SVC_RESPONSE_INIT;
  char msg[API_MSG];

  enum svc_status s = run_op(j, &resp);
  if (s != SVC_OK) {
    svc_response_free(&resp);
    if (s == SVC_INTERNAL_ERROR)
      svc_log(SVC_LOG_ERROR, "note %s failure: answering 500", op_names[j->op]);
    snprintf(msg, sizeof msg, "note %" PRId64 " not found", j->id);
    reply_error(&resp, s, msg);
  }
  svc_complete(j->ticket, &resp);
  job_free(j);
}

static struct job *job_new(const struct svc_request *req, enum op op) {
  struct job *j = calloc(1, sizeof *j);
  if (j != NULL) {
    j->c = req->ctx;
    j->op = op;
    j->work.run = run_job;
  }
  return j;
}

/* Defers the request and queues j on the worker its statement belongs to:
 * SVC_OK (j is the worker's now), or SVC_INTERNAL_ERROR (j still the
 * caller's). */
static enum svc_status submit(const struct svc_request *req,
                              struct svc_response *resp, struct job *j) {
  j->ticket = svc_defer(req, resp);
  if (j->ticket == NULL)
    return SVC_INTERNAL_ERROR;
  int write = j->op == OP_CREATE || j->op == OP_REPLACE || j->op == OP_DELETE;
  work_submit(write ? j->c->writer : j->c->reader, &j->work);
  return SVC_OK;
}

/* --- handlers (event loop: checks only, no I/O) ---------------------------
 * Each checks, queues its job and returns 0, or ends in its one error
 * reply; an internal error is left to the layer (-1: it logs the route and
 * answers 500). */

static int fail(struct svc_response *resp, struct job *j, enum svc_status s,
                const char *msg) {
  job_free(j);
  return s == SVC_INTERNAL_ERROR ? -1 : reply_error(resp, s, msg);
}

static int create(const struct svc_request *req, struct svc_response *resp) {
  char msg[API_MSG] = "";
  enum svc_status s = SVC_INTERNAL_ERROR;
  struct job *j = job_new(req, OP_CREATE);
  if (j == NULL)
    goto err;
  s = read_note(req, &j->in, msg);
  if (s != SVC_OK)
    goto err;
  s = submit(req, resp, j);
  if (s == SVC_OK)
    return 0;
err:
  return fail(resp, j, s, msg);
}

static int list(const struct svc_request *req, struct svc_response *resp) {
  char msg[API_MSG] = "";
  int64_t limit, after;
  struct job *j = NULL;
  enum svc_status s = parse_page(req, &limit, &after, msg);
  if (s != SVC_OK)
    goto err;
  s = SVC_INTERNAL_ERROR;
  j = job_new(req, OP_LIST);
  if (j == NULL)
    goto err;
  j->after = after;
  j->limit = (int)limit;
  s = submit(req, resp, j);
  if (s == SVC_OK)
    return 0;
err:
  return fail(resp, j, s, msg);
}

/* GET, PUT and DELETE /notes/{id}: the id checked, then (PUT) the body,
 * then the statement. */
static int by_id(const struct svc_request *req, struct svc_response *resp,
                 enum op op) {
  char msg[API_MSG] = "";
  int64_t id;
  struct job *j = NULL;
  enum svc_status s = parse_id(req, &id, msg);
  if (s != SVC_OK)
    goto err;
  s = SVC_INTERNAL_ERROR;
  j = job_new(req, op);
  if (j == NULL)
    goto err;
  j->id = id;
  if (op == OP_REPLACE) {
    s = read_note(req, &j->in, msg);
    if (s != SVC_OK)
      goto err;
  }
  s = submit(req, resp, j);
  if (s == SVC_OK)
    return 0;
err:
  return fail(resp, j, s, msg);
}

static int get_one(const struct svc_request *req, struct svc_response *resp) {
  return by_id(req, resp, OP_GET);
}

static int delete_one(const struct svc_request *req,
                      struct svc_response *resp) {
  return by_id(req, resp, OP_DELETE);
}

static int replace(const struct svc_request *req, struct svc_response *resp) {
  return by_id(req, resp, OP_REPLACE);
}

const struct svc_route notes_routes[] = {
    {.method = "POST", .path = "/notes", .handler = create},
    {.method = "GET", .path = "/notes", .handler = list},
    {.method = "GET", .path = "/notes/{id}", .handler = get_one},
    {.method = "PUT", .path = "/notes/{id}", .handler = replace},
    {.method = "DELETE", .path = "/notes/{id}", .handler = delete_one},
};
const size_t notes_nroutes = SVC_COUNT(notes_routes);

const struct svc_service notes_service = {
    .name = "notes",
    .summary = "a small REST API over SQLite",
    .routes = notes_routes,
    .nroutes = SVC_COUNT(notes_routes),
    .options = options,
    .noptions = SVC_COUNT(options),
    .init = api_init,
    .fini = api_fini,
};
