/* log.h: error log (stderr) and access log (stdout), json or text.
 *
 * Error lines (svc_log, svc.h) are written at once, each with one
 * write(2), so lines from concurrent threads never interleave.
 *
 * Access lines are buffered once log_start ran: each thread formats its
 * lines into its own buffer (two halves of LOG_HALF bytes: one fills while
 * the other is written), and a writer thread writes every buffer out
 * LOG_DELAY_MS after the first line it has not written yet, so a line
 * waits at most about that long (and never more than 100 ms); a thread
 * whose half fills writes it itself. Lines of one thread keep their order.
 * log_flush writes everything (clean exit); a fatal signal (SIGSEGV,
 * SIGBUS, SIGILL, SIGFPE, SIGABRT) writes what the buffers hold before the
 * previous action runs. SIGKILL loses what is buffered: at most the last
 * 100 ms of access lines. Before log_start (unit tests, tools) and after
 * log_stop every access line is written at once. */
#ifndef SL_COMMON_LOG_H
#define SL_COMMON_LOG_H

#include <stddef.h>

#include "sb.h"
#include "svc.h"

/* Bytes per half of a thread's access-log buffer. */
#define LOG_HALF (32 * 1024)
/* How long the writer lets lines gather before writing them. */
#define LOG_DELAY_MS 50

/* Test seam: how long the writer lets lines gather (LOG_DELAY_MS unless
 * set); a test sets it very long to hold lines in the buffers. */
void log_set_delay_ms(unsigned ms);

/* Sets the program name, format and level (before any thread starts). */
void log_setup(const char *prog, enum svc_log_format format,
               enum svc_log_level level);

/* Starts the buffered access log: the writer thread and the fatal-signal
 * handlers. 0, or -1 (the log stays unbuffered; reported on stderr). */
int log_start(void);

/* Writes every thread's buffered access lines now. */
void log_flush(void);

/* Flushes, stops the writer thread and restores the signal actions; the
 * access log is unbuffered afterwards. */
void log_stop(void);

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

/* Logs one request on stdout if the level is info or more (see above). */
void log_access(const struct log_access *a);

#endif
