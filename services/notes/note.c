/* note.c: request validation for notes (contract in note.h). */
#include "note.h"

#include <pthread.h>
#include <sqlite3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "num.h"
#include "utf8.h"

enum { PS_TYPE, PS_EACH, PS_COUNT };

static const char *const ps_sql[PS_COUNT] = {
    /* NULL when the text is not JSON (json_type would raise an error). */
    [PS_TYPE] = "SELECT CASE WHEN json_valid(?1) THEN json_type(?1) END",
    [PS_EACH] = "SELECT key, type, value FROM json_each(?1)",
};

struct note_parser {
  sqlite3 *h;
  sqlite3_stmt *st[PS_COUNT];
  pthread_mutex_t mu;
};

int note_parser_new(struct note_parser **out, char *err, size_t errlen) {
  struct note_parser *p = calloc(1, sizeof *p);
  *out = NULL;
  if (p == NULL) {
    snprintf(err, errlen, "cannot create parser: out of memory");
    return -1;
  }
  if (sqlite3_open_v2(":memory:", &p->h,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                      NULL) != SQLITE_OK) {
    snprintf(err, errlen, "cannot create parser: %s",
             p->h ? sqlite3_errmsg(p->h) : "out of memory");
    goto fail;
  }
  for (int i = 0; i < PS_COUNT; i++) {
    if (sqlite3_prepare_v3(p->h, ps_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
                           &p->st[i], NULL) != SQLITE_OK) {
      snprintf(err, errlen, "cannot create parser: %s", sqlite3_errmsg(p->h));
      goto fail;
    }
  }
  if (pthread_mutex_init(&p->mu, NULL) != 0) {
    snprintf(err, errlen, "cannot create parser: mutex");
    goto fail;
  }
  *out = p;
  return 0;
fail:
  for (int i = 0; i < PS_COUNT; i++)
    sqlite3_finalize(p->st[i]);
  sqlite3_close(p->h);
  free(p);
  return -1;
}

void note_parser_free(struct note_parser *p) {
  if (p == NULL)
    return;
  for (int i = 0; i < PS_COUNT; i++)
    sqlite3_finalize(p->st[i]);
  sqlite3_close(p->h);
  pthread_mutex_destroy(&p->mu);
  free(p);
}

void note_input_free(struct note_input *in) {
  free(in->title);
  free(in->body);
  memset(in, 0, sizeof *in);
}

int note_has_nul_escape(const char *s, size_t n) {
  /* In valid JSON a backslash only occurs inside strings and always starts
   * a two-character escape, so skipping pairs keeps us in step. */
  for (size_t i = 0; i < n; i++) {
    if (s[i] != '\\')
      continue;
    if (i + 5 < n && s[i + 1] == 'u' && memcmp(s + i + 2, "0000", 4) == 0)
      return 1;
    i++;
  }
  return 0;
}

int note_content_type_ok(const char *v) {
  static const char want[] = "application/json";
  if (v == NULL)
    return 0;
  while (*v == ' ' || *v == '\t')
    v++;
  if (strncasecmp(v, want, sizeof want - 1) != 0)
    return 0;
  v += sizeof want - 1;
  while (*v == ' ' || *v == '\t')
    v++;
  if (*v == '\0')
    return 1;
  if (*v != ';')
    return 0;
  /* Parameters: only charset matters, and it must be UTF-8. */
  while (*v == ';') {
    v++;
    while (*v == ' ' || *v == '\t')
      v++;
    const char *end = v + strcspn(v, ";");
    if (strncasecmp(v, "charset=", 8) == 0) {
      const char *val = v + 8;
      size_t len = (size_t)(end - val);
      while (len > 0 && (val[len - 1] == ' ' || val[len - 1] == '\t'))
        len--;
      if (len >= 2 && val[0] == '"' && val[len - 1] == '"') {
        val++;
        len -= 2;
      }
      if (!((len == 5 && strncasecmp(val, "utf-8", 5) == 0) ||
            (len == 4 && strncasecmp(val, "utf8", 4) == 0)))
        return 0;
    }
    v = end;
  }
  return 1;
}

int note_parse_uint(const char *s, int64_t min, int64_t max, int64_t *out) {
  uint64_t v;
  if (s == NULL || max < 0 ||
      num_parse_u64(s, strlen(s), (uint64_t)max, &v) < 0 || (int64_t)v < min)
    return -1;
  *out = (int64_t)v;
  return 0;
}

/* Copies a member name for an error message: printable ASCII only, cut at
 * 40 bytes, so the message stays short whatever the client sent. */
