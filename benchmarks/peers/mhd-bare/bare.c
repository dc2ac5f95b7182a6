/* bare.c: the floor of the service layer: a bare libmicrohttpd handler that
 * answers every request with the bytes of hello's GET / and nothing else
 * (no routing, no metrics, no log, no limits). make bench-native compares
 * native hello against it, so the difference is what the shared layer
 * costs on top of libmicrohttpd.
 *
 *   mhd-bare [--port N] [--threads N] [--mode epoll|poll|tpc] [--variant V]
 *            [--conn-memory BYTES]
 *
 * --mode epoll (default): MHD_USE_EPOLL with one internal polling thread,
 *   or a pool of --threads threads (as the services run);
 * --mode poll: the same with poll(2);
 * --mode tpc: a thread per connection (the services' model before issue 11).
 * --variant names the variant in the greeting, so that the body is byte for
 * byte hello's ("hello from slimline hello 0.1.0 (variant native)\n").
 * --conn-memory is libmicrohttpd's per-connection memory pool
 * (MHD_OPTION_CONNECTION_MEMORY_LIMIT); its default is the services' default
 * (CONN_MEMORY, services/common/cfg.c), not libmicrohttpd's 32 KiB, because
 * libmicrohttpd 0.9.75 zeroes the whole pool after every request and the
 * floor must pay what hello pays.
 * Runs until SIGTERM or SIGINT, then exits 0.
 *
 * The response is built once and queued on every request (MHD_RESPMEM_
 * PERSISTENT); the handler answers on its second call, once the request is
 * complete, as libmicrohttpd's own minimal example does. */
#include <microhttpd.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define BARE_VERSION "0.1.0"

static struct MHD_Response *reply;

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c,
                                  const char *url, const char *method,
                                  const char *version, const char *upload,
                                  size_t *upload_size, void **con_cls) {
  static int marker;

  (void)cls;
  (void)url;
  (void)method;
  (void)version;
  (void)upload;
  if (*con_cls == NULL) {
    *con_cls = &marker;
    return MHD_YES;
  }
  if (*upload_size != 0) {
    *upload_size = 0; /* bodies are read and dropped */
    return MHD_YES;
  }
  return MHD_queue_response(c, MHD_HTTP_OK, reply);
}

static int usage(void) {
  fprintf(stderr, "usage: mhd-bare [--port N] [--threads N] "
                  "[--mode epoll|poll|tpc] [--variant NAME] "
                  "[--conn-memory BYTES]\n");
  return 2;
}

/* A decimal number in [min, max], else -1. */
static long number(const char *s, long min, long max) {
  char *end;
  long v = strtol(s, &end, 10);
  if (*s == '\0' || *end != '\0' || v < min || v > max)
    return -1;
  return v;
}

int main(int argc, char **argv) {
  long port = 8080, threads = 1, conn_memory = 16384;
  const char *mode = "epoll", *variant = "native";
  static char body[128];
  sigset_t set;
  int sig;

  for (int i = 1; i < argc; i++) {
    if (i + 1 >= argc)
      return usage();
    if (strcmp(argv[i], "--port") == 0)
      port = number(argv[++i], 1, 65535);
    else if (strcmp(argv[i], "--threads") == 0)
      threads = number(argv[++i], 1, 256);
    else if (strcmp(argv[i], "--mode") == 0)
      mode = argv[++i];
    else if (strcmp(argv[i], "--variant") == 0)
      variant = argv[++i];
    else if (strcmp(argv[i], "--conn-memory") == 0)
      conn_memory = number(argv[++i], 4096, 16777216);
    else
      return usage();
    if (port < 0 || threads < 0 || conn_memory < 0) {
      fprintf(stderr, "mhd-bare: invalid %s \"%s\"\n", argv[i - 1], argv[i]);
      return 2;
    }
  }

  unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_ERROR_LOG;
  if (strcmp(mode, "epoll") == 0)
    flags |= MHD_USE_EPOLL;
  else if (strcmp(mode, "poll") == 0)
    flags |= MHD_USE_POLL;
  else if (strcmp(mode, "tpc") == 0)
    flags |= MHD_USE_THREAD_PER_CONNECTION | MHD_USE_POLL;
  else
    return usage();
  if (strcmp(mode, "tpc") == 0 && threads != 1) {
    fprintf(stderr, "mhd-bare: --threads needs --mode epoll or poll\n");
    return 2;
  }

  int n = snprintf(body, sizeof body,
                   "hello from slimline hello " BARE_VERSION " (variant %s)\n",
                   variant);
  if (n < 0 || (size_t)n >= sizeof body) {
    fprintf(stderr, "mhd-bare: --variant too long\n");
    return 2;
  }
  reply =
      MHD_create_response_from_buffer((size_t)n, body, MHD_RESPMEM_PERSISTENT);
  if (reply == NULL ||
      MHD_add_response_header(reply, MHD_HTTP_HEADER_CONTENT_TYPE,
                              "text/plain; charset=utf-8") != MHD_YES) {
    fprintf(stderr, "mhd-bare: cannot build the response: out of memory\n");
    return 1;
  }

  /* Signals are taken by sigwait below, in this thread only. */
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, NULL);
  signal(SIGPIPE, SIG_IGN);

  /* The pool option only for a pool: MHD warns about a size of 0 or 1. */
  struct MHD_OptionItem opts[] = {
      {MHD_OPTION_CONNECTION_LIMIT, 1024, NULL},
      {MHD_OPTION_CONNECTION_MEMORY_LIMIT, (intptr_t)conn_memory, NULL},
      {threads > 1 ? MHD_OPTION_THREAD_POOL_SIZE : MHD_OPTION_END,
       (intptr_t)threads, NULL},
      {MHD_OPTION_END, 0, NULL},
  };
  struct MHD_Daemon *d =
      MHD_start_daemon(flags, (uint16_t)port, NULL, NULL, on_request, NULL,
                       MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
  if (d == NULL) {
    fprintf(stderr, "mhd-bare: cannot listen on port %ld\n", port);
    return 1;
  }
  printf("mhd-bare: listening on port %ld (mode %s, %ld thread%s)\n", port,
         mode, threads, threads == 1 ? "" : "s");
  fflush(stdout);
  while (sigwait(&set, &sig) != 0)
    ;
  MHD_stop_daemon(d);
  MHD_destroy_response(reply);
  return 0;
}
