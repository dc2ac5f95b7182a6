/* hello.h: the hello service's handlers, exposed for unit tests. */
#ifndef SL_HELLO_HELLO_H
#define SL_HELLO_HELLO_H

#include "svc.h"

/* GET /: "hello from slimline hello <version> (variant <variant>)\n". */
int hello_root(const struct svc_request *req, struct svc_response *resp);

/* POST /echo: answers the number of body bytes received, as text. A real
 * upload route: integration tests use it to check the body limit (413) and
 * draining while a slow upload is in flight. */
int hello_echo(const struct svc_request *req, struct svc_response *resp);

extern const struct svc_service hello_service;

#endif
