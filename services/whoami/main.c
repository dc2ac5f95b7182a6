/* main.c: whoami, a request echo (see whoami.h and docs/whoami.md). */
#include "whoami.h"

int main(int argc, char **argv) {
  return svc_main(&whoami_service, argc, argv);
}
