/* Unit tests of benchmarks/probe/probe.c (startprobe's module): URL and
 * option parsing, one attempt against real loopback sockets (refused, a
 * listener that never answers, 200, other codes, garbage, a status line in
 * two pieces), whole runs with real child processes (reaping, failures,
 * --after-exit) and the output line (RFC 3339 conversion:
 * test_bench_timestamp.c).
 *
 * Time bounds here check behaviour, not speed: each is an order of
 * magnitude looser than the behaviour it separates (an attempt bounded at
 * 20 ms against the 1 s of the old probe; a command reaped when it exits
 * against one reaped at the next attempt, a second later). The reaping
 * tests run with the pidfd and with the SIGCHLD reaper. */
#define _GNU_SOURCE /* open_memstream is POSIX 2008, fine; SOCK_CLOEXEC */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>

#include <cmocka.h>

#include <arpa/inet.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probe.h"

#define MS PROBE_NS_PER_MS

/* A loopback socket on a kernel-chosen port, listening or only bound. */
static int loopback_socket(int listening, unsigned short *port) {
  struct sockaddr_in a = {.sin_family = AF_INET};
  socklen_t len = sizeof a;
  int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

  assert_true(fd >= 0);
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof a), 0);
  if (listening)
    assert_int_equal(listen(fd, 16), 0);
  assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
  *port = ntohs(a.sin_port);
  return fd;
}

static void target_at(struct probe_target *t, unsigned short port,
                      const char *path) {
  char url[128], err[256];

  snprintf(url, sizeof url, "http://127.0.0.1:%u%s", port, path);
  if (probe_parse_url(url, t, err, sizeof err) < 0)
    fail_msg("%s", err);
}

/* Per-test state: an optional forked responder and a listening socket. */
struct fixture {
  pid_t server;
  int fd;
  unsigned short port;
};

static int setup(void **state) {
  struct fixture *f = calloc(1, sizeof *f);

  if (f == NULL)
    return -1;
  f->server = -1;
  f->fd = -1;
  *state = f;
  return 0;
}

static int teardown(void **state) {
  struct fixture *f = *state;

  if (f->server > 0) {
    kill(f->server, SIGKILL);
    waitpid(f->server, NULL, 0);
  }
  if (f->fd >= 0)
    close(f->fd);
  free(f);
  return 0;
}

/* Fork a responder on a fresh listening port: each connection gets head,
 * then after pause_ms the tail (either may be NULL: NULL head and tail
 * closes at once), then it is closed. */
static void serve(struct fixture *f, const char *head, int pause_ms,
                  const char *tail) {
  char buf[2048];
  int c;

  f->fd = loopback_socket(1, &f->port);
  f->server = fork();
  assert_true(f->server >= 0);
  if (f->server > 0)
    return;
  for (;;) {
    c = accept(f->fd, NULL, NULL);
    if (c < 0)
      continue;
    (void)!read(c, buf, sizeof buf);
    if (head != NULL)
      (void)!write(c, head, strlen(head));
    if (pause_ms > 0) {
      struct timespec ts = {0, pause_ms * 1000000L};
      nanosleep(&ts, NULL);
    }
    if (tail != NULL)
      (void)!write(c, tail, strlen(tail));
    close(c);
  }
}

static void url_valid(void **state) {
  struct probe_target t;
  char err[256];

  (void)state;
  assert_int_equal(
      probe_parse_url("http://127.0.0.1:8080/readyz", &t, err, sizeof err), 0);
  assert_int_equal(ntohs(t.addr.sin_port), 8080);
  assert_int_equal(ntohl(t.addr.sin_addr.s_addr), 0x7f000001);
  assert_string_equal(t.path, "/readyz");
  assert_int_equal(
      probe_parse_url("http://10.1.2.3:65535", &t, err, sizeof err), 0);
  assert_int_equal(ntohs(t.addr.sin_port), 65535);
  assert_string_equal(t.path, "/");
}

