/* probe: see probe.h. */
#define _GNU_SOURCE /* ppoll; SOCK_NONBLOCK and SOCK_CLOEXEC are Linux socket() flags */
#include "probe.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static int64_t clock_ns(clockid_t id) {
  struct timespec ts;

  clock_gettime(id, &ts);
  return (int64_t)ts.tv_sec * PROBE_NS_PER_S + ts.tv_nsec;
}

int64_t probe_mono_ns(void) { return clock_ns(CLOCK_MONOTONIC); }

int64_t probe_unix_ns(void) { return clock_ns(CLOCK_REALTIME); }

int probe_parse_url(const char *url, struct probe_target *t, char *err,
                    size_t errlen) {
  const char *p = url, *colon, *path;
  char host[INET_ADDRSTRLEN];
  unsigned long port = 0;
  size_t n;

  if (strncmp(p, "http://", 7) != 0) {
    snprintf(err, errlen, "invalid url '%s': expected http://IPV4:PORT/PATH",
             url);
    return -1;
  }
  p += 7;
  colon = strchr(p, ':');
  if (colon == NULL) {
    snprintf(err, errlen, "invalid url '%s': no port (http://IPV4:PORT/PATH)",
             url);
    return -1;
  }
  n = (size_t)(colon - p);
  if (n == 0 || n >= sizeof host) {
    snprintf(err, errlen, "invalid url '%s': host is not an IPv4 address", url);
    return -1;
  }
  memcpy(host, p, n);
  host[n] = '\0';
  memset(&t->addr, 0, sizeof t->addr);
  t->addr.sin_family = AF_INET;
  if (inet_pton(AF_INET, host, &t->addr.sin_addr) != 1) {
    snprintf(err, errlen, "invalid url '%s': host '%s' is not an IPv4 address",
             url, host);
    return -1;
  }
  /* Digits only: strtoul would accept signs and spaces. */
  for (path = colon + 1; isdigit((unsigned char)*path) && port <= 65535; path++)
    port = port * 10 + (unsigned long)(*path - '0');
  if (path == colon + 1 || port == 0 || port > 65535) {
    snprintf(err, errlen, "invalid url '%s': port must be 1..65535", url);
    return -1;
  }
  if (*path != '\0' && *path != '/') {
    snprintf(err, errlen, "invalid url '%s': unexpected '%c' after the port",
             url, *path);
    return -1;
  }
  t->addr.sin_port = htons((unsigned short)port);
  if (*path == '\0')
    path = "/";
  for (const char *c = path; *c != '\0'; c++) {
    if ((unsigned char)*c <= ' ' || *c == 0x7f) {
      snprintf(err, errlen,
               "invalid url '%s': space or control character in the path", url);
      return -1;
    }
  }
  if (strlen(path) >= sizeof t->path) {
    snprintf(err, errlen, "invalid url: path longer than %zu bytes",
             sizeof t->path - 1);
    return -1;
  }
  strcpy(t->path, path);
  return 0;
}

/* Whole-string number parsers for the options. */
static int parse_long(const char *s, long lo, long hi, long *out) {
  char *end;
  long v;

  if (!isdigit((unsigned char)*s))
    return -1;
  errno = 0;
  v = strtol(s, &end, 10);
  if (errno != 0 || *end != '\0' || v < lo || v > hi)
    return -1;
  *out = v;
  return 0;
}

static int parse_seconds(const char *s, int64_t *ns) {
  char *end;
  double v;

  if (!isdigit((unsigned char)*s) && *s != '.')
    return -1;
  errno = 0;
  v = strtod(s, &end);
  if (errno != 0 || *end != '\0' || !(v > 0) || v > 86400)
    return -1;
  *ns = (int64_t)(v * 1e9);
  return *ns > 0 ? 0 : -1;
}

