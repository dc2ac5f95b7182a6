/* test_common_work.c: the worker thread (work.h): jobs run on one thread
 * that is not the submitter's, in submission order, from several
 * submitters at once, under SCHED_BATCH; work_stop runs what is still
 * queued. */
#define _GNU_SOURCE /* SCHED_BATCH */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>

#include "work.h"

#define PER_SUBMITTER 2000
#define SUBMITTERS 4

struct job {
  struct work_job w; /* first */
  int submitter;
  int seq;
};

static pthread_t worker_seen;
static atomic_int threads_seen; /* distinct threads that ran jobs: 1 */
static int last_seq[SUBMITTERS];
static atomic_int out_of_order, ran;

static void run(struct work_job *w) {
  struct job *j = (struct job *)w;
  pthread_t self = pthread_self();
  if (atomic_fetch_add(&ran, 1) == 0) {
    worker_seen = self;
    atomic_store(&threads_seen, 1);
  } else if (!pthread_equal(worker_seen, self)) {
    atomic_store(&threads_seen, 2);
  }
  if (j->seq != last_seq[j->submitter] + 1)
    atomic_fetch_add(&out_of_order, 1);
  last_seq[j->submitter] = j->seq;
  free(j);
}

struct submitter {
  struct work *w;
  int id;
};

static void *submit_all(void *arg) {
  struct submitter *s = arg;
  for (int i = 1; i <= PER_SUBMITTER; i++) {
    struct job *j = malloc(sizeof *j);
    if (j == NULL)
      abort();
    j->w.run = run;
    j->submitter = s->id;
    j->seq = i;
    work_submit(s->w, &j->w);
  }
  return NULL;
}

/* Bug caught: jobs lost, run twice, reordered, run on several threads (a
 * worker that serializes would not) or on the submitter's thread (the
 * event loop would block); queued jobs dropped at stop (a deferred request
 * never answered). */
static void runs_in_order_on_one_thread(void **state) {
  (void)state;
  struct work *w = NULL;
  char err[128];
  pthread_t t[SUBMITTERS];
  struct submitter s[SUBMITTERS];

  assert_int_equal(work_start(&w, "test", 0, err, sizeof err), 0);
  for (int i = 0; i < SUBMITTERS; i++) {
    s[i] = (struct submitter){.w = w, .id = i};
    assert_int_equal(pthread_create(&t[i], NULL, submit_all, &s[i]), 0);
  }
  for (int i = 0; i < SUBMITTERS; i++)
    pthread_join(t[i], NULL);
  work_stop(w); /* runs what is still queued */
  assert_int_equal(atomic_load(&ran), SUBMITTERS * PER_SUBMITTER);
  assert_int_equal(atomic_load(&out_of_order), 0);
  assert_int_equal(atomic_load(&threads_seen), 1);
  for (int i = 0; i < SUBMITTERS; i++) {
    assert_int_equal(last_seq[i], PER_SUBMITTER);
    assert_false(pthread_equal(worker_seen, t[i]));
  }
  assert_false(pthread_equal(worker_seen, pthread_self()));
}

static atomic_int policy_seen = -1;

/* pthread_getschedparam, not sched_getscheduler: musl's is a stub that
 * fails with ENOSYS (a process-wide call, where Linux's policy is per
 * thread). */
static int policy_of_this_thread(void) {
  struct sched_param sp;
  int policy;
  return pthread_getschedparam(pthread_self(), &policy, &sp) == 0 ? policy : -1;
}

static void record_policy(struct work_job *w) {
  (void)w;
  atomic_store(&policy_seen, policy_of_this_thread());
}

/* Bug caught: the worker left at SCHED_OTHER, so that on a shared core each
 * submit preempts the event loop (two context switches per request, notes'
 * reads 14 % slower). */
static void runs_as_batch(void **state) {
  (void)state;
  struct work *w = NULL;
  struct work_job job = {.run = record_policy};
  char err[128];
  assert_int_equal(work_start(&w, "batch", 0, err, sizeof err), 0);
  work_submit(w, &job);
  work_stop(w);
  assert_int_equal(atomic_load(&policy_seen), SCHED_BATCH);
  assert_int_equal(policy_of_this_thread(), SCHED_OTHER); /* ours unchanged */
}

/* Bug caught: stopping a worker that never got a job hangs or leaks. */
static void stop_idle(void **state) {
  (void)state;
  struct work *w = NULL;
  char err[128];
  assert_int_equal(work_start(&w, "idle", 64 * 1024, err, sizeof err), 0);
  work_stop(w);
  work_stop(NULL);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(runs_in_order_on_one_thread),
      cmocka_unit_test(runs_as_batch),
      cmocka_unit_test(stop_idle),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
