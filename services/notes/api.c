/* api.c: notes handlers, route table, options and lifecycle hooks. */
#include "api.h"

#include <inttypes.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "db.h"
#include "note.h"

struct api_ctx {
  struct db *db;
  struct note_parser *parser;
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

static void log_db(const char *msg) { svc_log(SVC_LOG_ERROR, "%s", msg); }

int api_open(const char *path, void **ctx, char *err, size_t errlen) {
  db_set_log(log_db);
  struct api_ctx *c = calloc(1, sizeof *c);
  *ctx = NULL;
  if (c == NULL) {
    snprintf(err, errlen, "cannot open %s: out of memory", path);
    return -1;
  }
  if (db_open(path, &c->db, err, errlen) < 0 ||
      note_parser_new(&c->parser, err, errlen) < 0) {
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
  return svc_resp_error(resp, 400, "note id must be a positive integer") < 0
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
    return svc_resp_error(resp, 415, "content type must be application/json") < 0
               ? -2
               : -1;
  enum note_result r =
      note_parse(c->parser, req->body, req->body_len, in, err, sizeof err);
  if (r == NOTE_OK)
    return 0;
  if (r == NOTE_INVALID)
    return svc_resp_error(resp, 400, err) < 0 ? -2 : -1;
  svc_log(SVC_LOG_ERROR, "note validation failure: %s", err);
  return -2;
}

static int not_found(struct svc_response *resp, int64_t id) {
  char msg[64];
  snprintf(msg, sizeof msg, "note %" PRId64 " not found", id);
  return svc_resp_error(resp, 404, msg) < 0 ? -1 : 0;
}

static int take_json(struct svc_response *resp, int status, char *json) {
  return svc_resp_take(resp, status, json_type, json, strlen(json));
}

/* --- handlers ----------------------------------------------------------- */

static int create(const struct svc_request *req, struct svc_response *resp) {
  struct api_ctx *c = req->ctx;
  struct note_input in;
  int r = read_note(req, resp, &in);
  if (r != 0)
    return r == -1 ? 0 : -1;
  int64_t id = 0;
  char *json = NULL;
  enum db_result d =
      db_create(c->db, in.title, in.title_len, in.body, in.body_len, &id, &json);
  note_input_free(&in);
  if (d != DB_OK)
    return -1;
  char loc[48];
  snprintf(loc, sizeof loc, "/notes/%" PRId64, id);
  if (take_json(resp, 201, json) < 0 || svc_resp_header(resp, "Location", loc) < 0)
    return -1;
  return 0;
}

static int list(const struct svc_request *req, struct svc_response *resp) {
  struct api_ctx *c = req->ctx;
  int64_t limit = NOTE_LIMIT_DEFAULT, after = 0;
  const char *ls = svc_query(req, "limit");
  const char *as = svc_query(req, "after");
  if (ls != NULL && note_parse_uint(ls, NOTE_LIMIT_MIN, NOTE_LIMIT_MAX, &limit) < 0) {
    char msg[96];
    snprintf(msg, sizeof msg, "query parameter \"limit\" must be an integer %d..%d",
             NOTE_LIMIT_MIN, NOTE_LIMIT_MAX);
    return svc_resp_error(resp, 400, msg) < 0 ? -1 : 0;
  }
  if (as != NULL && note_parse_uint(as, 0, INT64_MAX, &after) < 0)
    return svc_resp_error(resp, 400,
                          "query parameter \"after\" must be a note id (an "
                          "integer >= 0)") < 0
               ? -1
               : 0;
  char *json = NULL;
  if (db_list(c->db, after, (int)limit, &json) != DB_OK)
    return -1;
  return take_json(resp, 200, json);
}

static int get_one(const struct svc_request *req, struct svc_response *resp) {
  struct api_ctx *c = req->ctx;
  int64_t id;
  int p = parse_id(req, resp, &id);
  if (p != 0)
    return p == -1 ? 0 : -1;
  char *json = NULL;
  enum db_result d = db_get(c->db, id, &json);
  if (d == DB_NOT_FOUND)
    return not_found(resp, id);
  if (d != DB_OK)
    return -1;
  return take_json(resp, 200, json);
}

static int replace(const struct svc_request *req, struct svc_response *resp) {
  struct api_ctx *c = req->ctx;
  int64_t id;
  int p = parse_id(req, resp, &id);
  if (p != 0)
    return p == -1 ? 0 : -1;
  struct note_input in;
  int r = read_note(req, resp, &in);
  if (r != 0)
    return r == -1 ? 0 : -1;
  char *json = NULL;
  enum db_result d =
      db_replace(c->db, id, in.title, in.title_len, in.body, in.body_len, &json);
  note_input_free(&in);
  if (d == DB_NOT_FOUND)
    return not_found(resp, id);
  if (d != DB_OK)
    return -1;
  return take_json(resp, 200, json);
}

static int delete_one(const struct svc_request *req, struct svc_response *resp) {
  struct api_ctx *c = req->ctx;
  int64_t id;
  int p = parse_id(req, resp, &id);
  if (p != 0)
    return p == -1 ? 0 : -1;
  enum db_result d = db_delete(c->db, id);
  if (d == DB_NOT_FOUND)
    return not_found(resp, id);
  if (d != DB_OK)
    return -1;
  return svc_resp_set(resp, 204, NULL, "", 0);
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
