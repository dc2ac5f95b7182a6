/* test_common_timer.c: the layer's timer (timer.h), the drain's cut of
 * deferred waits (state.h: state_cut_ns, state_start_draining), and
 * deferred answers of fake requests (svc_defer, svc_complete, svc_await,
 * svc_after, svc_dispatch awaiting). Real threads, no clock seam: the
 * checks are on order and on the cut flag, and waits end with a condition
 * variable (a generous bound only turns a hang into a failure). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <pthread.h>
#include <stdbool.h>
#include <string.h>
#include <time.h>

#include "route.h"
#include "state.h"
#include "svc.h"
#include "timer.h"

#define SEC 1000000000ull
/* How long a test waits for something that should happen at once. */
#define HANG_SEC 20

/* ---- what fired, in order --------------------------------------------- */

static pthread_mutex_t mu = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t cv = PTHREAD_COND_INITIALIZER;
static int fired[16];
static bool cut_of[16];
static int nfired;

static void record(void *cls, bool cut) {
  int id = (int)(intptr_t)cls;
  pthread_mutex_lock(&mu);
  cut_of[id] = cut;
  fired[nfired++] = id;
  pthread_cond_broadcast(&cv);
  pthread_mutex_unlock(&mu);
}

/* Waits until n timers fired; false after HANG_SEC. */
static bool wait_fired(int n) {
  struct timespec until;
  clock_gettime(CLOCK_REALTIME, &until);
  until.tv_sec += HANG_SEC;
  pthread_mutex_lock(&mu);
  while (nfired < n) {
    if (pthread_cond_timedwait(&cv, &mu, &until) != 0)
      break;
  }
  bool ok = nfired >= n;
  pthread_mutex_unlock(&mu);
  return ok;
}

static int reset(void **state) {
  (void)state;
  timer_stop();
  state_reset();
  pthread_mutex_lock(&mu);
  nfired = 0;
  memset(cut_of, 0, sizeof cut_of);
  pthread_mutex_unlock(&mu);
  return 0;
}

/* Bug caught: timers fired out of deadline order, or ties out of the order
 * they were added (the heap's tie-break), or a due timer not fired. */
static void fires_in_deadline_order(void **state) {
  (void)state;
  uint64_t now = timer_now_ns();
  /* in the past or nearly due, added out of order */
  assert_int_equal(timer_add(now + 30000000u, record, (void *)3), 0);
  assert_int_equal(timer_add(now - SEC, record, (void *)0), 0);
  assert_int_equal(timer_add(now + 20000000u, record, (void *)1), 0);
  assert_int_equal(timer_add(now + 20000000u, record, (void *)2), 0);
  assert_true(wait_fired(4));
  for (int i = 0; i < 4; i++) {
    assert_int_equal(fired[i], i);
    assert_false(cut_of[i]);
  }
}

/* Bug caught: a wait that the drain should cut runs to its full length
 * (the process would overrun its grace), or a wait that ends before the
 * cut flagged as cut. The cut is in the past here, so the 60 s timer must
 * fire at once, flagged; the past-due one unflagged. */
static void cut_fires_long_waits_at_once(void **state) {
  (void)state;
  uint64_t now = timer_now_ns();
  assert_int_equal(timer_add(now + 60 * SEC, record, (void *)1), 0);
  assert_int_equal(timer_add(now - 1, record, (void *)0), 0);
  assert_true(wait_fired(1));
  timer_cut(now);
  assert_true(wait_fired(2));
  assert_int_equal(fired[0], 0);
  assert_false(cut_of[0]);
  assert_int_equal(fired[1], 1);
  assert_true(cut_of[1]);
  /* a timer added after the cut is cut as well */
  assert_int_equal(timer_add(timer_now_ns() + 60 * SEC, record, (void *)2), 0);
  assert_true(wait_fired(3));
  assert_true(cut_of[2]);
}

/* Bug caught: the margin before the end of the grace computed wrongly
 * (none, or larger than the grace), which either lets a drain overrun its
 * grace or cuts waits needlessly early. */
static void cut_leaves_a_margin(void **state) {
  (void)state;
  struct timespec at = {.tv_sec = 100, .tv_nsec = 5};
  uint64_t t0 = 100 * SEC + 5;
  assert_int_equal(state_cut_ns(&at, 10), t0 + 9 * SEC); /* 1 s margin */
  assert_int_equal(state_cut_ns(&at, 2), t0 + 1 * SEC);  /* 1 s */
  assert_int_equal(state_cut_ns(&at, 1), t0 + SEC / 2);  /* half */
  assert_int_equal(state_cut_ns(&at, 0), t0);
}

