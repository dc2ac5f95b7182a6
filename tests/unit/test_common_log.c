/* test_common_log.c: the buffered access log (log.h): nothing lost and
 * each thread's lines in order under concurrent logging, lines written by
 * the writer thread on their own (no flush, no full buffer), and flushed
 * by a fatal signal (abort, a segmentation fault) in a forked child,
 * against a control child that exits without flushing and loses them. The
 * process's stdout is pointed at a temporary file for each test. */
#define _DEFAULT_SOURCE /* MAP_ANONYMOUS, for a real fault in a child */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "log.h"

#define THREADS 3
#define LINES 3000 /* per thread: several buffer halves each */
/* How long a test waits for something due within LOG_DELAY_MS. */
#define HANG_SEC 20

static char path[64];
static int saved_stdout = -1;

static int to_file(void **state) {
  (void)state;
  snprintf(path, sizeof path, "/tmp/test_common_log.XXXXXX");
  int fd = mkstemp(path);
  if (fd < 0)
    return -1;
  fflush(stdout);
  saved_stdout = dup(STDOUT_FILENO);
  dup2(fd, STDOUT_FILENO);
  close(fd);
  log_setup("t", SVC_LOG_TEXT, SVC_LOG_INFO);
  log_set_delay_ms(LOG_DELAY_MS);
  return 0;
}

static int back(void **state) {
  (void)state;
  log_stop();
  fflush(stdout);
  dup2(saved_stdout, STDOUT_FILENO);
  close(saved_stdout);
  unlink(path);
  return 0;
}

/* The file's text (caller frees). */
static char *slurp(void) {
  FILE *f = fopen(path, "r");
  assert_non_null(f);
  fseek(f, 0, SEEK_END);
  long n = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *s = malloc((size_t)n + 1);
  assert_non_null(s);
  assert_int_equal(fread(s, 1, (size_t)n, f), (size_t)n);
  s[n] = '\0';
  fclose(f);
  return s;
}

static void one_line(const char *p) {
  const struct log_access a = {.method = "GET",
                               .path = p,
                               .version = "HTTP/1.1",
                               .remote = "192.0.2.1",
                               .remote_port = 1,
                               .status = 200,
                               .bytes = 1};
  log_access(&a);
}

static void *log_lines(void *arg) {
  int t = (int)(intptr_t)arg;
  char p[32];
  for (int i = 0; i < LINES; i++) {
    snprintf(p, sizeof p, "/t%d/%d", t, i);
    one_line(p);
  }
  return NULL;
}

/* Bug caught: lines lost or torn when several threads log, a thread's
 * lines reordered (halves written out of order), lines lost at a full
 * buffer. */
static void concurrent_lines_all_kept_in_order(void **state) {
  (void)state;
  pthread_t th[THREADS];
  assert_int_equal(log_start(), 0);
  for (int t = 0; t < THREADS; t++)
    assert_int_equal(
        pthread_create(&th[t], NULL, log_lines, (void *)(intptr_t)t), 0);
  for (int t = 0; t < THREADS; t++)
    pthread_join(th[t], NULL);
  log_flush();
  char *text = slurp();
  int next[THREADS] = {0};
  int lines = 0;
  for (char *l = strtok(text, "\n"); l != NULL; l = strtok(NULL, "\n")) {
    int t, i;
    const char *q = strstr(l, "\"GET /t");
    assert_non_null(q);
    assert_int_equal(sscanf(q, "\"GET /t%d/%d HTTP/1.1\" 200 1 ", &t, &i), 2);
    assert_true(t >= 0 && t < THREADS);
    assert_int_equal(i, next[t]);
    next[t]++;
    lines++;
  }
  assert_int_equal(lines, THREADS * LINES);
  free(text);
}

/* Bug caught: lines that wait for a full buffer or for the exit (a quiet
 * service would show no access line for ever). No flush is called here:
 * the writer thread must write the line by itself. */
static void writer_writes_on_its_own(void **state) {
  (void)state;
  assert_int_equal(log_start(), 0);
  one_line("/alone");
  time_t end = time(NULL) + HANG_SEC;
  char *text = NULL;
  while (time(NULL) < end) {
    text = slurp();
    if (strstr(text, "/alone") != NULL)
      break;
    free(text);
    text = NULL;
    struct timespec ts = {0, 10000000};
    nanosleep(&ts, NULL);
  }
  assert_non_null(text);
  free(text);
}

/* Runs a child that starts the log with a writer that would wait an hour,
 * logs one line and ends by how (0: _exit without flushing, 1: abort, 2: a
 * segmentation fault). Returns whether the line reached the file. */
static int child_line_kept(int how, int *status) {
  fflush(stdout);
  pid_t pid = fork();
  assert_true(pid >= 0);
  if (pid == 0) {
    /* cmocka catches these to report a failed test: the child must die
     * the ordinary way instead */
    signal(SIGSEGV, SIG_DFL);
    signal(SIGABRT, SIG_DFL);
    /* a sanitizer's report of the crash below is expected: not shown */
    int devnull = open("/dev/null", O_WRONLY);
    if (devnull >= 0)
      dup2(devnull, STDERR_FILENO);
    log_set_delay_ms(3600 * 1000);
    if (log_start() < 0)
      _exit(3);
    one_line("/before-the-end");
    if (how == 1)
      abort();
    if (how == 2) {
      /* a real fault: a store to a read-only page */
      volatile char *page =
          mmap(NULL, 4096, PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
      if (page != MAP_FAILED)
        page[0] = 1;
      _exit(4);
    }
    _exit(0);
  }
  assert_int_equal(waitpid(pid, status, 0), pid);
  char *text = slurp();
  int kept = strstr(text, "/before-the-end") != NULL;
  free(text);
  return kept;
}

/* Bug caught: a crash losing the access lines of its last moments. The
 * control (a child that exits without flushing loses the line) shows the
 * line was still buffered, so the fatal-signal flush is what kept it. */
static void fatal_signals_flush(void **state) {
  (void)state;
  int status;
  assert_false(child_line_kept(0, &status));
  assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  assert_true(child_line_kept(1, &status));
  assert_true(WIFSIGNALED(status) && WTERMSIG(status) == SIGABRT);
  assert_true(child_line_kept(2, &status));
  /* SIGSEGV, or a sanitizer's report and exit: either way not a clean 0 */
  assert_false(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/* Bug caught: after log_stop lines still go to a buffer nobody writes. */
static void unbuffered_after_stop(void **state) {
  (void)state;
  assert_int_equal(log_start(), 0);
  log_stop();
  one_line("/after-stop");
  char *text = slurp();
  assert_non_null(strstr(text, "/after-stop"));
  free(text);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(fatal_signals_flush, to_file, back),
      cmocka_unit_test_setup_teardown(concurrent_lines_all_kept_in_order,
                                      to_file, back),
      cmocka_unit_test_setup_teardown(writer_writes_on_its_own, to_file, back),
      cmocka_unit_test_setup_teardown(unbuffered_after_stop, to_file, back),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
