/* timer.h: one thread that calls functions at given times (svc_after).
 *
 * Pending timers live in a binary heap ordered by deadline (ties in the
 * order they were added), so adding and firing cost O(log n) however many
 * requests wait. The thread starts with the first timer and sleeps on a
 * condition variable on CLOCK_MONOTONIC until the earliest deadline; with
 * no timer pending it does not wake at all. Callbacks run on that thread,
 * one at a time, without the lock held: they may add timers, never
 * block. */
#ifndef SL_COMMON_TIMER_H
#define SL_COMMON_TIMER_H

#include <stdbool.h>
#include <stdint.h>

/* cut: the timer fired before its deadline (timer_cut or timer_stop). */
typedef void (*timer_fn)(void *cls, bool cut);

/* CLOCK_MONOTONIC now, in nanoseconds. */
uint64_t timer_now_ns(void);

/* Calls fn(cls, cut) at deadline_ns (CLOCK_MONOTONIC ns; a past deadline
 * fires at once). Starts the thread the first time. 0, or -1 when memory
 * ran out or the thread cannot be started (fn is then never called). */
int timer_add(uint64_t deadline_ns, timer_fn fn, void *cls);

/* From now on no timer fires later than cut_ns: timers due later fire at
 * cut_ns (or at once if that has passed) with cut = true, timers added
 * later too. A second call keeps the earlier cut. Used when draining
 * begins. */
void timer_cut(uint64_t cut_ns);

/* Fires every pending timer at once (cut = true, in deadline order), stops
 * and joins the thread, and forgets the cut: the module is as new. */
void timer_stop(void);

#endif