/* Bug caught: draining not reaching the timer (waits in progress when
 * SIGTERM arrives would run to their end, past the grace). Grace 0: the
 * cut is the drain start itself. */
static void draining_cuts_the_timer(void **state) {
  (void)state;
  struct timespec at;
  assert_int_equal(timer_add(timer_now_ns() + 60 * SEC, record, (void *)0), 0);
  assert_false(svc_draining());
  state_start_draining(0, &at);
  assert_true(svc_draining());
  assert_true(wait_fired(1));
  assert_true(cut_of[0]);
  struct timespec got;
  assert_int_equal(svc_drain_start(&got), 0);
  assert_int_equal(got.tv_sec, at.tv_sec);
  assert_int_equal(got.tv_nsec, at.tv_nsec);
}

/* Bug caught: timers lost at stop (a deferred answer never sent). */
static void stop_fires_what_is_pending(void **state) {
  (void)state;
  assert_int_equal(timer_add(timer_now_ns() + 60 * SEC, record, (void *)0), 0);
  timer_stop();
  assert_int_equal(nfired, 1);
  assert_true(cut_of[0]);
}

/* ---- deferred answers of fake requests ---------------------------------- */

struct later {
  struct svc_ticket *t;
  int status;
};

static void complete_later(void *cls, bool cut) {
  struct later *l = cls;
  struct svc_response r = SVC_RESPONSE_INIT;
  (void)cut;
  svc_resp_text(&r, l->status, "text/plain", "later\n");
  svc_complete(l->t, &r);
  assert_null(r.body); /* moved */
}

static struct later the_later;

static int deferring(const struct svc_request *req, struct svc_response *resp) {
  the_later.t = svc_defer(req, resp);
  if (the_later.t == NULL)
    return -1;
  /* a second defer of the same request is refused */
  assert_null(svc_defer(req, resp));
  return svc_after(10, complete_later, &the_later);
}

static const struct svc_route routes[] = {
    {.method = "GET", .path = "/later", .handler = deferring},
};

/* Bug caught: a deferred answer lost, sent before it was completed, or
 * completed from the timer thread without reaching the waiting side;
 * svc_dispatch returning before the answer (unit tests of deferring
 * handlers would see nothing). */
static void dispatch_awaits_a_deferred_answer(void **state) {
  (void)state;
  struct svc_request req = {.method = "GET", .path = "/later"};
  struct svc_response resp = SVC_RESPONSE_INIT;
  the_later.status = 202;
  assert_int_equal(svc_dispatch(routes, 1, &req, &resp, NULL, 0), 0);
  assert_null(resp.pending);
  assert_int_equal(resp.status, 202);
  assert_string_equal(resp.body, "later\n");
  svc_response_free(&resp);
}

/* Bug caught: a deferred answer with an impossible status sent as it is. */
static void deferred_invalid_status_is_500(void **state) {
  (void)state;
  struct svc_request req = {.method = "GET", .path = "/later"};
  struct svc_response resp = SVC_RESPONSE_INIT;
  the_later.status = 42;
  svc_dispatch(routes, 1, &req, &resp, NULL, 0);
  assert_int_equal(resp.status, 500);
  svc_response_free(&resp);
}

/* Bug caught: svc_await blocking on an answer that was given directly. */
static void await_without_defer_returns(void **state) {
  (void)state;
  struct svc_response resp = SVC_RESPONSE_INIT;
  svc_resp_text(&resp, 200, "text/plain", "now");
  svc_await(&resp);
  assert_int_equal(resp.status, 200);
  svc_response_free(&resp);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test_setup_teardown(fires_in_deadline_order, reset, reset),
      cmocka_unit_test_setup_teardown(cut_fires_long_waits_at_once, reset,
                                      reset),
      cmocka_unit_test(cut_leaves_a_margin),
      cmocka_unit_test_setup_teardown(draining_cuts_the_timer, reset, reset),
      cmocka_unit_test_setup_teardown(stop_fires_what_is_pending, reset, reset),
      cmocka_unit_test_setup_teardown(dispatch_awaits_a_deferred_answer, reset,
                                      reset),
      cmocka_unit_test_setup_teardown(deferred_invalid_status_is_500, reset,
                                      reset),
      cmocka_unit_test(await_without_defer_returns),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