/* Catches: a malformed URL accepted and probed somewhere unintended. */
static void url_invalid(void **state) {
  static const struct {
    const char *url, *msg;
  } cases[] = {
      {"https://127.0.0.1:8080/", "expected http://IPV4:PORT/PATH"},
      {"127.0.0.1:8080", "expected http://IPV4:PORT/PATH"},
      {"http://127.0.0.1/readyz", "no port"},
      {"http://localhost:8080/", "host 'localhost' is not an IPv4 address"},
      {"http://:8080/", "not an IPv4 address"},
      {"http://127.0.0.1:0/", "port must be 1..65535"},
      {"http://127.0.0.1:65536/", "port must be 1..65535"},
      {"http://127.0.0.1:99999999999999999999/", "port must be 1..65535"},
      {"http://127.0.0.1:/x", "port must be 1..65535"},
      {"http://127.0.0.1:+80/", "port must be 1..65535"},
      {"http://127.0.0.1:80x/", "unexpected 'x' after the port"},
      {"http://127.0.0.1:80/a b", "space or control character"},
  };
  struct probe_target t;
  char err[256];

  (void)state;
  for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
    err[0] = '\0';
    assert_int_equal(probe_parse_url(cases[i].url, &t, err, sizeof err), -1);
    if (strstr(err, cases[i].msg) == NULL)
      fail_msg("'%s': got '%s', want '%s'", cases[i].url, err, cases[i].msg);
  }
  char long_url[1200] = "http://127.0.0.1:80/";
  memset(long_url + strlen(long_url), 'a', 1100);
  long_url[sizeof long_url - 1] = '\0';
  assert_int_equal(probe_parse_url(long_url, &t, err, sizeof err), -1);
  assert_non_null(strstr(err, "path longer than"));
}

static int parse(int argc, char **argv, struct probe_opts *o, int *cmd,
                 char *err) {
  return probe_parse_args(argc, argv, o, cmd, err, 256);
}

/* Catches: the 20 ms bound or the 1 ms interval lost as defaults; an
 * attempt bound above 20 ms accepted; options after -- taken as ours. */
static void args_parse(void **state) {
  struct probe_opts o;
  char err[256];
  int cmd = 0;

  (void)state;
  char *a1[] = {"startprobe", "--url", "http://127.0.0.1:9/r", "--",
                "docker",     "run",   "--after-exit",         NULL};
  assert_int_equal(parse(7, a1, &o, &cmd, err), 0);
  assert_int_equal(cmd, 4);
  assert_true(o.timeout_ns == 60 * PROBE_NS_PER_S);
  assert_true(o.interval_ns == 1 * MS);
  assert_true(o.attempt_ns == 20 * MS);
  assert_int_equal(o.after_exit, 0);
  assert_string_equal(o.target.path, "/r");

  char *a2[] = {"startprobe",
                "--after-exit",
                "--attempt-ms",
                "5",
                "--interval-us",
                "250",
                "--timeout",
                "2.5",
                "--url",
                "http://127.0.0.1:9/",
                "--",
                "true",
                NULL};
  assert_int_equal(parse(12, a2, &o, &cmd, err), 0);
  assert_int_equal(o.after_exit, 1);
  assert_true(o.attempt_ns == 5 * MS);
  assert_true(o.interval_ns == 250000);
  assert_true(o.timeout_ns == 2500 * MS);
  assert_int_equal(cmd, 11);

  static const struct {
    const char *opt, *val, *msg;
  } bad[] = {
      {"--attempt-ms", "21", "invalid --attempt-ms '21': expected 1..20"},
      {"--attempt-ms", "0", "invalid --attempt-ms '0'"},
      {"--attempt-ms", "5ms", "invalid --attempt-ms '5ms'"},
      {"--interval-us", "99",
       "invalid --interval-us '99': expected 100..1000000"},
      {"--interval-us", "-5", "invalid --interval-us"},
      {"--timeout", "0", "invalid --timeout '0'"},
      {"--timeout", "-1", "invalid --timeout"},
      {"--timeout", "nan", "invalid --timeout"},
      {"--timeout", "3s", "invalid --timeout"},
      {"--url", "http://x:1/", "host 'x' is not an IPv4 address"},
      {"--bogus", "1", "unknown option '--bogus'"},
  };
  for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
    char *url = strcmp(bad[i].opt, "--url") == 0 ? (char *)bad[i].val
                                                 : "http://127.0.0.1:9/";
    char *av[] = {"startprobe",       "--url", url,    (char *)bad[i].opt,
                  (char *)bad[i].val, "--",    "true", NULL};
    err[0] = '\0';
    assert_int_equal(parse(7, av, &o, &cmd, err), -1);
    if (strstr(err, bad[i].msg) == NULL)
      fail_msg("%s %s: got '%s'", bad[i].opt, bad[i].val, err);
  }
  char *a3[] = {"startprobe", "--", "true", NULL};
  assert_int_equal(parse(3, a3, &o, &cmd, err), -1);
  assert_string_equal(err, "missing --url");
  char *a4[] = {"startprobe", "--url", "http://127.0.0.1:9/", "--", NULL};
  assert_int_equal(parse(4, a4, &o, &cmd, err), -1);
  assert_string_equal(err, "missing command: -- CMD [ARG...]");
  char *a5[] = {"startprobe", "--url", "http://127.0.0.1:9/", "true", NULL};
  assert_int_equal(parse(4, a5, &o, &cmd, err), -1);
  assert_string_equal(err, "unknown option 'true'");
  char *a6[] = {"startprobe", "--url", NULL};
  assert_int_equal(parse(2, a6, &o, &cmd, err), -1);
  assert_string_equal(err, "missing value for --url");
}

