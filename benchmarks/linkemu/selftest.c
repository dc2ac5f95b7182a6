/* selftest: see selftest.h. */
#include "selftest.h"

#include "le.h"
#include "relay.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#define PINGS 101
#define PING_WARMUPS 3

static uint64_t mono_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * LE_NS_PER_S + (uint64_t)ts.tv_nsec;
}

uint64_t selftest_default_bytes(uint64_t rate_bps) {
  const uint64_t lo = 1ULL << 20, hi = 256ULL << 20;
  if (rate_bps == 0)
    return 64ULL << 20;
  uint64_t b = le_bytes_in(1500000000ULL, rate_bps);
  if (b < lo)
    return lo;
  if (b > hi)
    return hi;
  return b;
}

static int read_full(int fd, void *p, size_t n) {
  char *c = p;
  while (n > 0) {
    ssize_t r = recv(fd, c, n, 0);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0)
      return -1;
    c += r;
    n -= (size_t)r;
  }
  return 0;
}

static int write_full(int fd, const void *p, size_t n) {
  const char *c = p;
  while (n > 0) {
    ssize_t w = send(fd, c, n, MSG_NOSIGNAL);
    if (w < 0 && errno == EINTR)
      continue;
    if (w <= 0)
      return -1;
    c += w;
    n -= (size_t)w;
  }
  return 0;
}

/* Server protocol on one connection: 'P' -> 'p'; 'D' + 8-byte big-endian
 * length -> that many bytes; EOF -> exit. */
static void server_main(int lfd) {
  static char block[256 * 1024];
  memset(block, 'x', sizeof block);
  int fd = accept(lfd, NULL, NULL);
  if (fd < 0)
    _exit(1);
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  for (;;) {
    char cmd;
    if (read_full(fd, &cmd, 1) < 0)
      _exit(0);
    if (cmd == 'P') {
      if (write_full(fd, "p", 1) < 0)
        _exit(1);
    } else if (cmd == 'D') {
      unsigned char lb[8];
      if (read_full(fd, lb, 8) < 0)
        _exit(1);
      uint64_t n = 0;
      for (int i = 0; i < 8; i++)
        n = (n << 8) | lb[i];
      while (n > 0) {
        size_t k = n < sizeof block ? (size_t)n : sizeof block;
        if (write_full(fd, block, k) < 0)
          _exit(1);
        n -= k;
      }
    } else {
      _exit(1);
    }
  }
}

static int cmp_double(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

static int client_measure(uint16_t port, uint64_t bytes, double *rtt_ms,
                          double *rate_bps) {
  int rc = -1;
  char *buf = NULL;
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    fprintf(stderr, "linkemu: selftest cannot create socket: %s\n",
            strerror(errno));
    return -1;
  }
  struct sockaddr_in sa;
  memset(&sa, 0, sizeof sa);
  sa.sin_family = AF_INET;
  sa.sin_port = htons(port);
  sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (connect(fd, (struct sockaddr *)&sa, sizeof sa) < 0) {
    fprintf(stderr, "linkemu: selftest cannot connect to relay: %s\n",
            strerror(errno));
    goto out;
  }
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  double samples[PINGS];
  for (int i = 0; i < PING_WARMUPS + PINGS; i++) {
    char r;
    uint64_t t0 = mono_ns();
    if (write_full(fd, "P", 1) < 0 || read_full(fd, &r, 1) < 0 || r != 'p') {
      fprintf(stderr, "linkemu: selftest ping failed: connection closed\n");
      goto out;
    }
    uint64_t t1 = mono_ns();
    if (i >= PING_WARMUPS)
      samples[i - PING_WARMUPS] = (double)(t1 - t0) / 1e6;
  }
  /* The minimum, as ping's "min": the delay the link enforces. The relay
     * never releases a byte early, so anything above it is scheduling noise
     * of the shared machine (wake-ups of relay, echo server and client),
     * which a 1 ms target on two busy cores cannot absorb in a median. A
     * relay that delays too little or too much still fails the check. */
  qsort(samples, PINGS, sizeof samples[0], cmp_double);
  *rtt_ms = samples[0];

  unsigned char req[9];
  req[0] = 'D';
  for (int i = 0; i < 8; i++)
    req[1 + i] = (unsigned char)(bytes >> (56 - 8 * i));
  buf = malloc(256 * 1024);
  if (buf == NULL) {
    fprintf(stderr,
            "linkemu: selftest cannot allocate buffer: out of memory\n");
    goto out;
  }
  if (write_full(fd, req, sizeof req) < 0) {
    fprintf(stderr, "linkemu: selftest request failed: %s\n", strerror(errno));
    goto out;
  }
  uint64_t got = 0, first = 0, t_first = 0, t_last = 0;
  while (got < bytes) {
    ssize_t r = recv(fd, buf, 256 * 1024, 0);
    if (r < 0 && errno == EINTR)
      continue;
    if (r <= 0) {
      fprintf(stderr,
              "linkemu: selftest download failed after %llu bytes: %s\n",
              (unsigned long long)got,
              r == 0 ? "connection closed" : strerror(errno));
      goto out;
    }
    uint64_t t = mono_ns();
    if (got == 0) {
      t_first = t;
      first = (uint64_t)r;
    }
    got += (uint64_t)r;
    t_last = t;
  }
  if (t_last <= t_first || got <= first) {
    fprintf(
        stderr,
        "linkemu: selftest transfer too small to time: use a larger --bytes\n");
    goto out;
  }
  *rate_bps = (double)(got - first) * 8.0 * 1e9 / (double)(t_last - t_first);
  rc = 0;
out:
  free(buf);
  close(fd);
  return rc;
}

