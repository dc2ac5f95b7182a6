/* state.h: the process-wide state of the shared layer: readiness,
 * draining and when it began, requests in flight, and the service's context
 * once its init hook returned. Every function is thread-safe (C11 atomics);
 * svc_draining and svc_drain_start (svc.h) read the same state. */
#ifndef SL_COMMON_STATE_H
#define SL_COMMON_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <time.h>

enum state_phase { STATE_STARTING, STATE_READY, STATE_DRAINING };

enum state_phase state_phase(void);

/* Starting -> ready (not after draining began). */
void state_set_ready(void);

/* Enters draining now: *at gets the CLOCK_MONOTONIC time (the start of
 * the grace period), and from then on no svc_after timer waits past
 * state_cut_ns(*at, grace_s). */
void state_start_draining(unsigned grace_s, struct timespec *at);

/* The latest time a deferred wait may end when draining began at `at`
 * with a grace of grace_s seconds: at + grace - min(grace / 2, 1 s), in
 * CLOCK_MONOTONIC nanoseconds. The margin leaves time to answer and
 * drain within the grace. */
uint64_t state_cut_ns(const struct timespec *at, unsigned grace_s);

/* Requests in flight: from the request's headers to its end (answered,
 * or the connection gone), deferred ones included. */
void state_inflight_add(int delta);
long state_inflight(void);

/* Publishes the context the init hook stored; from then on service
 * handlers may run (state_init_done) and read it (state_ctx). */
void state_set_ctx(void *ctx);
bool state_init_done(void);
void *state_ctx(void);

/* Back to the initial state (unit tests; never while serving). */
void state_reset(void);

#endif