/* Catches: a refused connection counted as a timeout, or waited on. */
static void attempt_refused(void **state) {
  struct fixture *f = *state;
  struct probe_target t;
  int code = -1;

  f->fd = loopback_socket(0, &f->port); /* bound, not listening: refuses */
  target_at(&t, f->port, "/readyz");
  int64_t t0 = probe_mono_ns();
  assert_int_equal(probe_attempt(&t, t0 + 20 * MS, NULL, &code), PROBE_REFUSED);
  assert_int_equal(code, 0);
  assert_true(probe_mono_ns() - t0 < 20 * MS);
}

/* The bound: a listener whose backlog accepts the connection but never
 * answers (what docker-proxy does before the container is reachable). The
 * old probe waited up to 1 s here. Catches: an unbounded read. */
static void attempt_bounded(void **state) {
  struct fixture *f = *state;
  struct probe_target t;
  int code;

  f->fd = loopback_socket(1, &f->port);
  target_at(&t, f->port, "/readyz");
  for (int i = 0; i < 3; i++) {
    int64_t t0 = probe_mono_ns();
    assert_int_equal(probe_attempt(&t, t0 + 20 * MS, NULL, &code),
                     PROBE_TIMEOUT);
    int64_t took = probe_mono_ns() - t0;
    assert_true(took >= 19 * MS);
    if (took > 200 * MS)
      fail_msg("attempt took %lld ms, bound 20 ms", (long long)(took / MS));
  }
}

static void attempt_200(void **state) {
  struct fixture *f = *state;
  struct probe_target t;
  int code;

  serve(f, "HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n", 0, NULL);
  target_at(&t, f->port, "/readyz");
  assert_int_equal(probe_attempt(&t, probe_mono_ns() + 2000 * MS, NULL, &code),
                   PROBE_OK);
  assert_int_equal(code, 200);
}

/* Catches: any answer taken as ready; the code misread. */
static void attempt_503(void **state) {
  struct fixture *f = *state;
  struct probe_target t;
  int code;

  serve(f, "HTTP/1.0 503 Service Unavailable\r\n\r\n", 0, NULL);
  target_at(&t, f->port, "/readyz");
  assert_int_equal(probe_attempt(&t, probe_mono_ns() + 2000 * MS, NULL, &code),
                   PROBE_HTTP);
  assert_int_equal(code, 503);
}

/* Catches: a status line split across reads judged on its first piece. */
static void attempt_split_status(void **state) {
  struct fixture *f = *state;
  struct probe_target t;
  int code;

  serve(f, "HTTP/1.", 5, "1 200 OK\r\n\r\n");
  target_at(&t, f->port, "/");
  assert_int_equal(probe_attempt(&t, probe_mono_ns() + 2000 * MS, NULL, &code),
                   PROBE_OK);
  assert_int_equal(code, 200);
}

/* Catches: a close before any answer (docker-proxy with no container
 * behind it) or a non-HTTP reply counted as an answer. */