int probe_parse_args(int argc, char *const argv[], struct probe_opts *o,
                     int *cmd, char *err, size_t errlen) {
  long v;
  int i;

  memset(o, 0, sizeof *o);
  o->timeout_ns = 60 * PROBE_NS_PER_S;
  o->interval_ns = PROBE_NS_PER_MS;
  o->attempt_ns = PROBE_ATTEMPT_MS_MAX * PROBE_NS_PER_MS;
  for (i = 1; i < argc; i++) {
    const char *a = argv[i], *val = i + 1 < argc ? argv[i + 1] : NULL;

    if (strcmp(a, "--") == 0) {
      i++;
      break;
    }
    if (strcmp(a, "--after-exit") == 0) {
      o->after_exit = 1;
      continue;
    }
    if (strcmp(a, "--url") != 0 && strcmp(a, "--timeout") != 0 &&
        strcmp(a, "--interval-us") != 0 && strcmp(a, "--attempt-ms") != 0) {
      snprintf(err, errlen, "unknown option '%s'", a);
      return -1;
    }
    if (val == NULL) {
      snprintf(err, errlen, "missing value for %s", a);
      return -1;
    }
    i++;
    if (strcmp(a, "--url") == 0) {
      o->url = val;
    } else if (strcmp(a, "--timeout") == 0) {
      if (parse_seconds(val, &o->timeout_ns) < 0) {
        snprintf(err, errlen,
                 "invalid --timeout '%s': expected seconds, > 0 and <= 86400",
                 val);
        return -1;
      }
    } else if (strcmp(a, "--interval-us") == 0) {
      if (parse_long(val, 100, 1000000, &v) < 0) {
        snprintf(err, errlen,
                 "invalid --interval-us '%s': expected 100..1000000", val);
        return -1;
      }
      o->interval_ns = v * 1000;
    } else {
      if (parse_long(val, 1, PROBE_ATTEMPT_MS_MAX, &v) < 0) {
        snprintf(err, errlen, "invalid --attempt-ms '%s': expected 1..%d", val,
                 PROBE_ATTEMPT_MS_MAX);
        return -1;
      }
      o->attempt_ns = v * PROBE_NS_PER_MS;
    }
  }
  if (o->url == NULL) {
    snprintf(err, errlen, "missing --url");
    return -1;
  }
  if (i >= argc || strcmp(argv[i - 1], "--") != 0) {
    snprintf(err, errlen, "missing command: -- CMD [ARG...]");
    return -1;
  }
  if (probe_parse_url(o->url, &o->target, err, errlen) < 0)
    return -1;
  *cmd = i;
  return 0;
}

/* The child's evfd is readable: collect it if it has exited. Returns 1
 * when reaped, 0 when not yet (a SIGCHLD of another child). */
static int reap(struct probe_child *c, int64_t seen) {
  char drain[64];
  int st;
  pid_t w;

  if (!c->via_pidfd)
    while (read(c->evfd, drain, sizeof drain) > 0)
      ;
  do
    w = waitpid(c->pid, &st, c->via_pidfd ? 0 : WNOHANG);
  while (w < 0 && errno == EINTR);
  if (w == 0)
    return 0;
  c->done = 1;
  c->exit_mono = seen;
  if (w != c->pid)
    c->status = 255; /* cannot happen for our own child: treat as a failure */
  else if (WIFEXITED(st))
    c->status = WEXITSTATUS(st);
  else
    c->status = 128 + WTERMSIG(st);
  if (c->via_pidfd) {
    close(c->evfd);
    c->evfd = -1;
  }
  return 1;
}

int probe_wait(int fd, short events, int64_t deadline_mono,
               struct probe_child *child) {
  struct pollfd pfd[2];
  struct timespec ts;
  int64_t now, left;
  nfds_t n;
  int rc;

  for (;;) {
    n = 0;
    if (fd >= 0)
      pfd[n++] = (struct pollfd){.fd = fd, .events = events};
    if (child != NULL && !child->done)
      pfd[n++] = (struct pollfd){.fd = child->evfd, .events = POLLIN};
    left = deadline_mono - probe_mono_ns();
    if (left <= 0)
      return 0;
    ts.tv_sec = (time_t)(left / PROBE_NS_PER_S);
    ts.tv_nsec = (long)(left % PROBE_NS_PER_S);
    rc = ppoll(pfd, n, &ts, NULL);
    /* Read the clock before anything else: this is the exit time. */
    now = probe_mono_ns();
    if (rc < 0) {
      if (errno == EINTR)
        continue;
      return -1;
    }
    if (rc == 0)
      return 0;
    if (child != NULL && !child->done && pfd[n - 1].revents != 0 &&
        reap(child, now)) {
      if (child->status != 0)
        return -2;
      if (fd < 0)
        return 1;
    }
    if (fd >= 0 && pfd[0].revents != 0)
      return 1;
  }
}

