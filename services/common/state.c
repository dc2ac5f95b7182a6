/* state.c: see state.h. The drain time is written before the phase turns
 * draining, so a reader that sees draining sees the time (seq_cst
 * atomics order the two). */
#include "state.h"

#include <stdatomic.h>

#include "svc.h"
#include "timer.h"

static atomic_int phase = STATE_STARTING;
static atomic_llong drain_ns;
static atomic_long inflight;
static atomic_bool init_done;
static void *_Atomic service_ctx;

enum state_phase state_phase(void) { return atomic_load(&phase); }

void state_set_ready(void) {
  int want = STATE_STARTING;
  atomic_compare_exchange_strong(&phase, &want, STATE_READY);
}

uint64_t state_cut_ns(const struct timespec *at, unsigned grace_s) {
  uint64_t grace_ns = (uint64_t)grace_s * 1000000000u;
  uint64_t margin = grace_ns / 2 < 1000000000u ? grace_ns / 2 : 1000000000u;
  return (uint64_t)at->tv_sec * 1000000000u + (uint64_t)at->tv_nsec + grace_ns -
         margin;
}

void state_start_draining(unsigned grace_s, struct timespec *at) {
  clock_gettime(CLOCK_MONOTONIC, at);
  atomic_store(&drain_ns, (long long)at->tv_sec * 1000000000LL + at->tv_nsec);
  atomic_store(&phase, STATE_DRAINING);
  timer_cut(state_cut_ns(at, grace_s));
}

void state_inflight_add(int delta) { atomic_fetch_add(&inflight, delta); }

long state_inflight(void) { return atomic_load(&inflight); }

void state_set_ctx(void *ctx) {
  atomic_store(&service_ctx, ctx);
  atomic_store(&init_done, true);
}

bool state_init_done(void) { return atomic_load(&init_done); }

void *state_ctx(void) { return atomic_load(&service_ctx); }

void state_reset(void) {
  atomic_store(&phase, STATE_STARTING);
  atomic_store(&drain_ns, 0);
  atomic_store(&inflight, 0);
  atomic_store(&init_done, false);
  atomic_store(&service_ctx, NULL);
}

bool svc_draining(void) { return atomic_load(&phase) == STATE_DRAINING; }

int svc_drain_start(struct timespec *at) {
  if (!svc_draining())
    return -1;
  long long ns = atomic_load(&drain_ns);
  at->tv_sec = (time_t)(ns / 1000000000LL);
  at->tv_nsec = (long)(ns % 1000000000LL);
  return 0;
}
