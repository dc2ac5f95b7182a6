/* note.h: validation of what clients send to the notes API.
 *
 * JSON is parsed by SQLite's built-in JSON functions (json_valid, json_type,
 * json_each) on a private in-memory connection: there is no hand-written
 * JSON parser here. Around them, two small byte checks that SQLite's JSON
 * functions do not make: a UTF-8 validator, and a scan for the escape
 * \u0000 (SQLite would silently cut the string there).
 *
 * A note body is a JSON object with exactly two members:
 *   "title": a string of NOTE_TITLE_MIN..NOTE_TITLE_MAX bytes of UTF-8
 *   "body":  a string of 0..NOTE_BODY_MAX bytes of UTF-8
 * (lengths after JSON unescaping), no NUL character in either. */
#ifndef SL_NOTES_NOTE_H
#define SL_NOTES_NOTE_H

#include <stddef.h>
#include <stdint.h>

#define NOTE_TITLE_MIN 1
#define NOTE_TITLE_MAX 200
#define NOTE_BODY_MAX 65536
/* Page sizes for GET /notes?limit=N. */
#define NOTE_LIMIT_MIN 1
#define NOTE_LIMIT_MAX 100
#define NOTE_LIMIT_DEFAULT 20

struct note_parser;

/* A validated note. title and body are malloc'd, NUL-terminated, valid
 * UTF-8 without NUL; free with note_input_free. */
struct note_input {
  char *title;
  size_t title_len;
  char *body;
  size_t body_len;
};

enum note_result {
  NOTE_ERROR = -1, /* internal failure (SQLite, memory): a 500 */
  NOTE_OK = 0,
  NOTE_INVALID = 1, /* the client's fault: a 400, err says why */
};

/* Creates a parser (one in-memory SQLite connection, its statements and a
 * mutex: safe to share between threads). 0 with *out (free with
 * note_parser_free), or -1 with err filled. */
int note_parser_new(struct note_parser **out, char *err, size_t errlen);
void note_parser_free(struct note_parser *p);

/* Validates a request body of len bytes (need not be NUL-terminated).
 * NOTE_OK: *out is filled (caller frees with note_input_free).
 * NOTE_INVALID: err holds one line for the client, e.g.
 *   field "title" must be a string
 * NOTE_ERROR: err holds the internal cause. */
enum note_result note_parse(struct note_parser *p, const char *json, size_t len,
                            struct note_input *out, char *err, size_t errlen);

/* Frees title and body; *in is zeroed. */
void note_input_free(struct note_input *in);

/* 1 if s contains the JSON escape \u0000 (a backslash that is itself
 * escaped does not count), else 0. s must be valid JSON text. */
int note_has_nul_escape(const char *s, size_t n);

/* 1 if a Content-Type header value names application/json (any case,
 * parameters allowed, a charset parameter must be utf-8), else 0 (also for
 * NULL). */
int note_content_type_ok(const char *value);

/* Parses a decimal integer in [min, max] with nothing around it (num.h's
 * grammar: no sign, no spaces, no leading '+'). 0 with *out, or -1 (also
 * for NULL). */
int note_parse_uint(const char *s, int64_t min, int64_t max, int64_t *out);

#endif