/* "HTTP/1.x NNN": the code, or -1 when the bytes are not a status line. */
static int status_code(const char *b, size_t n) {
  if (n < 12 || strncmp(b, "HTTP/1.", 7) != 0 ||
      !isdigit((unsigned char)b[7]) || b[8] != ' ')
    return -1;
  for (int k = 9; k < 12; k++)
    if (!isdigit((unsigned char)b[k]))
      return -1;
  return (b[9] - '0') * 100 + (b[10] - '0') * 10 + (b[11] - '0');
}

enum probe_answer probe_attempt(const struct probe_target *t,
                                int64_t deadline_mono,
                                struct probe_child *child, int *http_status) {
  enum probe_answer a = PROBE_NETERR;
  char req[1200], buf[64];
  size_t got = 0;
  int fd, w, soerr = 0, len, code;
  socklen_t elen = sizeof soerr;
  ssize_t r;

  *http_status = 0;
  fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
  if (fd < 0)
    return PROBE_NETERR;
  if (connect(fd, (const struct sockaddr *)&t->addr, sizeof t->addr) < 0) {
    if (errno == ECONNREFUSED) {
      a = PROBE_REFUSED;
      goto out;
    }
    if (errno != EINPROGRESS)
      goto out;
    w = probe_wait(fd, POLLOUT, deadline_mono, child);
    if (w != 1) {
      a = w == -2 ? PROBE_CMDFAIL : w == 0 ? PROBE_TIMEOUT : PROBE_NETERR;
      goto out;
    }
    if (getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &elen) < 0)
      goto out;
    if (soerr != 0) {
      a = soerr == ECONNREFUSED ? PROBE_REFUSED : PROBE_NETERR;
      goto out;
    }
  }
  len = snprintf(req, sizeof req,
                 "GET %s HTTP/1.0\r\nHost: probe\r\nConnection: close\r\n\r\n",
                 t->path);
  if (len < 0 || (size_t)len >= sizeof req)
    goto out;
  /* A fresh socket's send buffer takes the whole request at once. */
  if (send(fd, req, (size_t)len, MSG_NOSIGNAL) != len)
    goto out;
  while (got < 12) {
    w = probe_wait(fd, POLLIN, deadline_mono, child);
    if (w != 1) {
      a = w == -2 ? PROBE_CMDFAIL : w == 0 ? PROBE_TIMEOUT : PROBE_NETERR;
      goto out;
    }
    r = recv(fd, buf + got, sizeof buf - got, 0);
    if (r < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
      continue;
    if (r <= 0)
      goto out; /* reset, or closed before a status line */
    got += (size_t)r;
  }
  code = status_code(buf, got);
  if (code < 0)
    goto out;
  *http_status = code;
  a = code == 200 ? PROBE_OK : PROBE_HTTP;
out:
  close(fd);
  return a;
}

static int64_t min64(int64_t a, int64_t b) { return a < b ? a : b; }

static void describe_attempts(char *b, size_t n, const struct probe_result *r) {
  char last[32] = "", cut[64] = "";
  long rest =
      r->attempts - r->refused - r->timeouts - r->http_other - r->neterr;

  if (r->last_http != 0)
    snprintf(last, sizeof last, " (last %d)", r->last_http);
  if (rest > 0)
    snprintf(cut, sizeof cut, ", %ld cut short by the command's exit", rest);
  snprintf(b, n,
           "%ld attempts: %ld refused, %ld timed out, %ld non-200%s, %ld other "
           "errors%s",
           r->attempts, r->refused, r->timeouts, r->http_other, last, r->neterr,
           cut);
}

