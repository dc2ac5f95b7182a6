/* defer.c: answering later (svc.h): tickets of fake requests (unit tests,
 * answered in-process) and svc_after. Tickets of real connections are the
 * server's (server.c). */
#include <stdlib.h>
#include <string.h>

#include "defer.h"
#include "svc.h"
#include "timer.h"

struct svc_ticket *svc_defer(const struct svc_request *req,
                             struct svc_response *resp) {
  if (req->conn != NULL)
    return srv_defer(req->conn, resp);
  if (resp->pending != NULL)
    return NULL;
  struct svc_ticket *t = calloc(1, sizeof *t);
  if (t == NULL)
    return NULL;
  if (pthread_mutex_init(&t->mu, NULL) != 0) {
    free(t);
    return NULL;
  }
  if (pthread_cond_init(&t->cv, NULL) != 0) {
    pthread_mutex_destroy(&t->mu);
    free(t);
    return NULL;
  }
  resp->pending = t;
  return t;
}

void svc_complete(struct svc_ticket *t, struct svc_response *answer) {
  if (t->srv != NULL) {
    srv_complete(t, answer);
    return;
  }
  pthread_mutex_lock(&t->mu);
  t->answer = *answer;
  memset(answer, 0, sizeof *answer);
  atomic_store(&t->done, true);
  pthread_cond_signal(&t->cv);
  pthread_mutex_unlock(&t->mu);
}

void svc_await(struct svc_response *resp) {
  struct svc_ticket *t = resp->pending;

  if (t == NULL)
    return;
  pthread_mutex_lock(&t->mu);
  while (!atomic_load(&t->done))
    pthread_cond_wait(&t->cv, &t->mu);
  pthread_mutex_unlock(&t->mu);
  svc_response_free(resp);
  *resp = t->answer;
  resp->pending = NULL;
  if (resp->status < 100 || resp->status > 599) {
    svc_log(SVC_LOG_ERROR,
            "deferred answer with invalid status %d: "
            "answering 500",
            resp->status);
    svc_response_free(resp);
    svc_resp_error(resp, SVC_INTERNAL_ERROR, "internal error");
  }
  pthread_cond_destroy(&t->cv);
  pthread_mutex_destroy(&t->mu);
  free(t);
}

int svc_after(uint64_t ms, void (*fn)(void *cls, bool cut), void *cls) {
  uint64_t now = timer_now_ns();
  uint64_t ns =
      ms > (UINT64_MAX - now) / 1000000u ? UINT64_MAX - now : ms * 1000000u;
  return timer_add(now + ns, fn, cls);
}
