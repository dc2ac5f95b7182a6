/* test_hello.c: hello's handlers on fake requests (no MHD). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <cmocka.h>
#include <string.h>

#include "hello/hello.h"

/* Bug caught: a greeting that does not name the build (version, variant),
 * or the wrong content type. */
static void root_names_the_build(void **state) {
  (void)state;
  struct svc_request req = {.method = "GET", .path = "/"};
  struct svc_response r = SVC_RESPONSE_INIT;
  assert_int_equal(hello_root(&req, &r), 0);
  assert_int_equal(r.status, 200);
  assert_string_equal(r.content_type, "text/plain; charset=utf-8");
  assert_string_equal(r.body, "hello from slimline hello " SL_VERSION
                              " (variant " SL_VARIANT ")\n");
  svc_response_free(&r);
}

/* Bug caught: the upload route misreporting what it received. */
static void echo_counts_bytes(void **state) {
  (void)state;
  struct svc_request req = {
      .method = "POST", .path = "/echo", .body = "abc\0def", .body_len = 7};
  struct svc_response r = SVC_RESPONSE_INIT;
  assert_int_equal(hello_echo(&req, &r), 0);
  assert_string_equal(r.body, "received 7 bytes\n");
  svc_response_free(&r);
}

/* Bug caught: hello's routes not wired as documented (HEAD, 405). */
static void routes_through_dispatch(void **state) {
  (void)state;
  struct svc_request req = {.method = "HEAD", .path = "/"};
  struct svc_response r = SVC_RESPONSE_INIT;
  char param[8];
  assert_int_equal(svc_dispatch(hello_service.routes, hello_service.nroutes,
                                &req, &r, param, sizeof param),
                   0);
  assert_int_equal(r.status, 200);
  svc_response_free(&r);
  req.method = "GET";
  req.path = "/echo";
  svc_dispatch(hello_service.routes, hello_service.nroutes, &req, &r, param,
               sizeof param);
  assert_int_equal(r.status, 405);
  assert_string_equal(r.headers[0].value, "POST");
  svc_response_free(&r);
}

int main(void) {
  const struct CMUnitTest tests[] = {
      cmocka_unit_test(root_names_the_build),
      cmocka_unit_test(echo_counts_bytes),
      cmocka_unit_test(routes_through_dispatch),
  };
  return cmocka_run_group_tests(tests, NULL, NULL);
}
