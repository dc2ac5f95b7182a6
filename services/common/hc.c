/* hc.c: --healthcheck (see hc.h). */
#include "hc.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static long ms_since(const struct timespec *t0) {
  struct timespec now;
  clock_gettime(CLOCK_MONOTONIC, &now);
  return (long)(now.tv_sec - t0->tv_sec) * 1000 +
         (now.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Waits for events on fd within the remaining budget: 1 ready, 0 timeout,
 * -1 error. */
static int wait_fd(int fd, short events, const struct timespec *t0) {
  long left = HC_TIMEOUT_MS - ms_since(t0);
  struct pollfd p = {.fd = fd, .events = events};
  if (left <= 0)
    return 0;
  int r = poll(&p, 1, (int)left);
  if (r < 0 && errno == EINTR)
    return wait_fd(fd, events, t0);
  return r;
}

int hc_probe(const struct svc_config *cfg, const char *path) {
  struct sockaddr_storage ss;
  socklen_t sslen;
  struct timespec t0;
  char host[64], req[256], resp[64];
  int fd = -1, ret = -1;
  const char *why = "unknown";

  clock_gettime(CLOCK_MONOTONIC, &t0);
  snprintf(host, sizeof host, "%s", cfg->listen);
  memset(&ss, 0, sizeof ss);
  struct sockaddr_in *in = (struct sockaddr_in *)&ss;
  struct sockaddr_in6 *in6 = (struct sockaddr_in6 *)&ss;
  if (inet_pton(AF_INET, cfg->listen, &in->sin_addr) == 1) {
    if (in->sin_addr.s_addr == htonl(INADDR_ANY))
      in->sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    in->sin_family = AF_INET;
    in->sin_port = htons((uint16_t)cfg->port);
    sslen = sizeof *in;
    inet_ntop(AF_INET, &in->sin_addr, host, sizeof host);
  } else if (inet_pton(AF_INET6, cfg->listen, &in6->sin6_addr) == 1) {
    if (IN6_IS_ADDR_UNSPECIFIED(&in6->sin6_addr))
      in6->sin6_addr = in6addr_loopback;
    in6->sin6_family = AF_INET6;
    in6->sin6_port = htons((uint16_t)cfg->port);
    sslen = sizeof *in6;
    inet_ntop(AF_INET6, &in6->sin6_addr, host + 1, sizeof host - 2);
    host[0] = '[';
    strcat(host, "]");
  } else {
    why = "invalid listen address";
    goto out;
  }

  fd = socket(ss.ss_family, SOCK_STREAM, 0);
  if (fd < 0) {
    why = strerror(errno);
    goto out;
  }
  fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK);
  if (connect(fd, (struct sockaddr *)&ss, sslen) < 0) {
    if (errno != EINPROGRESS) {
      why = strerror(errno);
      goto out;
    }
    if (wait_fd(fd, POLLOUT, &t0) <= 0) {
      why = "connect timed out";
      goto out;
    }
    int soerr = 0;
    socklen_t l = sizeof soerr;
    getsockopt(fd, SOL_SOCKET, SO_ERROR, &soerr, &l);
    if (soerr != 0) {
      why = strerror(soerr);
      goto out;
    }
  }
  int n = snprintf(req, sizeof req,
                   "GET %s HTTP/1.0\r\nHost: %s:%u\r\nUser-Agent: "
                   "healthcheck\r\n\r\n",
                   path, host, cfg->port);
  if (n < 0 || (size_t)n >= sizeof req ||
      send(fd, req, (size_t)n, MSG_NOSIGNAL) != n) {
    why = "cannot send the request";
    goto out;
  }
  size_t got = 0;
  while (got < sizeof resp - 1) {
    if (wait_fd(fd, POLLIN, &t0) <= 0) {
      why = "no answer in time";
      goto out;
    }
    ssize_t r = recv(fd, resp + got, sizeof resp - 1 - got, 0);
    if (r < 0 && errno == EINTR)
      continue;
    if (r < 0) {
      why = strerror(errno);
      goto out;
    }
    if (r == 0)
      break;
    got += (size_t)r;
    if (memchr(resp, '\n', got) != NULL)
      break;
  }
  resp[got] = '\0';
  /* "HTTP/1.x 200 ..." */
  if (strncmp(resp, "HTTP/1.", 7) == 0 && got >= 12 &&
      strncmp(resp + 8, " 200", 4) == 0) {
    ret = 0;
    goto out;
  }
  resp[strcspn(resp, "\r\n")] = '\0';
  snprintf(req, sizeof req, "unexpected answer \"%.40s\"", resp);
  why = req;
out:
  if (ret < 0)
    fprintf(stderr, "healthcheck failure: http://%s:%u%s: %s\n", host,
            cfg->port, path, why);
  if (fd >= 0)
    close(fd);
  return ret;
}
