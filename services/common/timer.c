/* timer.c: see timer.h. */
#include "timer.h"

#include <pthread.h>
#include <stdlib.h>
#include <time.h>

/* The timer thread only computes and calls back: a small stack will do,
 * set explicitly so glibc and musl behave alike. */
#define TIMER_STACK (128 * 1024)

struct entry {
  uint64_t deadline;
  uint64_t seq; /* ties: first added fires first */
  timer_fn fn;
  void *cls;
};

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv; /* on CLOCK_MONOTONIC, made at start */
static pthread_t thread;
static bool running, stopping;
static struct entry *heap;
static size_t n, cap;
static uint64_t next_seq;
static uint64_t cut_at = UINT64_MAX;

uint64_t timer_now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static bool before(const struct entry *a, const struct entry *b) {
  return a->deadline < b->deadline ||
         (a->deadline == b->deadline && a->seq < b->seq);
}

static void swap(size_t i, size_t j) {
  struct entry t = heap[i];
  heap[i] = heap[j];
  heap[j] = t;
}

static void sift_up(size_t i) {
  while (i > 0 && before(&heap[i], &heap[(i - 1) / 2])) {
    swap(i, (i - 1) / 2);
    i = (i - 1) / 2;
  }
}

static void sift_down(size_t i) {
  for (;;) {
    size_t l = 2 * i + 1, r = l + 1, m = i;
    if (l < n && before(&heap[l], &heap[m]))
      m = l;
    if (r < n && before(&heap[r], &heap[m]))
      m = r;
    if (m == i)
      return;
    swap(i, m);
    i = m;
  }
}

static struct entry pop(void) {
  struct entry top = heap[0];
  heap[0] = heap[--n];
  sift_down(0);
  return top;
}

/* When the earliest timer is due: its deadline, or the cut if earlier. */
static uint64_t due(const struct entry *e) {
  return e->deadline < cut_at ? e->deadline : cut_at;
}

static void *run(void *arg) {
  (void)arg;
  pthread_mutex_lock(&mu);
  for (;;) {
    uint64_t now = timer_now_ns();
    while (n > 0 && (stopping || due(&heap[0]) <= now)) {
      struct entry e = pop();
      pthread_mutex_unlock(&mu);
      e.fn(e.cls, e.deadline > now);
      pthread_mutex_lock(&mu);
      now = timer_now_ns();
    }
    if (stopping)
      break;
    if (n == 0) {
      pthread_cond_wait(&cv, &mu);
    } else {
      uint64_t t = due(&heap[0]);
      struct timespec ts = {.tv_sec = (time_t)(t / 1000000000u),
                            .tv_nsec = (long)(t % 1000000000u)};
      pthread_cond_timedwait(&cv, &mu, &ts);
    }
  }
  pthread_mutex_unlock(&mu);
  return NULL;
}

/* Starts the thread; mu held. 0 or -1. */
static int start(void) {
  pthread_condattr_t ca;
  pthread_attr_t ta;
  int ok = 0;

  if (pthread_condattr_init(&ca) != 0)
    return -1;
  if (pthread_condattr_setclock(&ca, CLOCK_MONOTONIC) == 0 &&
      pthread_cond_init(&cv, &ca) == 0) {
    if (pthread_attr_init(&ta) == 0) {
      pthread_attr_setstacksize(&ta, TIMER_STACK);
      ok = pthread_create(&thread, &ta, run, NULL) == 0;
      pthread_attr_destroy(&ta);
    }
    if (!ok)
      pthread_cond_destroy(&cv);
  }
  pthread_condattr_destroy(&ca);
  if (!ok)
    return -1;
  running = true;
  return 0;
}

int timer_add(uint64_t deadline_ns, timer_fn fn, void *cls) {
  int rc = -1;

  pthread_mutex_lock(&mu);
  if (stopping)
    goto out;
  if (n == cap) {
    size_t ncap = cap > 0 ? cap * 2 : 64;
    struct entry *h = realloc(heap, ncap * sizeof *h);
    if (h == NULL)
      goto out;
    heap = h;
    cap = ncap;
  }
  if (!running && start() < 0)
    goto out;
  heap[n] = (struct entry){
      .deadline = deadline_ns, .seq = next_seq++, .fn = fn, .cls = cls};
  sift_up(n++);
  if (heap[0].seq == next_seq - 1)
    pthread_cond_signal(&cv); /* a new earliest deadline */
  rc = 0;
out:
  pthread_mutex_unlock(&mu);
  return rc;
}

void timer_cut(uint64_t cut_ns) {
  pthread_mutex_lock(&mu);
  if (cut_ns < cut_at) {
    cut_at = cut_ns;
    if (running)
      pthread_cond_signal(&cv);
  }
  pthread_mutex_unlock(&mu);
}

void timer_stop(void) {
  pthread_mutex_lock(&mu);
  bool was = running;
  stopping = true;
  if (was)
    pthread_cond_signal(&cv);
  pthread_mutex_unlock(&mu);
  if (was) {
    pthread_join(thread, NULL);
    pthread_cond_destroy(&cv);
  }
  pthread_mutex_lock(&mu);
  free(heap);
  heap = NULL;
  n = cap = 0;
  running = stopping = false;
  cut_at = UINT64_MAX;
  pthread_mutex_unlock(&mu);
}