static void safe_name(const char *k, size_t n, char *out, size_t outlen) {
  size_t j = 0;
  for (size_t i = 0; i < n && j + 4 < outlen; i++) {
    if (j >= 40) {
      memcpy(out + j, "...", 3);
      j += 3;
      break;
    }
    unsigned char c = (unsigned char)k[i];
    out[j++] = (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') ? (char)c : '?';
  }
  out[j] = '\0';
}

/* Checks one string member and copies it. NOTE_OK or NOTE_INVALID/ERROR. */
static enum note_result take_string(const char *name, const char *type,
                                    const char *v, size_t vlen, size_t min,
                                    size_t max, char **dst, size_t *dlen,
                                    char *err, size_t errlen) {
  if (strcmp(type, "text") != 0) {
    snprintf(err, errlen, "field \"%s\" must be a string", name);
    return NOTE_INVALID;
  }
  if (memchr(v, '\0', vlen) != NULL) {
    snprintf(err, errlen, "field \"%s\" contains a NUL character", name);
    return NOTE_INVALID;
  }
  if (!utf8_valid(v, vlen)) {
    snprintf(err, errlen, "field \"%s\" is not valid UTF-8", name);
    return NOTE_INVALID;
  }
  if (vlen < min) {
    snprintf(err, errlen, "field \"%s\" must not be empty", name);
    return NOTE_INVALID;
  }
  if (vlen > max) {
    snprintf(err, errlen, "field \"%s\" is longer than %zu bytes", name, max);
    return NOTE_INVALID;
  }
  *dst = malloc(vlen + 1);
  if (*dst == NULL) {
    snprintf(err, errlen, "out of memory");
    return NOTE_ERROR;
  }
  memcpy(*dst, v, vlen);
  (*dst)[vlen] = '\0';
  *dlen = vlen;
  return NOTE_OK;
}

enum note_result note_parse(struct note_parser *p, const char *json, size_t len,
                            struct note_input *out, char *err, size_t errlen) {
  enum note_result ret = NOTE_INVALID;
  memset(out, 0, sizeof *out);
  err[0] = '\0';
  if (len == 0 || json == NULL) {
    snprintf(err, errlen, "request body is empty");
    return NOTE_INVALID;
  }
  if (memchr(json, '\0', len) != NULL) {
    snprintf(err, errlen, "request body contains a NUL byte");
    return NOTE_INVALID;
  }
  if (!utf8_valid(json, len)) {
    snprintf(err, errlen, "request body is not valid UTF-8");
    return NOTE_INVALID;
  }

  pthread_mutex_lock(&p->mu);
  sqlite3_stmt *ty = p->st[PS_TYPE];
  sqlite3_stmt *each = p->st[PS_EACH];
  if (sqlite3_bind_text64(ty, 1, json, len, SQLITE_STATIC, SQLITE_UTF8) !=
      SQLITE_OK)
    goto sqlerr;
  int rc = sqlite3_step(ty);
  if (rc != SQLITE_ROW)
    goto sqlerr;
  const char *type = (const char *)sqlite3_column_text(ty, 0);
  if (type == NULL) {
    snprintf(err, errlen, "malformed JSON");
    goto done;
  }
  if (strcmp(type, "object") != 0) {
    snprintf(err, errlen, "request body must be a JSON object");
    goto done;
  }
  /* SQLite would cut a string at \u0000 without a word. */
  if (note_has_nul_escape(json, len)) {
    snprintf(err, errlen, "JSON strings must not contain \\u0000");
    goto done;
  }
  if (sqlite3_bind_text64(each, 1, json, len, SQLITE_STATIC, SQLITE_UTF8) !=
      SQLITE_OK)
    goto sqlerr;
  while ((rc = sqlite3_step(each)) == SQLITE_ROW) {
    const char *key = (const char *)sqlite3_column_text(each, 0);
    size_t klen = (size_t)sqlite3_column_bytes(each, 0);
    const char *mtype = (const char *)sqlite3_column_text(each, 1);
    const char *val = (const char *)sqlite3_column_text(each, 2);
    size_t vlen = (size_t)sqlite3_column_bytes(each, 2);
    if (key == NULL || mtype == NULL)
      goto sqlerr;
    if (val == NULL)
      val = "";
    const char *name = NULL;
    char **dst = NULL;
    size_t *dlen = NULL, min = 0, max = 0;
    if (klen == 5 && memcmp(key, "title", 5) == 0) {
      name = "title", dst = &out->title, dlen = &out->title_len;
      min = NOTE_TITLE_MIN, max = NOTE_TITLE_MAX;
    } else if (klen == 4 && memcmp(key, "body", 4) == 0) {
      name = "body", dst = &out->body, dlen = &out->body_len;
      min = 0, max = NOTE_BODY_MAX;
    } else {
      char safe[48];
      safe_name(key, klen, safe, sizeof safe);
      snprintf(err, errlen, "unknown field \"%s\"", safe);
      goto done;
    }
    if (*dst != NULL) {
      snprintf(err, errlen, "duplicate field \"%s\"", name);
      goto done;
    }
    ret = take_string(name, mtype, val, vlen, min, max, dst, dlen, err, errlen);
    if (ret != NOTE_OK)
      goto done;
    ret = NOTE_INVALID;
  }
  if (rc != SQLITE_DONE)
    goto sqlerr;
  if (out->title == NULL) {
    snprintf(err, errlen, "missing field \"title\"");
    goto done;
  }
  if (out->body == NULL) {
    snprintf(err, errlen, "missing field \"body\"");
    goto done;
  }
  ret = NOTE_OK;
  goto done;
sqlerr:
  ret = NOTE_ERROR;
  snprintf(err, errlen, "json parse failure: %s", sqlite3_errmsg(p->h));
done:
  sqlite3_reset(ty);
  sqlite3_clear_bindings(ty);
  sqlite3_reset(each);
  sqlite3_clear_bindings(each);
  pthread_mutex_unlock(&p->mu);
  if (ret != NOTE_OK)
    note_input_free(out);
  return ret;
}
