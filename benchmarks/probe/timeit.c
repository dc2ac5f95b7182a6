/*
 * timeit: run a command and print how long it took on CLOCK_MONOTONIC.
 *
 *   timeit -- CMD [ARG...]
 *
 * The clock starts just before fork() and stops when waitpid() returns. The
 * command's stdout goes to our stderr, so stdout carries one line only:
 *
 *   seconds=S status=N
 *
 * S with µs resolution; N the command's exit status (128+signal when killed).
 * Exit 0 when the command succeeded, 1 when it failed or could not run,
 * 2 on usage errors.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static double timeit_now(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv) {
  double t0, t1;
  int status, code;
  pid_t pid;

  if (argc < 3 || strcmp(argv[1], "--") != 0) {
    fprintf(stderr, "usage: timeit -- CMD [ARG...]\n");
    return 2;
  }
  t0 = timeit_now();
  pid = fork();
  if (pid < 0) {
    fprintf(stderr, "timeit: cannot fork: %s\n", strerror(errno));
    return 1;
  }
  if (pid == 0) {
    dup2(STDERR_FILENO, STDOUT_FILENO);
    execvp(argv[2], argv + 2);
    fprintf(stderr, "timeit: cannot run %s: %s\n", argv[2], strerror(errno));
    _exit(127);
  }
  while (waitpid(pid, &status, 0) < 0) {
    if (errno != EINTR) {
      fprintf(stderr, "timeit: cannot wait: %s\n", strerror(errno));
      return 1;
    }
  }
  t1 = timeit_now();
  code = WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
  printf("seconds=%.6f status=%d\n", t1 - t0, code);
  return code == 0 ? 0 : 1;
}
