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
  int64_t id;    /* GET, PUT, DELETE */
  int64_t after; /* list */
  int limit;     /* list */
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

/* The {id} segment as a positive 63-bit integer: 0 with *id, -1 with a
 * 400 in resp, -2 on an internal failure (the handler returns -1). */
static int parse_id(const struct svc_request *req, struct svc_response *resp,
                    int64_t *id) {
  if (note_parse_uint(req->param, 1, INT64_MAX, id) == 0)
    return 0;
  return svc_resp_error(resp, SVC_BAD_REQUEST, "note id must be a positive integer") < 0
             ? -2
             : -1;
}

/* Content type, then the body's JSON. 0 with *in, or -1 with resp set
 * (415, 400) or, on an internal failure, -2 (the handler returns -1). */
static int read_note(const struct svc_request *req, struct svc_response *resp,
                     struct note_input *in) {
  struct api_ctx *c = req->ctx;
  char err[256];
  if (!note_content_type_ok(svc_header(req, "Content-Type")))
    return svc_resp_error(resp, SVC_UNSUPPORTED_MEDIA_TYPE, "content type must be application/json") < 0
               ? -2
               : -1;
  enum note_result r =
      note_parse(c->parser, req->body, req->body_len, in, err, sizeof err);
  if (r == NOTE_OK)
    return 0;
  if (r == NOTE_INVALID)
    return svc_resp_error(resp, SVC_BAD_REQUEST, err) < 0 ? -2 : -1;
  svc_log(SVC_LOG_ERROR, "note validation failure: %s", err);
  return -2;
}

static int not_found(struct svc_response *resp, int64_t id) {
  char msg[64];
  snprintf(msg, sizeof msg, "note %" PRId64 " not found", id);
  return svc_resp_error(resp, SVC_NOT_FOUND, msg) < 0 ? -1 : 0;
}

static int take_json(struct svc_response *resp, int status, char *json) {
  return svc_resp_take(resp, status, json_type, json, strlen(json));
}

/* --- the statements, on the workers -------------------------------------- */

/* Runs j's statement and fills resp: 0, or -1 on an internal failure
 * (logged by db.c; the caller answers 500). */
static int run_op(struct job *j, struct svc_response *resp) {
  struct db *db = j->c->db;
  char *json = NULL;
  enum db_result d = DB_ERROR;

  switch (j->op) {
  case OP_CREATE: {
    int64_t id = 0;
    d = db_create(db, j->in.title, j->in.title_len, j->in.body,
                  j->in.body_len, &id, &json);
    if (d != DB_OK)
      return -1;
    char loc[48];
    snprintf(loc, sizeof loc, "/notes/%" PRId64, id);
    /* acknowledged only now: COMMIT returned (db_create) */
    if (take_json(resp, SVC_CREATED, json) < 0 ||
        svc_resp_header(resp, "Location", loc) < 0)
      return -1;
    return 0;
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
      return svc_resp_set(resp, SVC_NO_CONTENT, NULL, "", 0);
    break;
  }
  if (d == DB_NOT_FOUND)
    return not_found(resp, j->id);
  if (d != DB_OK)
    return -1;
  return take_json(resp, SVC_OK, json);
}

static const char *const op_names[] = {
    [OP_CREATE] = "create", [OP_LIST] = "list", [OP_GET] = "read",
    [OP_REPLACE] = "replace", [OP_DELETE] = "delete"};

static void run_job(struct work_job *w) {
  struct job *j = (struct job *)w;
  struct svc_response resp = SVC_RESPONSE_INIT;

  if (run_op(j, &resp) < 0) {
    svc_log(SVC_LOG_ERROR, "note %s failure: answering 500", op_names[j->op]);
    svc_response_free(&resp);
    svc_resp_error(&resp, SVC_INTERNAL_ERROR, "internal error");
  }
  svc_complete(j->ticket, &resp);
  note_input_free(&j->in);
  free(j);
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

/* Defers the request and queues j on the worker its statement belongs to.
 * 0, or -1 (j freed; the handler returns -1). */
static int submit(const struct svc_request *req, struct svc_response *resp,
                  struct job *j) {
  j->ticket = svc_defer(req, resp);
  if (j->ticket == NULL) {
    note_input_free(&j->in);
    free(j);
    return -1;
  }
  int write = j->op == OP_CREATE || j->op == OP_REPLACE || j->op == OP_DELETE;
  work_submit(write ? j->c->writer : j->c->reader, &j->work);
  return 0;
}

/* --- handlers (event loop: checks only, no I/O) ---------------------------- */

static int create(const struct svc_request *req, struct svc_response *resp) {
  struct job *j = job_new(req, OP_CREATE);
  if (j == NULL)
    return -1;
  int r = read_note(req, resp, &j->in);
  if (r != 0) {
    free(j);
    return r == -1 ? 0 : -1;
  }
  return submit(req, resp, j);
}

static int list(const struct svc_request *req, struct svc_response *resp) {
  int64_t limit = NOTE_LIMIT_DEFAULT, after = 0;
  const char *ls = svc_query(req, "limit");
  const char *as = svc_query(req, "after");
  if (ls != NULL && note_parse_uint(ls, NOTE_LIMIT_MIN, NOTE_LIMIT_MAX, &limit) < 0) {
    char msg[96];
    snprintf(msg, sizeof msg, "query parameter \"limit\" must be an integer %d..%d",
             NOTE_LIMIT_MIN, NOTE_LIMIT_MAX);
    return svc_resp_error(resp, SVC_BAD_REQUEST, msg) < 0 ? -1 : 0;
  }
  if (as != NULL && note_parse_uint(as, 0, INT64_MAX, &after) < 0)
    return svc_resp_error(resp, SVC_BAD_REQUEST,
                          "query parameter \"after\" must be a note id (an "
                          "integer >= 0)") < 0
               ? -1
               : 0;
  struct job *j = job_new(req, OP_LIST);
  if (j == NULL)
    return -1;
  j->after = after;
  j->limit = (int)limit;
  return submit(req, resp, j);
}

/* GET and DELETE /notes/{id}: the id checked, then the statement. */
static int by_id(const struct svc_request *req, struct svc_response *resp,
                 enum op op) {
  int64_t id;
  int p = parse_id(req, resp, &id);
  if (p != 0)
    return p == -1 ? 0 : -1;
  struct job *j = job_new(req, op);
  if (j == NULL)
    return -1;
  j->id = id;
  return submit(req, resp, j);
}

static int get_one(const struct svc_request *req, struct svc_response *resp) {
  return by_id(req, resp, OP_GET);
}

static int delete_one(const struct svc_request *req, struct svc_response *resp) {
  return by_id(req, resp, OP_DELETE);
}

static int replace(const struct svc_request *req, struct svc_response *resp) {
  int64_t id;
  int p = parse_id(req, resp, &id);
  if (p != 0)
    return p == -1 ? 0 : -1;
  struct job *j = job_new(req, OP_REPLACE);
  if (j == NULL)
    return -1;
  j->id = id;
  int r = read_note(req, resp, &j->in);
  if (r != 0) {
    free(j);
    return r == -1 ? 0 : -1;
  }
  return submit(req, resp, j);
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
