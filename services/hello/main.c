/* main.c: hello's entry point; everything else is in hello.c. */
#include "hello.h"

int main(int argc, char **argv) { return svc_main(&hello_service, argc, argv); }
