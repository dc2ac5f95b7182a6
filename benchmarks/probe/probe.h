/* probe: start-to-ready measurement of one command (e.g. `docker run -d ...`)
 * against one HTTP URL, on CLOCK_MONOTONIC, Linux only (ppoll; pidfd_open
 * where the kernel has it).
 *
 * The command runs as a child; its exit is watched through a descriptor
 * polled together with every probe socket (a pidfd; where pidfd_open is
 * missing, e.g. Linux < 5.3 or under valgrind, a pipe written by a SIGCHLD
 * handler), so the moment it returns is known to the wake-up latency of one
 * poll (microseconds), whether it exits between attempts or in the middle
 * of one. Each attempt (connect, send
 * `GET PATH HTTP/1.0`, read the status line) is bounded by its own deadline.
 *
 * Times are int64 nanoseconds. "mono" times are CLOCK_MONOTONIC; "unix"
 * times are CLOCK_REALTIME (ns since the Unix epoch), for placing the
 * engine's own wall-clock timestamps on the same axis. */
#ifndef SL_PROBE_PROBE_H
#define SL_PROBE_PROBE_H

#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <sys/types.h>

#define PROBE_NS_PER_MS INT64_C(1000000)
#define PROBE_NS_PER_S INT64_C(1000000000)

/* Largest per-attempt bound accepted (--attempt-ms); the default too. */
#define PROBE_ATTEMPT_MS_MAX 20

struct probe_target {
  struct sockaddr_in addr;
  char path[1024];
};

/* How the child's exit is noticed. */
enum probe_reaper {
  PROBE_REAP_AUTO,    /* pidfd, else SIGCHLD */
  PROBE_REAP_SIGCHLD, /* SIGCHLD and a self-pipe only (tests; old kernels) */
};

/* The child being timed. evfd becomes readable when it may have exited: its
 * pidfd (closed and -1 once reaped), or the read end of the SIGCHLD pipe. */
struct probe_child {
  pid_t pid;
  int evfd;
  int via_pidfd;     /* 1: evfd is a pidfd */
  int done;          /* 1 once reaped */
  int status;        /* 0..255 exit status, 128+N when killed by signal N */
  int64_t exit_mono; /* CLOCK_MONOTONIC when its exit was seen */
};

/* Outcome of one attempt. */
enum probe_answer {
  PROBE_OK,      /* status line "HTTP/1.x 200" */
  PROBE_HTTP,    /* a status line with another code (*http_status) */
  PROBE_REFUSED, /* connect() refused (nothing listening) */
  PROBE_TIMEOUT, /* no status line before the attempt's deadline */
  PROBE_NETERR,  /* reset, closed before a status line, or not HTTP */
  PROBE_CMDFAIL, /* the command exited non-zero during the attempt */
};

struct probe_opts {
  const char *url;
  struct probe_target target;
  int64_t timeout_ns;  /* fork to giving up (default 60 s) */
  int64_t interval_ns; /* attempt start to next attempt start (default 1 ms) */
  int64_t attempt_ns;  /* bound of one attempt (default and max 20 ms) */
  int after_exit;      /* 1: first attempt only once the command returned 0 */
  enum probe_reaper reaper; /* default PROBE_REAP_AUTO */
};

struct probe_result {
  int ok;             /* 1: a 200 and the command exited 0 */
  int64_t t0_unix_ns; /* CLOCK_REALTIME read next to the monotonic t0 */
  int64_t ready_ns;   /* t0 to the first 200, -1 if none */
  int64_t
      command_ns; /* t0 to the command's exit, -1 if it never exited by itself */
  int command_status; /* as probe_child.status; -1 if it never exited by itself */
  int via_pidfd;      /* 1: the exit was watched through a pidfd */
  long attempts;      /* attempts started */
  long refused, timeouts, http_other, neterr; /* attempts by failed outcome */
  int last_http;   /* last non-200 status seen, 0 if none */
  char error[512]; /* why ok is 0; empty when ok */
};

/* CLOCK_MONOTONIC / CLOCK_REALTIME now, in ns. */
int64_t probe_mono_ns(void);
int64_t probe_unix_ns(void);

/* Parse http://A.B.C.D:PORT[/PATH] (an IPv4 literal; PATH defaults to "/").
 * Returns 0, or -1 with a message naming the fault in err. */
int probe_parse_url(const char *url, struct probe_target *t, char *err,
                    size_t errlen);

/* Parse startprobe's command line (argv[0] is skipped):
 *   [--timeout S] [--interval-us N] [--attempt-ms N] [--after-exit] --url URL -- CMD...
 * Fills o (defaults for what is not given) and *cmd (index of CMD in argv).
 * Returns 0, or -1 with a message in err (usage errors, bad values). */
int probe_parse_args(int argc, char *const argv[], struct probe_opts *o,
                     int *cmd, char *err, size_t errlen);

/* One attempt against t, over by deadline_mono at the latest. While it
 * waits it also watches child (may be NULL) and reaps it the moment it
 * exits; if it exited non-zero the attempt stops with PROBE_CMDFAIL.
 * *http_status gets the code of a status line (0 if none). */
enum probe_answer probe_attempt(const struct probe_target *t,
                                int64_t deadline_mono,
                                struct probe_child *child, int *http_status);

/* Wait until fd (may be -1) has events or deadline_mono passes, reaping
 * child (may be NULL) when it exits. Returns 1 fd ready, 0 deadline passed,
 * -1 poll error, -2 the child exited non-zero. */
int probe_wait(int fd, short events, int64_t deadline_mono,
               struct probe_child *child);

/* Run argv[0..] as a child (its stdout goes to our stderr) and probe
 * o->target until the first 200, the command failing, or o->timeout_ns.
 * Returns 0 with r->ok set; -1 when nothing could be started (fork or pipe
 * failed), with r->error set. A command still running at the end is sent
 * SIGTERM (then SIGKILL) and reaped. With the SIGCHLD reaper a handler is
 * installed for the run and the previous one restored after it; SIGPIPE
 * must be ignored by the caller. */
int probe_run(const struct probe_opts *o, char *const argv[],
              struct probe_result *r);

/* Write the one-line key=value summary of r (see startprobe.c). */
void probe_print(FILE *f, const struct probe_result *r);

#endif
