/*
 * pause: the sandbox process of a pod, like Kubernetes' own pause
 * (kubernetes/build/pause/linux/pause.c), written here from its contract:
 *
 *   - holds the pod's namespaces open: it does nothing but wait;
 *   - as PID 1 of a shared PID namespace it reaps every orphan (SIGCHLD);
 *   - exits 0 on SIGTERM or SIGINT (the runtime stops the sandbox);
 *   - `pause -v` prints its version and exits 0; any other argument is a
 *     usage error (exit 2).
 *
 * Built static with musl (benchmarks/cri/pause.sh), the only file of the
 * project's sandbox image. C11 + POSIX.1-2008.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#define PAUSE_VERSION "slimline-pause 1.0"

static void pause_on_stop(int sig) {
  (void)sig;
  _exit(0);
}

/* Reap every child that has ended; more than one may share one signal. */
static void pause_on_child(int sig) {
  int saved = errno;

  (void)sig;
  while (waitpid(-1, NULL, WNOHANG) > 0)
    ;
  errno = saved;
}

static int pause_handle(int sig, void (*fn)(int)) {
  struct sigaction sa;

  memset(&sa, 0, sizeof sa);
  sa.sa_handler = fn;
  sigemptyset(&sa.sa_mask);
  sa.sa_flags = sig == SIGCHLD ? SA_NOCLDSTOP | SA_RESTART : 0;
  return sigaction(sig, &sa, NULL);
}

int main(int argc, char **argv) {
  if (argc == 2 && strcmp(argv[1], "-v") == 0) {
    puts(PAUSE_VERSION);
    return 0;
  }
  if (argc > 1) {
    fprintf(stderr, "usage: pause [-v]\n");
    return 2;
  }
  if (getpid() != 1)
    fprintf(stderr, "pause: warning: not pid 1, orphans are not reaped here\n");
  if (pause_handle(SIGINT, pause_on_stop) < 0 ||
      pause_handle(SIGTERM, pause_on_stop) < 0 ||
      pause_handle(SIGCHLD, pause_on_child) < 0) {
    perror("pause: cannot install signal handlers");
    return 1;
  }
  for (;;)
    pause();
}
