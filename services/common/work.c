/* work.c: see work.h. SCHED_BATCH is a Linux extension, hence _GNU_SOURCE. */
#define _GNU_SOURCE
#include "work.h"

#include <pthread.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define WORK_STACK_DEFAULT (256 * 1024)

struct work {
  pthread_mutex_t mu;
  pthread_cond_t cv;
  struct work_job *head, *tail;
  bool stop;
  bool idle; /* the thread waits on cv: submit signals only then */
  pthread_t thread;
};

static void *run(void *arg) {
  struct work *w = arg;
  struct sched_param sp = {0};

  (void)pthread_setschedparam(pthread_self(), SCHED_BATCH, &sp); /* work.h */
  pthread_mutex_lock(&w->mu);
  for (;;) {
    while (w->head == NULL && !w->stop) {
      w->idle = true;
      pthread_cond_wait(&w->cv, &w->mu);
      w->idle = false;
    }
    if (w->head == NULL)
      break; /* stopping and nothing left */
    struct work_job *batch = w->head;
    w->head = w->tail = NULL;
    pthread_mutex_unlock(&w->mu);
    while (batch != NULL) {
      struct work_job *job = batch;
      batch = job->next; /* job may be freed by run */
      job->run(job);
    }
    pthread_mutex_lock(&w->mu);
  }
  pthread_mutex_unlock(&w->mu);
  return NULL;
}

int work_start(struct work **out, const char *name, size_t stack, char *err,
               size_t errlen) {
  pthread_attr_t ta;
  int rc;

  *out = NULL;
  struct work *w = calloc(1, sizeof *w);
  if (w == NULL) {
    snprintf(err, errlen, "cannot start the %s thread: out of memory", name);
    return -1;
  }
  if (pthread_mutex_init(&w->mu, NULL) != 0) {
    free(w);
    snprintf(err, errlen, "cannot start the %s thread: mutex", name);
    return -1;
  }
  if (pthread_cond_init(&w->cv, NULL) != 0) {
    pthread_mutex_destroy(&w->mu);
    free(w);
    snprintf(err, errlen, "cannot start the %s thread: condition variable",
             name);
    return -1;
  }
  rc = pthread_attr_init(&ta);
  if (rc == 0) {
    pthread_attr_setstacksize(&ta, stack > 0 ? stack : WORK_STACK_DEFAULT);
    rc = pthread_create(&w->thread, &ta, run, w);
    pthread_attr_destroy(&ta);
  }
  if (rc != 0) {
    pthread_cond_destroy(&w->cv);
    pthread_mutex_destroy(&w->mu);
    free(w);
    snprintf(err, errlen, "cannot start the %s thread: %s", name, strerror(rc));
    return -1;
  }
  *out = w;
  return 0;
}

void work_submit(struct work *w, struct work_job *job) {
  job->next = NULL;
  pthread_mutex_lock(&w->mu);
  if (w->tail != NULL)
    w->tail->next = job;
  else
    w->head = job;
  w->tail = job;
  if (w->idle)
    pthread_cond_signal(&w->cv);
  pthread_mutex_unlock(&w->mu);
}

void work_stop(struct work *w) {
  if (w == NULL)
    return;
  pthread_mutex_lock(&w->mu);
  w->stop = true;
  pthread_cond_signal(&w->cv);
  pthread_mutex_unlock(&w->mu);
  pthread_join(w->thread, NULL);
  pthread_cond_destroy(&w->cv);
  pthread_mutex_destroy(&w->mu);
  free(w);
}