static void command_failed(struct probe_result *r, const struct probe_child *c,
                           int64_t t0) {
  char what[256];

  describe_attempts(what, sizeof what, r);
  snprintf(r->error, sizeof r->error, "command failed (%s %d) after %.3f s; %s",
           c->status >= 128 ? "signal" : "exit status",
           c->status >= 128 ? c->status - 128 : c->status,
           (double)(c->exit_mono - t0) / 1e9, what);
}

/* Stop a command that is still running at the end: SIGTERM, 2 s grace, SIGKILL. */
static void stop_child(struct probe_child *c) {
  int rc;

  if (c->done)
    return;
  kill(c->pid, SIGTERM);
  rc = probe_wait(-1, 0, probe_mono_ns() + 2 * PROBE_NS_PER_S, c);
  if (rc == 0 && !c->done) {
    kill(c->pid, SIGKILL);
    probe_wait(-1, 0, probe_mono_ns() + 10 * PROBE_NS_PER_S, c);
  }
}

/* The SIGCHLD reaper: the handler writes one byte to this pipe. */
static int probe_sigchld_w = -1;

static void probe_on_sigchld(int sig) {
  int saved = errno;

  (void)sig;
  (void)!write(probe_sigchld_w, "", 1);
  errno = saved;
}

/* Install the SIGCHLD reaper for c; its first poll checks at once, in case
 * the child exited before the handler was in place. */
static int sigchld_begin(struct probe_child *c, int pipefd[2],
                         struct sigaction *old) {
  struct sigaction sa;

  if (pipe2(pipefd, O_NONBLOCK | O_CLOEXEC) < 0)
    return -1;
  probe_sigchld_w = pipefd[1];
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = probe_on_sigchld;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = SA_NOCLDSTOP;
  sigaction(SIGCHLD, &sa, old);
  c->evfd = pipefd[0];
  c->via_pidfd = 0;
  (void)!write(pipefd[1], "", 1);
  return 0;
}

static void sigchld_end(int pipefd[2], const struct sigaction *old) {
  sigaction(SIGCHLD, old, NULL);
  probe_sigchld_w = -1;
  close(pipefd[0]);
  close(pipefd[1]);
}

