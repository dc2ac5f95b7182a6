/* csv: see csv.h. */
#include "csv.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

struct fieldbuf {
  char *buf; /* all fields of a record, NUL-separated */
  size_t len, cap;
  size_t *starts; /* offset of each field in buf */
  size_t n, ncap;
};

static int fb_putc(struct fieldbuf *fb, char c) {
  if (fb->len == fb->cap) {
    size_t nc = fb->cap ? fb->cap * 2 : 256;
    char *p = realloc(fb->buf, nc);
    if (p == NULL)
      return -1;
    fb->buf = p;
    fb->cap = nc;
  }
  fb->buf[fb->len++] = c;
  return 0;
}

static int fb_start_field(struct fieldbuf *fb) {
  if (fb->n == fb->ncap) {
    size_t nc = fb->ncap ? fb->ncap * 2 : 16;
    size_t *p = realloc(fb->starts, nc * sizeof *p);
    if (p == NULL)
      return -1;
    fb->starts = p;
    fb->ncap = nc;
  }
  fb->starts[fb->n++] = fb->len;
  return 0;
}

int csv_parse(const char *text, size_t len, csv_record_fn fn, void *ctx,
              char *err, size_t errlen) {
  int rc = -1;
  struct fieldbuf fb = {0};
  char **fields = NULL;
  size_t fields_cap = 0;
  size_t i = 0, line = 1;

  while (i < len) {
    /* skip empty lines */
    if (text[i] == '\n') {
      i++;
      line++;
      continue;
    }
    if (text[i] == '\r' && i + 1 < len && text[i + 1] == '\n') {
      i += 2;
      line++;
      continue;
    }
    size_t rec_line = line;
    fb.len = 0;
    fb.n = 0;
    int end_of_record = 0;
    while (!end_of_record) {
      if (fb_start_field(&fb) < 0)
        goto oom;
      if (i < len && text[i] == '"') {
        size_t qline = line;
        i++;
        for (;;) {
          if (i >= len) {
            snprintf(err, errlen, "line %zu: unterminated quoted field", qline);
            goto out;
          }
          char c = text[i];
          if (c == '"') {
            if (i + 1 < len && text[i + 1] == '"') {
              if (fb_putc(&fb, '"') < 0)
                goto oom;
              i += 2;
              continue;
            }
            i++;
            break;
          }
          if (c == '\n')
            line++;
          if (fb_putc(&fb, c) < 0)
            goto oom;
          i++;
        }
        if (i < len && text[i] != ',' && text[i] != '\n' &&
            !(text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')) {
          snprintf(err, errlen, "line %zu: text after closing quote", line);
          goto out;
        }
      } else {
        while (i < len && text[i] != ',' && text[i] != '\n' &&
               !(text[i] == '\r' && i + 1 < len && text[i + 1] == '\n')) {
          if (text[i] == '"') {
            snprintf(err, errlen, "line %zu: quote inside unquoted field",
                     line);
            goto out;
          }
          if (fb_putc(&fb, text[i]) < 0)
            goto oom;
          i++;
        }
      }
      if (fb_putc(&fb, '\0') < 0)
        goto oom;
      if (i < len && text[i] == ',') {
        i++;
        continue;
      }
      if (i < len && text[i] == '\r')
        i++;
      if (i < len && text[i] == '\n') {
        i++;
        line++;
      }
      end_of_record = 1;
    }
    if (fb.n > fields_cap) {
      char **p = realloc(fields, fb.n * sizeof *p);
      if (p == NULL)
        goto oom;
      fields = p;
      fields_cap = fb.n;
    }
    for (size_t k = 0; k < fb.n; k++)
      fields[k] = fb.buf + fb.starts[k];
    if (fn(ctx, rec_line, fields, fb.n, err, errlen) < 0)
      goto out;
  }
  rc = 0;
  goto out;
oom:
  snprintf(err, errlen, "line %zu: out of memory", line);
out:
  free(fb.buf);
  free(fb.starts);
  free(fields);
  return rc;
}

int csv_write_field(FILE *f, const char *s) {
  if (strpbrk(s, ",\"\r\n") == NULL)
    return fputs(s, f) < 0 ? -1 : 0;
  if (fputc('"', f) == EOF)
    return -1;
  for (const char *p = s; *p != '\0'; p++) {
    if (*p == '"' && fputc('"', f) == EOF)
      return -1;
    if (fputc(*p, f) == EOF)
      return -1;
  }
  return fputc('"', f) == EOF ? -1 : 0;
}

char *csv_slurp(const char *path, size_t *len, char *err, size_t errlen) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
    return NULL;
  }
  char *buf = NULL;
  size_t n = 0, cap = 0;
  for (;;) {
    if (cap - n < 65536) {
      size_t nc = cap ? cap * 2 : 65536 + 1;
      char *p = realloc(buf, nc);
      if (p == NULL) {
        snprintf(err, errlen, "cannot read %s: out of memory", path);
        free(buf);
        fclose(f);
        return NULL;
      }
      buf = p;
      cap = nc;
    }
    size_t r = fread(buf + n, 1, cap - n - 1, f);
    n += r;
    if (r == 0)
      break;
  }
  if (ferror(f)) {
    snprintf(err, errlen, "cannot read %s: %s", path, strerror(errno));
    free(buf);
    fclose(f);
    return NULL;
  }
  fclose(f);
  buf[n] = '\0';
  if (len != NULL)
    *len = n;
  return buf;
}
