/* csv: RFC 4180 reader and field writer.
 *
 * Records end with LF or CRLF; fields are separated by commas; a field in
 * double quotes may contain commas, line breaks and doubled quotes ("").
 * A lone quote inside an unquoted field, text after a closing quote and an
 * unterminated quoted field are errors. */
#ifndef SL_ANALYSIS_CSV_H
#define SL_ANALYSIS_CSV_H

#include <stddef.h>
#include <stdio.h>

/* Called once per record. fields[i] are NUL-terminated and borrowed until
 * the callback returns. line: the line number where the record starts
 * (1-based). Return 0 to go on, -1 to stop (csv_parse then returns -1 and
 * leaves err as the callback wrote it). */
typedef int (*csv_record_fn)(void *ctx, size_t line, char **fields,
                             size_t nfields, char *err, size_t errlen);

/* Parse text[0..len). Empty lines are skipped. Returns 0, or -1 with
 * "line N: cause" in err. */
int csv_parse(const char *text, size_t len, csv_record_fn fn, void *ctx,
              char *err, size_t errlen);

/* Write one field to f, quoted (RFC 4180) when it contains a comma, a
 * quote, CR or LF. Returns 0 or -1 on a write error. */
int csv_write_field(FILE *f, const char *s);

/* Read a whole file into a NUL-terminated buffer. Caller frees with free().
 * Returns NULL with a message in err ("cannot read PATH: cause"). */
char *csv_slurp(const char *path, size_t *len, char *err, size_t errlen);

#endif