static void attempt_closed(void **state) {
  struct fixture *f = *state;
  struct probe_target t;
  int code;

  serve(f, NULL, 0, NULL);
  target_at(&t, f->port, "/");
  assert_int_equal(probe_attempt(&t, probe_mono_ns() + 2000 * MS, NULL, &code),
                   PROBE_NETERR);
  assert_int_equal(code, 0);
}

static void attempt_not_http(void **state) {
  struct fixture *f = *state;
  struct probe_target t;
  int code;

  serve(f, "SSH-2.0-OpenSSH_9.2\r\n", 0, NULL);
  target_at(&t, f->port, "/");
  assert_int_equal(probe_attempt(&t, probe_mono_ns() + 2000 * MS, NULL, &code),
                   PROBE_NETERR);
}

static void opts_for(struct probe_opts *o, unsigned short port,
                     int64_t timeout_ns) {
  char err[256];

  memset(o, 0, sizeof *o);
  o->url = "http://127.0.0.1/test";
  o->timeout_ns = timeout_ns;
  o->interval_ns = 1 * MS;
  o->attempt_ns = 20 * MS;
  target_at(&o->target, port, "/readyz");
  (void)err;
}

static void run_ready(void **state) {
  struct fixture *f = *state;
  struct probe_opts o;
  struct probe_result r;
  char *cmd[] = {"true", NULL};

  serve(f, "HTTP/1.0 200 OK\r\n\r\n", 0, NULL);
  opts_for(&o, f->port, 10 * PROBE_NS_PER_S);
  int64_t before = probe_unix_ns();
  assert_int_equal(probe_run(&o, cmd, &r), 0);
  assert_int_equal(r.ok, 1);
  assert_string_equal(r.error, "");
  assert_int_equal(r.command_status, 0);
  assert_true(r.ready_ns >= 0 && r.command_ns >= 0);
  assert_true(r.attempts >= 1);
  assert_true(r.t0_unix_ns >= before && r.t0_unix_ns <= probe_unix_ns());
}

/* The reaping: the command exits at ~100 ms while the URL never answers
 * and attempts are 1 s apart. Catches a child reaped only between
 * attempts (command_seconds >= 1 s, or -1 at the 0.6 s timeout). */
static void run_reaps_between_attempts(void **state) {
  struct fixture *f = *state;
  struct probe_opts o;
  struct probe_result r;
  char *cmd[] = {"sleep", "0.1", NULL};

  f->fd = loopback_socket(0, &f->port);
  opts_for(&o, f->port, 600 * MS);
  o.interval_ns = PROBE_NS_PER_S;
  for (int k = 0; k < 2; k++) {
    o.reaper = k == 0 ? PROBE_REAP_AUTO : PROBE_REAP_SIGCHLD;
    assert_int_equal(probe_run(&o, cmd, &r), 0);
    assert_int_equal(r.ok, 0);
    assert_non_null(strstr(r.error, "timeout: no 200"));
    assert_non_null(strstr(r.error, "1 attempts: 1 refused"));
    assert_int_equal(r.command_status, 0);
    assert_true(r.ready_ns == -1);
    if (k == 1)
      assert_int_equal(r.via_pidfd, 0);
    if (r.command_ns < 100 * MS || r.command_ns > 300 * MS)
      fail_msg("%s: command_seconds %.3f s for a 0.1 s command",
               r.via_pidfd ? "pidfd" : "sigchld", (double)r.command_ns / 1e9);
  }
}

/* The same while an attempt is in flight: the listener never answers, so
 * the probe spends its time inside 20 ms attempts. */
static void run_reaps_during_attempt(void **state) {
  struct fixture *f = *state;
  struct probe_opts o;
  struct probe_result r;
  char *cmd[] = {"sleep", "0.1", NULL};

  f->fd = loopback_socket(1, &f->port);
  opts_for(&o, f->port, 400 * MS);
  assert_int_equal(probe_run(&o, cmd, &r), 0);
  assert_int_equal(r.ok, 0);
  assert_true(r.timeouts >= 2);
  assert_int_equal(r.timeouts, r.attempts);
  assert_int_equal(r.command_status, 0);
  if (r.command_ns < 100 * MS || r.command_ns > 300 * MS)
    fail_msg("command_seconds %.3f s for a 0.1 s command",
             (double)r.command_ns / 1e9);
}

