/* builtin.c: the built-in endpoints (see builtin.h). The probes answer
 * from static bodies: a probe every second costs no allocation. */
#include "builtin.h"

#include <microhttpd.h>

#include "build_info.h"
#include "jw.h"
#include "sb.h"
#include "state.h"

#define CT_JSON "application/json"

static const char *service_name = "svc";
static struct metrics *metrics;
static double start_time;

void builtin_setup(const char *service, struct metrics *m, double start) {
  service_name = service;
  metrics = m;
  start_time = start;
}

static int healthz(const struct svc_request *req, struct svc_response *resp) {
  static const char ok[] = "{\"status\":\"ok\"}\n";
  (void)req;
  return svc_resp_static(resp, SVC_OK, CT_JSON, ok, sizeof ok - 1);
}

static int readyz(const struct svc_request *req, struct svc_response *resp) {
  static const char ready[] = "{\"status\":\"ready\"}\n";
  static const char starting[] = "{\"status\":\"starting\"}\n";
  static const char draining[] = "{\"status\":\"draining\"}\n";
  (void)req;
  switch (state_phase()) {
  case STATE_READY:
    return svc_resp_static(resp, SVC_OK, CT_JSON, ready, sizeof ready - 1);
  case STATE_STARTING:
    return svc_resp_static(resp, SVC_UNAVAILABLE, CT_JSON, starting,
                           sizeof starting - 1);
  case STATE_DRAINING:
    break;
  }
  return svc_resp_static(resp, SVC_UNAVAILABLE, CT_JSON, draining,
                         sizeof draining - 1);
}

static int metrics_page(const struct svc_request *req,
                        struct svc_response *resp) {
  struct sb b = SB_INIT;
  size_t len;
  const struct metrics_info info = {.service = service_name,
                                    .version = SL_VERSION,
                                    .variant = SL_VARIANT,
                                    .revision = SL_REVISION,
                                    .start_time = start_time};

  (void)req;
  if (metrics_render(metrics, &info, &b) < 0) {
    sb_free(&b);
    return -1;
  }
  char *body = sb_steal(&b, &len);
  if (body == NULL)
    return -1;
  return svc_resp_take(resp, SVC_OK, "text/plain; version=0.0.4; charset=utf-8",
                       body, len);
}

static int version(const struct svc_request *req, struct svc_response *resp) {
  struct sb b = SB_INIT;
  size_t len;

  (void)req;
  sb_puts(&b, "{");
  jw_key(&b, "service");
  jw_str(&b, service_name);
  sb_puts(&b, ",");
  jw_key(&b, "version");
  jw_str(&b, SL_VERSION);
  sb_puts(&b, ",");
  jw_key(&b, "variant");
  jw_str(&b, SL_VARIANT);
  sb_puts(&b, ",");
  jw_key(&b, "revision");
  jw_str(&b, SL_REVISION);
  sb_puts(&b, ",");
  jw_key(&b, "build_date");
  jw_str(&b, SL_BUILD_DATE);
  sb_puts(&b, ",");
  jw_key(&b, "libmicrohttpd");
  jw_str(&b, MHD_get_version());
  sb_puts(&b, "}\n");
  char *body = sb_steal(&b, &len);
  if (body == NULL)
    return -1;
  return svc_resp_take(resp, SVC_OK, CT_JSON, body, len);
}

const struct svc_route builtin_routes[] = {
    {.method = "GET", .path = "/healthz", .handler = healthz},
    {.method = "GET", .path = "/readyz", .handler = readyz},
    {.method = "GET", .path = "/metrics", .handler = metrics_page},
    {.method = "GET", .path = "/version", .handler = version},
};
const size_t builtin_nroutes = SVC_COUNT(builtin_routes);