static void stop_child(pid_t pid, int *status) {
  kill(pid, SIGTERM);
  while (waitpid(pid, status, 0) < 0 && errno == EINTR) {
  }
}

int selftest_run(uint64_t rate_bps, uint64_t rtt_ns, uint64_t bytes,
                 struct selftest_result *res) {
  int rc = -1;
  pid_t srv = -1, rel = -1;
  uint16_t sport = 0, rport = 0;
  int sfd = relay_listen("127.0.0.1", 0, &sport);
  int rfd = -1;
  if (sfd < 0)
    return -1;
  rfd = relay_listen("127.0.0.1", 0, &rport);
  if (rfd < 0)
    goto out;
  if (bytes == 0)
    bytes = selftest_default_bytes(rate_bps);

  fflush(stdout);
  srv = fork();
  if (srv < 0) {
    fprintf(stderr, "linkemu: selftest cannot fork: %s\n", strerror(errno));
    goto out;
  }
  if (srv == 0) {
    close(rfd);
    server_main(sfd);
    _exit(0);
  }
  rel = fork();
  if (rel < 0) {
    fprintf(stderr, "linkemu: selftest cannot fork: %s\n", strerror(errno));
    goto out;
  }
  if (rel == 0) {
    close(sfd);
    struct relay_config cfg;
    memset(&cfg, 0, sizeof cfg);
    strcpy(cfg.listen_host, "127.0.0.1");
    strcpy(cfg.target_host, "127.0.0.1");
    cfg.target_port = sport;
    cfg.rate_up_bps = rate_bps;
    cfg.rate_down_bps = rate_bps;
    cfg.oneway_ns = rtt_ns / 2;
    cfg.handshake = 1;
    cfg.listen_fd = rfd;
    _exit(relay_run(&cfg) < 0 ? 1 : 0);
  }
  close(sfd);
  sfd = -1;
  close(rfd);
  rfd = -1;

  double rtt_ms = 0, rate = 0;
  if (client_measure(rport, bytes, &rtt_ms, &rate) < 0)
    goto out;
  res->target_rate_bps = rate_bps;
  res->measured_rate_bps = rate;
  res->target_rtt_ms = (double)rtt_ns / 1e6;
  res->measured_rtt_ms = rtt_ms;
  int rate_ok = rate_bps == 0 ? 1 : le_within10(rate, (double)rate_bps);
  int rtt_ok =
      rtt_ns == 0 ? rtt_ms < 1.0 : le_within10(rtt_ms, res->target_rtt_ms);
  res->ok = rate_ok && rtt_ok;
  rc = 0;
out:
  if (sfd >= 0)
    close(sfd);
  if (rfd >= 0)
    close(rfd);
  int st = 0;
  if (rel > 0) {
    stop_child(rel, &st);
    if (rc == 0 && !(WIFEXITED(st) && WEXITSTATUS(st) == 0)) {
      fprintf(stderr,
              "linkemu: selftest relay did not stop cleanly (status %d)\n", st);
      rc = -1;
    }
  }
  if (srv > 0)
    stop_child(srv, &st);
  return rc;
}