/* Catches: a failed `docker run` noticed only at the timeout (10 s). */
static void run_failed_command_at_once(void **state) {
  struct fixture *f = *state;
  struct probe_opts o;
  struct probe_result r;
  char *cmd[] = {"sh", "-c", "sleep 0.05; exit 3", NULL};

  f->fd = loopback_socket(1, &f->port);
  opts_for(&o, f->port, 10 * PROBE_NS_PER_S);
  for (int k = 0; k < 2; k++) {
    o.reaper = k == 0 ? PROBE_REAP_AUTO : PROBE_REAP_SIGCHLD;
    int64_t t0 = probe_mono_ns();
    assert_int_equal(probe_run(&o, cmd, &r), 0);
    int64_t took = probe_mono_ns() - t0;
    assert_int_equal(r.ok, 0);
    assert_int_equal(r.command_status, 3);
    assert_non_null(
        strstr(r.error, "command failed (exit status 3) after 0.0"));
    assert_true(r.command_ns >= 50 * MS && r.command_ns < took);
    if (took > 2 * PROBE_NS_PER_S)
      fail_msg("failure reported after %.3f s", (double)took / 1e9);
  }
}

/* The SIGCHLD reaper restores the caller's SIGCHLD disposition. */
static void run_sigchld_restores_handler(void **state) {
  struct fixture *f = *state;
  struct probe_opts o;
  struct probe_result r;
  struct sigaction before, after;
  char *cmd[] = {"true", NULL};

  serve(f, "HTTP/1.0 200 OK\r\n\r\n", 0, NULL);
  opts_for(&o, f->port, 10 * PROBE_NS_PER_S);
  o.reaper = PROBE_REAP_SIGCHLD;
  sigaction(SIGCHLD, NULL, &before);
  assert_int_equal(probe_run(&o, cmd, &r), 0);
  assert_int_equal(r.ok, 1);
  assert_int_equal(r.command_status, 0);
  sigaction(SIGCHLD, NULL, &after);
  assert_ptr_equal((void *)after.sa_handler, (void *)before.sa_handler);
}

static void run_command_not_found(void **state) {
  struct fixture *f = *state;
  struct probe_opts o;
  struct probe_result r;
  char *cmd[] = {"/nonexistent/docker", "run", NULL};

  f->fd = loopback_socket(0, &f->port);
  opts_for(&o, f->port, 10 * PROBE_NS_PER_S);
  assert_int_equal(probe_run(&o, cmd, &r), 0);
  assert_int_equal(r.ok, 0);
  assert_int_equal(r.command_status, 127);
  assert_non_null(strstr(r.error, "exit status 127"));
}

/* Catches: a command killed by a signal reported as success or as status 0. */
static void run_command_signalled(void **state) {
  struct fixture *f = *state;
  struct probe_opts o;
  struct probe_result r;
  char *cmd[] = {"sh", "-c", "kill -TERM $$", NULL};

  f->fd = loopback_socket(0, &f->port);
  opts_for(&o, f->port, 10 * PROBE_NS_PER_S);
  assert_int_equal(probe_run(&o, cmd, &r), 0);
  assert_int_equal(r.ok, 0);
  assert_int_equal(r.command_status, 128 + SIGTERM);
  assert_non_null(strstr(r.error, "command failed (signal 15)"));
}

/* Ready before the command returns (host networking): the run still waits
 * for the command and records its exit; one that then fails fails the run.
 * Catches: command_seconds -1 or equal to seconds; a failure after the 200
 * reported as success. */
static void run_ready_before_exit(void **state) {
  struct fixture *f = *state;
  struct probe_opts o;
  struct probe_result r;
  char *ok[] = {"sleep", "0.15", NULL};
  char *bad[] = {"sh", "-c", "sleep 0.15; exit 1", NULL};

  serve(f, "HTTP/1.0 200 OK\r\n\r\n", 0, NULL);
  opts_for(&o, f->port, 10 * PROBE_NS_PER_S);
  assert_int_equal(probe_run(&o, ok, &r), 0);
  assert_int_equal(r.ok, 1);
  assert_true(r.ready_ns < 100 * MS);
  assert_true(r.command_ns >= 150 * MS);
  assert_int_equal(probe_run(&o, bad, &r), 0);
  assert_int_equal(r.ok, 0);
  assert_true(r.ready_ns >= 0);
  assert_non_null(strstr(r.error, "(the url had answered 200)"));
}

