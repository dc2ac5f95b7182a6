/* relay: see relay.h.
 * _GNU_SOURCE: ppoll (nanosecond timeouts; poll's millisecond timeout is
 * too coarse for a 0.5 ms one-way delay) and prctl(PR_SET_TIMERSLACK). */
#define _GNU_SOURCE
#include "relay.h"

#include "le.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

struct chunk {
  struct chunk *next;
  uint64_t release_ns;
  size_t len;
  size_t off;
  char data[];
};

struct dir {
  int src, dst;
  struct chunk *head, *tail;
  size_t held;
  int eof;  /* src said EOF */
  int shut; /* SHUT_WR sent to dst */
  struct le_bucket *bucket;
  size_t chunk;
  size_t cap;
  uint64_t read_after;
  int src_idx, dst_idx; /* pollfd slots */
};

struct conn {
  struct conn *next;
  int cfd, tfd;
  int connecting;
  int dead;
  int tfd_idx;
  struct dir up, down;
};

static int sig_pipe[2] = {-1, -1};

static void on_signal(int sig) {
  (void)sig;
  int saved = errno;
  char c = 's';
  ssize_t r = write(sig_pipe[1], &c, 1);
  (void)r;
  errno = saved;
}

static uint64_t now_ns(void) {
  struct timespec ts;
  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * LE_NS_PER_S + (uint64_t)ts.tv_nsec;
}

static int set_nonblock(int fd) {
  int fl = fcntl(fd, F_GETFL);
  if (fl < 0 || fcntl(fd, F_SETFL, fl | O_NONBLOCK) < 0)
    return -1;
  return 0;
}

static void set_nodelay(int fd) {
  int one = 1;
  setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
}

static int resolve(const char *host, uint16_t port, struct sockaddr_in *sa) {
  memset(sa, 0, sizeof *sa);
  sa->sin_family = AF_INET;
  sa->sin_port = htons(port);
  if (strcmp(host, "localhost") == 0)
    host = "127.0.0.1";
  if (inet_pton(AF_INET, host, &sa->sin_addr) != 1)
    return -1;
  return 0;
}

int relay_listen(const char *host, uint16_t port, uint16_t *bound) {
  struct sockaddr_in sa;
  if (resolve(host, port, &sa) < 0) {
    fprintf(stderr, "linkemu: cannot listen on %s: not an IPv4 address\n",
            host);
    return -1;
  }
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  if (fd < 0) {
    fprintf(stderr, "linkemu: cannot create socket: %s\n", strerror(errno));
    return -1;
  }
  int one = 1;
  setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
  if (bind(fd, (struct sockaddr *)&sa, sizeof sa) < 0 || listen(fd, 512) < 0) {
    fprintf(stderr, "linkemu: cannot listen on %s:%u: %s\n", host, port,
            strerror(errno));
    close(fd);
    return -1;
  }
  socklen_t sl = sizeof sa;
  if (getsockname(fd, (struct sockaddr *)&sa, &sl) < 0) {
    fprintf(stderr, "linkemu: cannot read bound port: %s\n", strerror(errno));
    close(fd);
    return -1;
  }
  *bound = ntohs(sa.sin_port);
  return fd;
}

static int write_ready_file(const char *path, uint16_t port) {
  char tmp[4096];
  int n = snprintf(tmp, sizeof tmp, "%s.tmp.%ld", path, (long)getpid());
  if (n < 0 || (size_t)n >= sizeof tmp) {
    fprintf(stderr, "linkemu: cannot write ready file %s: path too long\n",
            path);
    return -1;
  }
  FILE *f = fopen(tmp, "w");
  if (f == NULL) {
    fprintf(stderr, "linkemu: cannot write ready file %s: %s\n", tmp,
            strerror(errno));
    return -1;
  }
  fprintf(f, "%u\n", port);
  if (fclose(f) != 0 || rename(tmp, path) < 0) {
    fprintf(stderr, "linkemu: cannot write ready file %s: %s\n", path,
            strerror(errno));
    unlink(tmp);
    return -1;
  }
  return 0;
}

static void dir_free(struct dir *d) {
  struct chunk *c = d->head;
  while (c != NULL) {
    struct chunk *n = c->next;
    free(c);
    c = n;
  }
  d->head = d->tail = NULL;
  d->held = 0;
}

/* Close both sides; reset (RST) when the connection failed so the error
 * reaches the peer instead of looking like a clean end. */