int probe_run(const struct probe_opts *o, char *const argv[],
              struct probe_result *r) {
  struct probe_child c = {.evfd = -1, .status = -1};
  struct sigaction old_chld;
  int pipefd[2] = {-1, -1};
  int64_t m1, m2, t0, deadline, next, start, adl, ready = -1;
  enum probe_answer a;
  char what[256];
  int code, w;

  memset(r, 0, sizeof *r);
  r->ready_ns = r->command_ns = -1;
  r->command_status = -1;
  /* Realtime bracketed by two monotonic reads: t0 is their midpoint. */
  m1 = probe_mono_ns();
  r->t0_unix_ns = probe_unix_ns();
  m2 = probe_mono_ns();
  t0 = m1 + (m2 - m1) / 2;
  c.pid = fork();
  if (c.pid < 0) {
    snprintf(r->error, sizeof r->error, "cannot fork: %s", strerror(errno));
    return -1;
  }
  if (c.pid == 0) {
    dup2(STDERR_FILENO, STDOUT_FILENO);
    execvp(argv[0], argv);
    fprintf(stderr, "startprobe: cannot run %s: %s\n", argv[0],
            strerror(errno));
    _exit(127);
  }
  if (o->reaper == PROBE_REAP_AUTO) {
    c.evfd = (int)syscall(SYS_pidfd_open, c.pid, 0);
    c.via_pidfd = c.evfd >= 0;
  }
  if (!c.via_pidfd && sigchld_begin(&c, pipefd, &old_chld) < 0) {
    snprintf(r->error, sizeof r->error, "cannot create a pipe: %s",
             strerror(errno));
    kill(c.pid, SIGKILL);
    waitpid(c.pid, NULL, 0);
    return -1;
  }
  r->via_pidfd = c.via_pidfd;
  deadline = t0 + o->timeout_ns;
  if (o->after_exit) {
    w = probe_wait(-1, 0, deadline, &c);
    if (w == -2) {
      command_failed(r, &c, t0);
      goto out;
    }
    if (!c.done) {
      snprintf(
          r->error, sizeof r->error,
          "timeout: the command had not returned within %.1f s (--after-exit)",
          (double)o->timeout_ns / 1e9);
      goto out;
    }
  }
  next = probe_mono_ns();
  for (;;) {
    /* Sleep to the next attempt, still watching the command. */
    while (probe_mono_ns() < next) {
      w = probe_wait(-1, 0, min64(next, deadline), &c);
      if (w == -2) {
        command_failed(r, &c, t0);
        goto out;
      }
      if (w == 0)
        break;
    }
    start = probe_mono_ns();
    if (start >= deadline) {
      describe_attempts(what, sizeof what, r);
      snprintf(r->error, sizeof r->error,
               "timeout: no 200 from %.200s within %.1f s (%s)",
               o->url ? o->url : "the url", (double)o->timeout_ns / 1e9, what);
      goto out;
    }
    next = start + o->interval_ns;
    adl = min64(start + o->attempt_ns, deadline);
    r->attempts++;
    a = probe_attempt(&o->target, adl, &c, &code);
    if (a == PROBE_OK) {
      ready = probe_mono_ns();
      break;
    }
    switch (a) {
    case PROBE_CMDFAIL:
      command_failed(r, &c, t0);
      goto out;
    case PROBE_HTTP:
      r->http_other++;
      r->last_http = code;
      break;
    case PROBE_REFUSED:
      r->refused++;
      break;
    case PROBE_TIMEOUT:
      r->timeouts++;
      break;
    default:
      r->neterr++;
      break;
    }
  }
  r->ready_ns = ready - t0;
  /* Ready before the command returned (host networking): wait for it. */
  w = c.done ? 1 : probe_wait(-1, 0, deadline, &c);
  if (w == -2) {
    command_failed(r, &c, t0);
    snprintf(r->error + strlen(r->error), sizeof r->error - strlen(r->error),
             " (the url had answered 200)");
  } else if (!c.done) {
    snprintf(r->error, sizeof r->error,
             "timeout: the url answered 200 but the command had not returned "
             "within %.1f s",
             (double)o->timeout_ns / 1e9);
  } else {
    r->ok = 1;
  }
out:
  if (c.done) {
    r->command_ns = c.exit_mono - t0;
    r->command_status = c.status;
  } else {
    stop_child(&c);
  }
  if (c.via_pidfd && c.evfd >= 0)
    close(c.evfd);
  if (!c.via_pidfd)
    sigchld_end(pipefd, &old_chld);
  return 0;
}

static void put_seconds(FILE *f, const char *key, int64_t ns) {
  if (ns < 0)
    fprintf(f, "%s=-1", key);
  else
    fprintf(f, "%s=%lld.%06lld", key, (long long)(ns / PROBE_NS_PER_S),
            (long long)(ns % PROBE_NS_PER_S / 1000));
}

static void put_unix(FILE *f, const char *key, int64_t t0_unix, int64_t ns) {
  fprintf(f, " %s=%lld", key, ns < 0 ? -1LL : (long long)(t0_unix + ns));
}

void probe_print(FILE *f, const struct probe_result *r) {
  put_seconds(f, "seconds", r->ready_ns);
  fputc(' ', f);
  put_seconds(f, "command_seconds", r->command_ns);
  fprintf(f,
          " command_status=%d attempts=%ld refused=%ld timeouts=%ld non200=%ld "
          "neterr=%ld",
          r->command_status, r->attempts, r->refused, r->timeouts,
          r->http_other, r->neterr);
  fprintf(f, " t0_unix_ns=%lld", (long long)r->t0_unix_ns);
  put_unix(f, "ready_unix_ns", r->t0_unix_ns, r->ready_ns);
  put_unix(f, "exit_unix_ns", r->t0_unix_ns, r->command_ns);
  fprintf(f, " reaper=%s\n", r->via_pidfd ? "pidfd" : "sigchld");
}