/* --after-exit: no attempt before the command returned. Catches the
 * option ignored (ready would come at ~0 ms, before the exit). */
static void run_after_exit(void **state) {
  struct fixture *f = *state;
  struct probe_opts o;
  struct probe_result r;
  char *cmd[] = {"sleep", "0.15", NULL};

  serve(f, "HTTP/1.0 200 OK\r\n\r\n", 0, NULL);
  opts_for(&o, f->port, 10 * PROBE_NS_PER_S);
  o.after_exit = 1;
  assert_int_equal(probe_run(&o, cmd, &r), 0);
  assert_int_equal(r.ok, 1);
  assert_int_equal(r.attempts, 1);
  assert_true(r.command_ns >= 150 * MS);
  assert_true(r.ready_ns > r.command_ns);
}

/* --after-exit with a command that never returns in time. */
static void run_after_exit_timeout(void **state) {
  struct fixture *f = *state;
  struct probe_opts o;
  struct probe_result r;
  char *cmd[] = {"sleep", "30", NULL};

  f->fd = loopback_socket(0, &f->port);
  opts_for(&o, f->port, 200 * MS);
  o.after_exit = 1;
  int64_t t0 = probe_mono_ns();
  assert_int_equal(probe_run(&o, cmd, &r), 0);
  assert_int_equal(r.ok, 0);
  assert_int_equal(r.attempts, 0);
  assert_true(r.command_ns == -1 && r.command_status == -1);
  assert_non_null(strstr(r.error, "the command had not returned within 0.2 s"));
  assert_true(probe_mono_ns() - t0 <
              5 * PROBE_NS_PER_S); /* stopped, not waited for */
}

/* The output contract the harness parses. */
static void print_line(void **state) {
  struct probe_result r = {
      .ok = 1,
      .t0_unix_ns = INT64_C(1796084314000000000),
      .ready_ns = 104512345,
      .command_ns = 98123000,
      .command_status = 0,
      .attempts = 57,
      .refused = 50,
      .timeouts = 1,
      .http_other = 0,
      .neterr = 5,
      .via_pidfd = 1,
  };
  char *buf = NULL;
  size_t len = 0;
  FILE *m = open_memstream(&buf, &len);

  (void)state;
  assert_non_null(m);
  probe_print(m, &r);
  r.ready_ns = -1;
  r.command_ns = 2000000000;
  r.command_status = 3;
  r.via_pidfd = 0;
  probe_print(m, &r);
  fclose(m);
  assert_string_equal(
      buf,
      "seconds=0.104512 command_seconds=0.098123 command_status=0 attempts=57 "
      "refused=50 "
      "timeouts=1 non200=0 neterr=5 t0_unix_ns=1796084314000000000 "
      "ready_unix_ns=1796084314104512345 exit_unix_ns=1796084314098123000 "
      "reaper=pidfd\n"
      "seconds=-1 command_seconds=2.000000 command_status=3 attempts=57 "
      "refused=50 "
      "timeouts=1 non200=0 neterr=5 t0_unix_ns=1796084314000000000 "
      "ready_unix_ns=-1 exit_unix_ns=1796084316000000000 reaper=sigchld\n");
  free(buf);
}

#define T(f) cmocka_unit_test_setup_teardown(f, setup, teardown)

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(url_valid),
      cmocka_unit_test(url_invalid),
      cmocka_unit_test(args_parse),
      T(attempt_refused),
      T(attempt_bounded),
      T(attempt_200),
      T(attempt_503),
      T(attempt_split_status),
      T(attempt_closed),
      T(attempt_not_http),
      T(run_ready),
      T(run_reaps_between_attempts),
      T(run_reaps_during_attempt),
      T(run_failed_command_at_once),
      T(run_sigchld_restores_handler),
      T(run_command_not_found),
      T(run_command_signalled),
      T(run_ready_before_exit),
      T(run_after_exit),
      T(run_after_exit_timeout),
      cmocka_unit_test(print_line),
  };

  signal(SIGPIPE, SIG_IGN);
  return cmocka_run_group_tests_name("bench_probe", tests, NULL, NULL);
}
