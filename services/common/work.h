/* work.h: a worker thread with a queue of jobs, for work that must not
 * run on the event loop (notes' SQLite statements).
 *
 * Jobs are intrusive: the caller embeds a struct work_job in its own
 * request state, so submitting allocates nothing. One thread runs the jobs
 * one at a time in submission order (FIFO), which also makes a worker a
 * way to serialize: everything one worker runs, runs on one thread. The
 * thread takes every queued job at once, so under load one wake-up serves
 * a batch.
 *
 * The thread runs under SCHED_BATCH (Linux; any user may choose it): the
 * same CPU share as the event loop, but its wake-up does not preempt the
 * event loop. On a shared core the loop finishes its round (suspending
 * every request it read), the worker then serves them as one batch, and
 * the loop resumes them: two context switches per batch instead of two
 * per request (notes' GET /notes/{id} +14 % req/s on one core, issue 11).
 * Where the policy cannot be set the thread runs as SCHED_OTHER. */
#ifndef SL_COMMON_WORK_H
#define SL_COMMON_WORK_H

#include <stddef.h>

struct work_job {
  void (*run)(struct work_job *job); /* called on the worker thread */
  struct work_job *next;             /* the queue's; do not touch */
};

struct work;

/* Starts a worker thread with a stack of stack bytes (0: 256 KiB). name
 * is for messages. 0 with *out, or -1 with err, e.g.
 * "cannot start the db-writer thread: Resource temporarily unavailable". */
int work_start(struct work **out, const char *name, size_t stack, char *err,
               size_t errlen);

/* Queues job (job->run set by the caller); it runs on the worker thread
 * after every job submitted before it. Any thread. Never fails. */
void work_submit(struct work *w, struct work_job *job);

/* Runs what is still queued, stops and joins the thread, frees w. NULL is
 * a no-op. Not from the worker thread itself. */
void work_stop(struct work *w);

#endif
