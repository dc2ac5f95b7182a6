/* hello.c: the hello service, a greeting that names the build. */
#include "hello.h"

int hello_root(const struct svc_request *req, struct svc_response *resp) {
  (void)req;
  return svc_resp_text(resp, 200, "text/plain; charset=utf-8",
                       "hello from slimline hello " SL_VERSION
                       " (variant " SL_VARIANT ")\n");
}

int hello_echo(const struct svc_request *req, struct svc_response *resp) {
  return svc_resp_printf(resp, 200, "text/plain; charset=utf-8",
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
