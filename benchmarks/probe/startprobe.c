/*
 * startprobe: time from starting a command (e.g. `docker run -d ...`) to the
 * first HTTP 200 answer of a URL, on CLOCK_MONOTONIC (the work is in probe.c).
 *
 *   startprobe [--timeout SECONDS] [--interval-us N] [--attempt-ms N]
 *              [--after-exit] --url http://IPV4:PORT/PATH -- CMD [ARG...]
 *
 * The clock starts just before fork(); the command runs in a child (its
 * stdout goes to our stderr, so our stdout stays machine-readable). Every
 * --interval-us (default 1000) an attempt starts: connect, `GET PATH
 * HTTP/1.0`, read the status line, all within --attempt-ms (default and
 * maximum 20). The command's exit is watched through a pidfd (or a SIGCHLD
 * self-pipe) during the attempts and between them, so its return time is
 * exact to one poll wake-up. By default attempts start at the fork (host networking: nothing
 * answers before the service listens); --after-exit starts them only once
 * the command has returned 0 (a published port, where docker-proxy accepts
 * before the container's network is up). A command that fails ends the run
 * at once. The run succeeds at the first 200 once the command has returned 0.
 *
 * Whenever the command was started, one line on stdout (keys stable, in this
 * order; times in seconds with µs resolution, -1 when it did not happen):
 *
 *   seconds=S command_seconds=C command_status=N attempts=A refused=R
 *   timeouts=T non200=H neterr=E t0_unix_ns=U ready_unix_ns=V exit_unix_ns=X
 *   reaper=pidfd|sigchld
 *
 * S: fork to first 200; C: fork to the command's exit; N: its exit status
 * (128+signal; -1 if it had to be stopped); A: attempts made, of which R
 * refused, T over the attempt bound, H answered another status, E failed
 * otherwise (reset or closed: what docker-proxy does before the container is
 * reachable); U: CLOCK_REALTIME in ns since the epoch read next to the
 * monotonic start, V = U + S and X = U + C in ns (-1 when absent), on the
 * same axis as the engine's wall-clock timestamps (see rfc3339ns); reaper:
 * how the exit was watched (a pidfd; SIGCHLD where pidfd_open is missing).
 *
 * Exit 0 on success; 1 on failure (command failed, timeout; the reason on
 * stderr); 2 on usage errors (nothing run, nothing on stdout).
 */
#include "probe.h"

#include <signal.h>
#include <stdio.h>

int main(int argc, char **argv) {
  struct probe_opts o;
  struct probe_result r;
  char err[512];
  int cmd;

  if (probe_parse_args(argc, argv, &o, &cmd, err, sizeof err) < 0) {
    fprintf(stderr,
            "startprobe: %s\n"
            "usage: startprobe [--timeout SECONDS] [--interval-us N] "
            "[--attempt-ms 1..%d]\n"
            "                  [--after-exit] --url http://IPV4:PORT/PATH -- "
            "CMD [ARG...]\n",
            err, PROBE_ATTEMPT_MS_MAX);
    return 2;
  }
  signal(SIGPIPE, SIG_IGN);
  if (probe_run(&o, argv + cmd, &r) < 0) {
    fprintf(stderr, "startprobe: %s\n", r.error);
    return 1;
  }
  probe_print(stdout, &r);
  fflush(stdout);
  if (!r.ok) {
    fprintf(stderr, "startprobe: %s\n", r.error);
    return 1;
  }
  return 0;
}