static void conn_close(struct conn *c, int reset) {
  int fds[2] = {c->cfd, c->tfd};
  for (int i = 0; i < 2; i++) {
    if (fds[i] < 0)
      continue;
    if (reset) {
      struct linger lg = {.l_onoff = 1, .l_linger = 0};
      setsockopt(fds[i], SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
    }
    close(fds[i]);
  }
  dir_free(&c->up);
  dir_free(&c->down);
  free(c);
}

static int dir_wants_read(const struct dir *d, uint64_t now) {
  return !d->eof && d->held < d->cap && now >= d->read_after;
}

/* Send released chunks until EAGAIN. -1 on a fatal write error. */
static int dir_flush(struct dir *d, uint64_t now) {
  while (d->head != NULL && d->head->release_ns <= now) {
    struct chunk *c = d->head;
    ssize_t w = send(d->dst, c->data + c->off, c->len - c->off, MSG_NOSIGNAL);
    if (w < 0) {
      if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
        return 0;
      return -1;
    }
    c->off += (size_t)w;
    d->held -= (size_t)w;
    if (c->off == c->len) {
      d->head = c->next;
      if (d->head == NULL)
        d->tail = NULL;
      free(c);
    }
  }
  if (d->eof && d->head == NULL && !d->shut) {
    shutdown(d->dst, SHUT_WR);
    d->shut = 1;
  }
  return 0;
}

/* One read of up to a chunk into the delay line. -1 on a fatal error. */
static int dir_read(struct dir *d, uint64_t now, uint64_t oneway, char *buf) {
  size_t room = d->cap - d->held;
  size_t n = d->chunk < room ? d->chunk : room;
  ssize_t r = recv(d->src, buf, n, 0);
  if (r < 0) {
    if (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)
      return 0;
    return -1;
  }
  if (r == 0) {
    d->eof = 1;
    return 0;
  }
  struct chunk *c = malloc(sizeof *c + (size_t)r);
  if (c == NULL)
    return -1;
  c->next = NULL;
  c->release_ns = le_release_ns(now, oneway);
  c->len = (size_t)r;
  c->off = 0;
  memcpy(c->data, buf, (size_t)r);
  if (d->tail != NULL)
    d->tail->next = c;
  else
    d->head = c;
  d->tail = c;
  d->held += (size_t)r;
  le_bucket_take(d->bucket, (size_t)r);
  return 0;
}

static void dir_init(struct dir *d, int src, int dst, struct le_bucket *b,
                     uint64_t rate, const struct relay_config *cfg,
                     uint64_t read_after) {
  memset(d, 0, sizeof *d);
  d->src = src;
  d->dst = dst;
  d->bucket = b;
  d->chunk = le_chunk_size(rate);
  d->cap =
      cfg->line_cap > 0 ? cfg->line_cap : le_line_cap(rate, cfg->oneway_ns);
  if (d->cap < d->chunk)
    d->cap = d->chunk;
  d->read_after = read_after;
  d->src_idx = d->dst_idx = -1;
}

static struct conn *conn_accept(int lfd, const struct relay_config *cfg,
                                const struct sockaddr_in *target,
                                struct le_bucket *up, struct le_bucket *down) {
  int cfd = accept(lfd, NULL, NULL);
  if (cfd < 0)
    return NULL;
  struct conn *c = NULL;
  int tfd = socket(AF_INET, SOCK_STREAM, 0);
  if (tfd < 0 || set_nonblock(cfd) < 0 || set_nonblock(tfd) < 0)
    goto fail;
  set_nodelay(cfd);
  set_nodelay(tfd);
  int connecting = 0;
  if (connect(tfd, (const struct sockaddr *)target, sizeof *target) < 0) {
    if (errno != EINPROGRESS)
      goto fail;
    connecting = 1;
  }
  c = calloc(1, sizeof *c);
  if (c == NULL)
    goto fail;
  uint64_t now = now_ns();
  /* A real link spends one RTT on the TCP handshake before the client
     * can send; here the handshake is local, so hold the client's bytes. */
  uint64_t after = cfg->handshake ? now + 2 * cfg->oneway_ns : now;
  c->cfd = cfd;
  c->tfd = tfd;
  c->connecting = connecting;
  dir_init(&c->up, cfd, tfd, up, cfg->rate_up_bps, cfg, after);
  dir_init(&c->down, tfd, cfd, down, cfg->rate_down_bps, cfg, now);
  return c;
fail : {
  struct linger lg = {.l_onoff = 1, .l_linger = 0};
  setsockopt(cfd, SOL_SOCKET, SO_LINGER, &lg, sizeof lg);
}
  close(cfd);
  if (tfd >= 0)
    close(tfd);
  return NULL;
}

/* Timer wake-ups on a loaded machine come 50-150 us late; the last stretch
 * before a delay-line release is polled without sleeping so a 0.5 ms
 * one-way delay stays within a few percent. Token-bucket waits sleep. */
#define RELAY_SPIN_NS 200000ULL

static void min_deadline(uint64_t *best, uint64_t t) {
  if (*best == 0 || t < *best)
    *best = t;
}

/* Add fd with events to the poll set; reuse the slot if fd is there. */
static int pfd_add(struct pollfd **pfds, size_t *n, size_t *cap, int fd,
                   short ev) {
  if (*n == *cap) {
    size_t nc = *cap ? *cap * 2 : 64;
    struct pollfd *p = realloc(*pfds, nc * sizeof *p);
    if (p == NULL)
      return -1;
    *pfds = p;
    *cap = nc;
  }
  (*pfds)[*n].fd = fd;
  (*pfds)[*n].events = ev;
  (*pfds)[*n].revents = 0;
  return (int)(*n)++;
}

int relay_run(const struct relay_config *cfg) {
  int rc = -1;
  int lfd = cfg->listen_fd;
  struct conn *conns = NULL;
  struct pollfd *pfds = NULL;
  size_t npfd = 0, cappfd = 0;
  char *buf = NULL;
  struct sockaddr_in target;

  if (resolve(cfg->target_host, cfg->target_port, &target) < 0) {
    fprintf(stderr, "linkemu: invalid target %s: not an IPv4 address\n",
            cfg->target_host);
    return -1;
  }
  buf = malloc(256 * 1024);
  if (buf == NULL) {
    fprintf(stderr, "linkemu: cannot allocate buffer: out of memory\n");
    return -1;
  }
  if (pipe(sig_pipe) < 0) {
    fprintf(stderr, "linkemu: cannot create signal pipe: %s\n",
            strerror(errno));
    goto out;
  }
  set_nonblock(sig_pipe[0]);
  set_nonblock(sig_pipe[1]);
  struct sigaction sa;
  memset(&sa, 0, sizeof sa);
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGTERM, &sa, NULL);
  sigaction(SIGINT, &sa, NULL);
  signal(SIGPIPE, SIG_IGN);
  /* Default timer slack is 50 us: too much for a 0.5 ms one-way delay. */
  prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);

  uint16_t port = cfg->listen_port;
  if (lfd < 0) {
    lfd = relay_listen(cfg->listen_host, cfg->listen_port, &port);
    if (lfd < 0)
      goto out;
  }
  if (set_nonblock(lfd) < 0) {
    fprintf(stderr, "linkemu: cannot set listening socket non-blocking: %s\n",
            strerror(errno));
    goto out;
  }
  {
    struct sockaddr_in b;
    socklen_t bl = sizeof b;
    if (getsockname(lfd, (struct sockaddr *)&b, &bl) == 0)
      port = ntohs(b.sin_port);
  }
  if (cfg->ready_file != NULL && write_ready_file(cfg->ready_file, port) < 0)
    goto out;
  if (cfg->print_ready) {
    printf("ready %u\n", port);
    fflush(stdout);
  }

  struct le_bucket up, down;
  uint64_t t0 = now_ns();
  le_bucket_init(&up, cfg->rate_up_bps, le_burst_bytes(cfg->rate_up_bps), t0);
  le_bucket_init(&down, cfg->rate_down_bps, le_burst_bytes(cfg->rate_down_bps),
                 t0);

  for (;;) {
    uint64_t now = now_ns();
    le_bucket_refill(&up, now);
    le_bucket_refill(&down, now);
    npfd = 0;
    if (pfd_add(&pfds, &npfd, &cappfd, sig_pipe[0], POLLIN) < 0 ||
        pfd_add(&pfds, &npfd, &cappfd, lfd, POLLIN) < 0)
      goto oom;
    uint64_t deadline = 0, release = 0;
    for (struct conn *c = conns; c != NULL; c = c->next) {
      c->tfd_idx = -1;
      c->up.src_idx = c->up.dst_idx = c->down.src_idx = c->down.dst_idx = -1;
      if (c->connecting) {
        c->tfd_idx = pfd_add(&pfds, &npfd, &cappfd, c->tfd, POLLOUT);
        if (c->tfd_idx < 0)
          goto oom;
        continue;
      }
      struct dir *ds[2] = {&c->up, &c->down};
      short ev_c = 0, ev_t = 0;
      for (int i = 0; i < 2; i++) {
        struct dir *d = ds[i];
        short *evs = d->src == c->cfd ? &ev_c : &ev_t;
        short *evd = d->dst == c->cfd ? &ev_c : &ev_t;
        if (dir_wants_read(d, now)) {
          if (le_bucket_can_send(d->bucket))
            *evs |= POLLIN;
          else
            min_deadline(&deadline, now + le_bucket_wait_ns(d->bucket));
        } else if (!d->eof && now < d->read_after) {
          min_deadline(&deadline, d->read_after);
        }
        if (d->head != NULL) {
          if (d->head->release_ns <= now)
            *evd |= POLLOUT;
          else
            min_deadline(&release, d->head->release_ns);
        }
      }
      int ic = pfd_add(&pfds, &npfd, &cappfd, c->cfd, ev_c);
      int it = pfd_add(&pfds, &npfd, &cappfd, c->tfd, ev_t);
      if (ic < 0 || it < 0)
        goto oom;
      c->tfd_idx = it;
      c->up.src_idx = ic;
      c->up.dst_idx = it;
      c->down.src_idx = it;
      c->down.dst_idx = ic;
    }
    struct timespec ts, *tsp = NULL;
    int spin = release != 0 && release <= now + RELAY_SPIN_NS;
    if (release != 0)
      min_deadline(&deadline, spin ? now : release - RELAY_SPIN_NS);
    if (deadline != 0) {
      uint64_t wait = deadline > now ? deadline - now : 0;
      ts.tv_sec = (time_t)(wait / LE_NS_PER_S);
      ts.tv_nsec = (long)(wait % LE_NS_PER_S);
      tsp = &ts;
    }
    int pr = ppoll(pfds, (nfds_t)npfd, tsp, NULL);
    if (pr < 0) {
      if (errno == EINTR)
        continue;
      fprintf(stderr, "linkemu: poll failed: %s\n", strerror(errno));
      goto out;
    }
    if (pfds[0].revents & POLLIN)
      break;
    now = now_ns();
    le_bucket_refill(&up, now);
    le_bucket_refill(&down, now);

    for (struct conn *c = conns; c != NULL; c = c->next) {
      if (c->connecting) {
        short rev = pfds[c->tfd_idx].revents;
        if (rev == 0)
          continue;
        int err = 0;
        socklen_t el = sizeof err;
        if (getsockopt(c->tfd, SOL_SOCKET, SO_ERROR, &err, &el) < 0 ||
            err != 0) {
          c->dead = 1;
          continue;
        }
        c->connecting = 0;
        continue;
      }
      struct dir *ds[2] = {&c->up, &c->down};
      for (int i = 0; i < 2 && !c->dead; i++) {
        struct dir *d = ds[i];
        short rs = pfds[d->src_idx].revents;
        short rd = pfds[d->dst_idx].revents;
        if ((rd & (POLLOUT | POLLERR | POLLHUP)) != 0 &&
            dir_flush(d, now) < 0) {
          c->dead = 1;
          break;
        }
        if ((rs & (POLLIN | POLLERR | POLLHUP)) != 0 &&
            dir_wants_read(d, now) && le_bucket_can_send(d->bucket)) {
          if (dir_read(d, now, cfg->oneway_ns, buf) < 0) {
            c->dead = 1;
            break;
          }
          /* zero delay: forward at once */
          if (dir_flush(d, now) < 0) {
            c->dead = 1;
            break;
          }
        }
      }
    }
    /* Reap finished or failed connections. */
    struct conn **pp = &conns;
    while (*pp != NULL) {
      struct conn *c = *pp;
      if (c->dead || (c->up.shut && c->down.shut)) {
        *pp = c->next;
        conn_close(c, c->dead);
      } else {
        pp = &c->next;
      }
    }
    if (pfds[1].revents & POLLIN) {
      for (int k = 0; k < 64; k++) {
        struct conn *c = conn_accept(lfd, cfg, &target, &up, &down);
        if (c == NULL)
          break;
        c->next = conns;
        conns = c;
      }
    }
  }
  rc = 0;
  goto out;
oom:
  fprintf(stderr, "linkemu: cannot grow poll set: out of memory\n");
out:
  while (conns != NULL) {
    struct conn *n = conns->next;
    conn_close(conns, 0);
    conns = n;
  }
  if (lfd >= 0)
    close(lfd);
  for (int i = 0; i < 2; i++) {
    if (sig_pipe[i] >= 0)
      close(sig_pipe[i]);
    sig_pipe[i] = -1;
  }
  free(pfds);
  free(buf);
  return rc;
}
