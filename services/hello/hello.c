/* hello.c: the hello service, a greeting that names the build. */
#include "hello.h"

/* Static storage: the layer sends it without a copy, from a response it
 * prepares once (no allocation per request). */
static const char greeting[] =
    "hello from slimline hello " SL_VERSION " (variant " SL_VARIANT ")\n";

int hello_root(const struct svc_request *req, struct svc_response *resp) {
  (void)req;
  return svc_resp_static(resp, SVC_OK, "text/plain; charset=utf-8", greeting,
                         sizeof greeting - 1);
}

int hello_echo(const struct svc_request *req, struct svc_response *resp) {
  return svc_resp_printf(resp, SVC_OK, "text/plain; charset=utf-8",
                         "received %zu bytes\n", req->body_len);
}

static const struct svc_route routes[] = {
    {.method = "GET", .path = "/", .handler = hello_root},
    {.method = "POST", .path = "/echo", .handler = hello_echo},
};

const struct svc_service hello_service = {
    .name = "hello",
    .summary = "answers GET / with a greeting naming its version and image "
               "variant",
    .routes = routes,
    .nroutes = SVC_COUNT(routes),
};
