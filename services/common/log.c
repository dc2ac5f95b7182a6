/* log.c: log lines (see log.h). */
#include "log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jw.h"

static const char *log_prog = "svc";
static enum svc_log_format log_fmt = SVC_LOG_JSON;
static enum svc_log_level log_level = SVC_LOG_INFO;

static const char *const level_names[] = {"error", "warn", "info", "debug"};

void log_setup(const char *prog, enum svc_log_format format,
               enum svc_log_level level) {
  log_prog = prog;
  log_fmt = format;
  log_level = level;
}

static void now_str(char *buf, size_t len) {
  struct timespec ts;
  struct tm tm;

  clock_gettime(CLOCK_REALTIME, &ts);
  gmtime_r(&ts.tv_sec, &tm);
  /* by hand rather than strftime, which drags locale and time zone code
   * into the static binaries */
  snprintf(buf, len, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
           tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min,
           tm.tm_sec, (int)(ts.tv_nsec / 1000000L));
}

static void write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0)
      return; /* nowhere left to report it */
    p += w;
    n -= (size_t)w;
  }
}

/* Text format: bytes outside printable ASCII become \xNN, so a request
 * path cannot forge a log line. */
static void text_safe(struct sb *b, const char *s) {
  for (const unsigned char *p = (const unsigned char *)s; *p != '\0'; p++) {
    if (*p < 0x20 || *p >= 0x7f || *p == '\\')
      sb_printf(b, "\\x%02x", *p);
    else
      sb_append(b, p, 1);
  }
}

void svc_log(enum svc_log_level level, const char *fmt, ...) {
  char msg[1024], ts[96];
  struct sb b = SB_INIT;
  va_list ap;

  if (level > log_level)
    return;
  va_start(ap, fmt);
  vsnprintf(msg, sizeof msg, fmt, ap);
  va_end(ap);
  now_str(ts, sizeof ts);
  if (log_fmt == SVC_LOG_JSON) {
    sb_printf(&b, "{\"time\":\"%s\",\"level\":\"%s\",\"service\":", ts,
              level_names[level]);
    jw_str(&b, log_prog);
    sb_puts(&b, ",\"msg\":");
    jw_str(&b, msg);
    sb_puts(&b, "}\n");
  } else {
    sb_printf(&b, "%s %s %s: ", ts, log_prog, level_names[level]);
    text_safe(&b, msg);
    sb_puts(&b, "\n");
  }
  if (!b.failed)
    write_all(STDERR_FILENO, b.buf, b.len);
  sb_free(&b);
}

int log_format_access(struct sb *out, enum svc_log_format format,
                      const char *time_str, const struct log_access *a) {
  /* duration as integer ms.us: no floating-point printf (binary size) */
  unsigned long long us =
      (unsigned long long)((a->seconds > 0 ? a->seconds : 0) * 1e6 + 0.5);
  unsigned long long ms = us / 1000, frac = us % 1000;
  if (format == SVC_LOG_JSON) {
    sb_printf(out, "{\"time\":\"%s\",\"method\":", time_str);
    jw_str(out, a->method);
    sb_puts(out, ",\"path\":");
    jw_str(out, a->path);
    sb_puts(out, ",\"proto\":");
    jw_str(out, a->version);
    sb_printf(out, ",\"status\":%d,\"bytes\":%llu,\"duration_ms\":%llu.%03llu,"
                   "\"remote\":",
              a->status, a->bytes, ms, frac);
    jw_str(out, a->remote);
    sb_printf(out, ",\"remote_port\":%u}\n", a->remote_port);
  } else {
    sb_printf(out, "%s %s:%u \"", time_str, a->remote != NULL ? a->remote : "-",
              a->remote_port);
    text_safe(out, a->method != NULL ? a->method : "-");
    sb_puts(out, " ");
    text_safe(out, a->path != NULL ? a->path : "-");
    sb_puts(out, " ");
    text_safe(out, a->version != NULL ? a->version : "-");
    sb_printf(out, "\" %d %llu %llu.%03llums\n", a->status, a->bytes, ms, frac);
  }
  return out->failed ? -1 : 0;
}

void log_access(const struct log_access *a) {
  char ts[96];
  struct sb b = SB_INIT;

  if (log_level < SVC_LOG_INFO)
    return;
  now_str(ts, sizeof ts);
  if (log_format_access(&b, log_fmt, ts, a) == 0)
    write_all(STDOUT_FILENO, b.buf, b.len);
  sb_free(&b);
}
