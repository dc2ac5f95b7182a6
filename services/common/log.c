/* log.c: log lines (see log.h). */
#include "log.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "jw.h"
#include "rfc3339.h"

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

/* A clock past year 9999 (rfc3339.h) gets this impossible stamp rather
 * than none. */
static const char bad_time[] = "0000-00-00T00:00:00.000Z";

/* The stamp of ms into out (RFC3339_MS_SIZE bytes at least). */
static void stamp(int64_t ms, char *out, size_t len) {
  if (rfc3339_ms(ms, out, len) < 0)
    snprintf(out, len, "%s", bad_time);
}

static void now_str(char *buf, size_t len) {
  struct timespec ts;

  clock_gettime(CLOCK_REALTIME, &ts);
  stamp((int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000L, buf, len);
}

static void write_all(int fd, const char *p, size_t n) {
  while (n > 0) {
    ssize_t w = write(fd, p, n);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return; /* nowhere left to report it */
    p += w;
    n -= (size_t)w;
  }
}

/* Text format: bytes outside printable ASCII become \xNN, so a request
 * path cannot forge a log line. Safe runs are copied at once. */
static void text_safe(struct sb *b, const char *s) {
  static const char hex[] = "0123456789abcdef";
  const unsigned char *p = (const unsigned char *)s, *run = p;
  for (; *p != '\0'; p++) {
    if (*p >= 0x20 && *p < 0x7f && *p != '\\')
      continue;
    char esc[4] = {'\\', 'x', hex[*p >> 4], hex[*p & 15]};
    sb_append(b, run, (size_t)(p - run));
    sb_append(b, esc, sizeof esc);
    run = p + 1;
  }
  sb_append(b, run, (size_t)(p - run));
}

/* Appends v in decimal, at least width digits (zero-padded): the access
 * line's numbers without printf, which costs several times more. */
static void put_u(struct sb *b, unsigned long long v, int width) {
  char d[24];
  int i = (int)sizeof d;
  do {
    d[--i] = (char)('0' + v % 10);
    v /= 10;
  } while (v != 0 || (int)sizeof d - i < width);
  sb_append(b, d + i, sizeof d - (size_t)i);
}

void svc_log(enum svc_log_level level, const char *fmt, ...) {
  char msg[1024], ts[RFC3339_MS_SIZE];
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
  unsigned long long status = a->status > 0 ? (unsigned long long)a->status : 0;
  if (format == SVC_LOG_JSON) {
    sb_puts(out, "{\"time\":\"");
    sb_puts(out, time_str);
    sb_puts(out, "\",\"method\":");
    jw_str(out, a->method);
    sb_puts(out, ",\"path\":");
    jw_str(out, a->path);
    sb_puts(out, ",\"proto\":");
    jw_str(out, a->version);
    sb_puts(out, ",\"status\":");
    put_u(out, status, 1);
    sb_puts(out, ",\"bytes\":");
    put_u(out, a->bytes, 1);
    sb_puts(out, ",\"duration_ms\":");
    put_u(out, ms, 1);
    sb_puts(out, ".");
    put_u(out, frac, 3);
    sb_puts(out, ",\"remote\":");
    jw_str(out, a->remote);
    sb_puts(out, ",\"remote_port\":");
    put_u(out, a->remote_port, 1);
    sb_puts(out, "}\n");
  } else {
    sb_puts(out, time_str);
    sb_puts(out, " ");
    sb_puts(out, a->remote != NULL ? a->remote : "-");
    sb_puts(out, ":");
    put_u(out, a->remote_port, 1);
    sb_puts(out, " \"");
    text_safe(out, a->method != NULL ? a->method : "-");
    sb_puts(out, " ");
    text_safe(out, a->path != NULL ? a->path : "-");
    sb_puts(out, " ");
    text_safe(out, a->version != NULL ? a->version : "-");
    sb_puts(out, "\" ");
    put_u(out, status, 1);
    sb_puts(out, " ");
    put_u(out, a->bytes, 1);
    sb_puts(out, " ");
    put_u(out, ms, 1);
    sb_puts(out, ".");
    put_u(out, frac, 3);
    sb_puts(out, "ms\n");
  }
  return out->failed ? -1 : 0;
}

/* ---- the buffered access log ------------------------------------------- */

/* One thread's buffer. Only its thread appends (under mu); the writer
 * thread and the thread itself write a half out under io, which keeps the
 * thread's lines in order on stdout. */
struct logbuf {
  pthread_mutex_t mu;
  pthread_mutex_t io;
  char *fill; /* the half being filled: half[0] or half[1] */
  size_t len;
  struct sb line; /* the line being formatted, reused */
  time_t sec;     /* the stamp of sec, to the second, is in date */
  char date[RFC3339_MS_SIZE];
  struct logbuf *next;
  char half[2][LOG_HALF];
};

static pthread_mutex_t reg_mu = PTHREAD_MUTEX_INITIALIZER;
static struct logbuf *_Atomic bufs; /* every thread's, newest first */
static atomic_bool running;
static atomic_uint generation; /* tells a thread its buffer is stale */
static _Thread_local struct logbuf *mine;
static _Thread_local unsigned mine_gen;

/* The writer thread. */
static pthread_mutex_t wmu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t wcv; /* CLOCK_MONOTONIC */
static pthread_t writer_thread;
static bool wstop;
static atomic_bool dirty; /* a line was added since the writer's last look */
static atomic_uint delay_ms = LOG_DELAY_MS;

void log_set_delay_ms(unsigned ms) { atomic_store(&delay_ms, ms); }

/* The previous fatal-signal actions, restored before re-raising. */
static const int fatal_signals[] = {SIGSEGV, SIGBUS, SIGILL, SIGFPE, SIGABRT};
#define NFATAL (sizeof fatal_signals / sizeof fatal_signals[0])
static struct sigaction old_actions[NFATAL];

/* Writes b's filling half out (if any) and starts filling the other. */
static void flush_buf(struct logbuf *b) {
  pthread_mutex_lock(&b->io);
  pthread_mutex_lock(&b->mu);
  char *out = b->fill;
  size_t n = b->len;
  if (n > 0) {
    b->fill = b->fill == b->half[0] ? b->half[1] : b->half[0];
    b->len = 0;
  }
  pthread_mutex_unlock(&b->mu);
  if (n > 0)
    write_all(STDOUT_FILENO, out, n);
  pthread_mutex_unlock(&b->io);
}

void log_flush(void) {
  for (struct logbuf *b = atomic_load(&bufs); b != NULL; b = b->next)
    flush_buf(b);
}

/* Appends one formatted line to the thread's buffer. */
static void append(struct logbuf *b, const char *p, size_t n) {
  pthread_mutex_lock(&b->mu);
  if (b->len + n > LOG_HALF) {
    pthread_mutex_unlock(&b->mu);
    flush_buf(b);
    if (n > LOG_HALF) {
      pthread_mutex_lock(&b->io); /* after what flush_buf wrote */
      write_all(STDOUT_FILENO, p, n);
      pthread_mutex_unlock(&b->io);
      return;
    }
    pthread_mutex_lock(&b->mu);
  }
  memcpy(b->fill + b->len, p, n);
  b->len += n;
  pthread_mutex_unlock(&b->mu);
  if (!atomic_load_explicit(&dirty, memory_order_relaxed) &&
      !atomic_exchange(&dirty, true)) {
    pthread_mutex_lock(&wmu);
    pthread_cond_signal(&wcv);
    pthread_mutex_unlock(&wmu);
  }
}

/* This thread's buffer, registered on first use; NULL if out of memory. */
static struct logbuf *my_buffer(void) {
  unsigned gen = atomic_load(&generation);
  if (mine != NULL && mine_gen == gen)
    return mine;
  struct logbuf *b = calloc(1, sizeof *b);
  if (b == NULL)
    return NULL;
  if (pthread_mutex_init(&b->mu, NULL) != 0) {
    free(b);
    return NULL;
  }
  if (pthread_mutex_init(&b->io, NULL) != 0) {
    pthread_mutex_destroy(&b->mu);
    free(b);
    return NULL;
  }
  b->fill = b->half[0];
  b->sec = (time_t)-1;
  pthread_mutex_lock(&reg_mu);
  b->next = atomic_load(&bufs);
  atomic_store(&bufs, b);
  pthread_mutex_unlock(&reg_mu);
  mine = b;
  mine_gen = gen;
  return b;
}

void log_access(const struct log_access *a) {
  char ts[RFC3339_MS_SIZE];

  if (log_level < SVC_LOG_INFO)
    return;
  struct logbuf *b = atomic_load(&running) ? my_buffer() : NULL;
  if (b == NULL) {
    struct sb line = SB_INIT;
    now_str(ts, sizeof ts);
    if (log_format_access(&line, log_fmt, ts, a) == 0)
      write_all(STDOUT_FILENO, line.buf, line.len);
    sb_free(&line);
    return;
  }
  struct timespec now;
  clock_gettime(CLOCK_REALTIME, &now);
  if (now.tv_sec != b->sec) {
    stamp((int64_t)now.tv_sec * 1000, b->date, sizeof b->date);
    b->date[RFC3339_SECONDS_LEN] = '\0';
    b->sec = now.tv_sec;
  }
  /* "<date>.mmmZ" by hand: this runs for every request */
  size_t dl = strlen(b->date);
  long msec = now.tv_nsec / 1000000L;
  memcpy(ts, b->date, dl);
  ts[dl] = '.';
  ts[dl + 1] = (char)('0' + msec / 100);
  ts[dl + 2] = (char)('0' + msec / 10 % 10);
  ts[dl + 3] = (char)('0' + msec % 10);
  ts[dl + 4] = 'Z';
  ts[dl + 5] = '\0';
  sb_reset(&b->line);
  if (log_format_access(&b->line, log_fmt, ts, a) == 0)
    append(b, b->line.buf, b->line.len);
}

static void *writer(void *arg) {
  (void)arg;
  pthread_mutex_lock(&wmu);
  while (!wstop) {
    if (!atomic_load(&dirty)) {
      pthread_cond_wait(&wcv, &wmu);
      continue;
    }
    /* let lines gather, then write them all */
    struct timespec until;
    unsigned ms = atomic_load(&delay_ms);
    clock_gettime(CLOCK_MONOTONIC, &until);
    until.tv_sec += (time_t)(ms / 1000);
    until.tv_nsec += (long)(ms % 1000) * 1000000L;
    if (until.tv_nsec >= 1000000000L) {
      until.tv_sec++;
      until.tv_nsec -= 1000000000L;
    }
    while (!wstop && pthread_cond_timedwait(&wcv, &wmu, &until) == 0)
      ;
    pthread_mutex_unlock(&wmu);
    atomic_store(&dirty, false);
    log_flush();
    pthread_mutex_lock(&wmu);
  }
  pthread_mutex_unlock(&wmu);
  return NULL;
}

/* Writes what the filling halves hold (no locks: the process is dying),
 * then lets the previous action run. */
static void on_fatal(int sig, siginfo_t *info, void *uctx) {
  (void)uctx;
  for (struct logbuf *b = atomic_load(&bufs); b != NULL; b = b->next)
    if (b->len > 0 && b->len <= LOG_HALF)
      write_all(STDOUT_FILENO, b->fill, b->len);
  for (size_t i = 0; i < NFATAL; i++)
    if (fatal_signals[i] == sig)
      sigaction(sig, &old_actions[i], NULL);
  /* A fault returns to the faulting instruction, which faults again into
   * the previous action with its own details; a sent signal is resent. */
  if (info == NULL || info->si_code <= 0 || sig == SIGABRT)
    raise(sig);
}

int log_start(void) {
  pthread_condattr_t ca;
  int ok = 0;

  if (atomic_load(&running))
    return 0;
  if (pthread_condattr_init(&ca) != 0)
    return -1;
  if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
      pthread_cond_init(&wcv, &ca) == 0) {
    wstop = false;
    ok = pthread_create(&writer_thread, NULL, writer, NULL) == 0;
    if (!ok)
      pthread_cond_destroy(&wcv);
  }
  pthread_condattr_destroy(&ca);
  if (!ok) {
    svc_log(SVC_LOG_WARN, "cannot start the access log writer: lines are "
                          "written one by one");
    return -1;
  }
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_sigaction = on_fatal;
  sa.sa_flags = SA_SIGINFO;
  sigemptyset(&sa.sa_mask);
  for (size_t i = 0; i < NFATAL; i++)
    sigaction(fatal_signals[i], &sa, &old_actions[i]);
  atomic_fetch_add(&generation, 1);
  atomic_store(&running, true);
  return 0;
}

void log_stop(void) {
  if (!atomic_load(&running))
    return;
  pthread_mutex_lock(&wmu);
  wstop = true;
  pthread_cond_signal(&wcv);
  pthread_mutex_unlock(&wmu);
  pthread_join(writer_thread, NULL);
  pthread_cond_destroy(&wcv);
  atomic_store(&running, false);
  log_flush();
  for (size_t i = 0; i < NFATAL; i++)
    sigaction(fatal_signals[i], &old_actions[i], NULL);
  atomic_fetch_add(&generation, 1);
  pthread_mutex_lock(&reg_mu);
  struct logbuf *b = atomic_exchange(&bufs, NULL);
  pthread_mutex_unlock(&reg_mu);
  while (b != NULL) {
    struct logbuf *next = b->next;
    sb_free(&b->line);
    pthread_mutex_destroy(&b->io);
    pthread_mutex_destroy(&b->mu);
    free(b);
    b = next;
  }
}
