/* log.h: error log (stderr) and access log (stdout), json or text.
 * Each line is written with one write(2), so lines from concurrent
 * threads never interleave. svc_log (svc.h) is the error side. */
#ifndef SL_LOG_H
#define SL_LOG_H

#include <stddef.h>

#include "sb.h"
#include "svc.h"

/* Sets the program name, format and level (before any thread starts). */
void log_setup(const char *prog, enum svc_log_format format,
               enum svc_log_level level);

struct log_access {
  const char *method, *path, *version, *remote;
  unsigned remote_port;
  int status;
  unsigned long long bytes; /* response body bytes */
  double seconds;
};

/* Formats one access line (with the trailing newline) into out: the pure
 * part, unit-tested. time_str is an RFC 3339 UTC time. */
int log_format_access(struct sb *out, enum svc_log_format format,
                      const char *time_str, const struct log_access *a);

/* Writes the access line to stdout if the level is info or more. */
void log_access(const struct log_access *a);

#endif
