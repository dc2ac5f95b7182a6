/* host.c: see host.h. */
/* getifaddrs() and struct ifaddrs are BSD/glibc/musl extensions outside
 * POSIX.1-2008, hence _DEFAULT_SOURCE. */
#define _DEFAULT_SOURCE
#include "host.h"

#include "sb.h"

#include <errno.h>
#include <ifaddrs.h>
#include <pthread.h>
#include <stdint.h>
#include <time.h>
#include <net/if.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* One entry's text: interface name and numeric address with scope. */
#define ENTRY_LEN (IF_NAMESIZE + NI_MAXHOST + 2)

int whoami_host_get(struct whoami_host *h, char *err, size_t errlen) {
  struct ifaddrs *list = NULL;
  struct ifaddrs *it;
  size_t n = 0;
  size_t i = 0;
  int rc = -1;

  memset(h, 0, sizeof *h);
  if (gethostname(h->hostname, sizeof h->hostname - 1) < 0) {
    snprintf(err, errlen, "cannot read host name: %s", strerror(errno));
    goto cleanup;
  }
  if (getifaddrs(&list) < 0) {
    snprintf(err, errlen, "cannot list interfaces: %s", strerror(errno));
    goto cleanup;
  }
  for (it = list; it != NULL; it = it->ifa_next) {
    if (it->ifa_addr != NULL && (it->ifa_addr->sa_family == AF_INET ||
                                 it->ifa_addr->sa_family == AF_INET6))
      n++;
  }
  if (n > 0) {
    h->addrs = calloc(n, sizeof *h->addrs);
    h->strings = calloc(n, ENTRY_LEN);
    if (h->addrs == NULL || h->strings == NULL) {
      snprintf(err, errlen, "cannot list interfaces: out of memory");
      goto cleanup;
    }
  }
  for (it = list; it != NULL && i < n; it = it->ifa_next) {
    char *name = h->strings + i * ENTRY_LEN;
    char *addr = name + IF_NAMESIZE + 1;
    int v6;
    socklen_t len;

    if (it->ifa_addr == NULL || (it->ifa_addr->sa_family != AF_INET &&
                                 it->ifa_addr->sa_family != AF_INET6))
      continue;
    v6 = it->ifa_addr->sa_family == AF_INET6;
    len = v6 ? sizeof(struct sockaddr_in6) : sizeof(struct sockaddr_in);
    snprintf(name, IF_NAMESIZE + 1, "%s", it->ifa_name);
    if (getnameinfo(it->ifa_addr, len, addr, NI_MAXHOST, NULL, 0,
                    NI_NUMERICHOST) != 0)
      snprintf(addr, NI_MAXHOST, "?");
    h->addrs[i].ifname = name;
    h->addrs[i].family = v6 ? "ipv6" : "ipv4";
    h->addrs[i].address = addr;
    i++;
  }
  h->naddrs = i;
  rc = 0;
cleanup:
  if (list != NULL)
    freeifaddrs(list);
  if (rc < 0)
    whoami_host_free(h);
  return rc;
}

void whoami_host_free(struct whoami_host *h) {
  free(h->addrs);
  free(h->strings);
  free(h->text);
  free(h->json);
  memset(h, 0, sizeof *h);
}

/* ---- the shared snapshot --------------------------------------------- */

struct snap {
  struct whoami_host h; /* first: a borrowed host is its snapshot */
  uint64_t at_ns;
  unsigned refs; /* the cache's own, plus one per borrower */
};

static pthread_mutex_t snap_mu = PTHREAD_MUTEX_INITIALIZER;
static struct snap *current;

static uint64_t mono_ns(void) {
  struct timespec ts;

  clock_gettime(CLOCK_MONOTONIC, &ts);
  return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Drops one reference; snap_mu held. */
static void unref(struct snap *s) {
  if (--s->refs == 0) {
    whoami_host_free(&s->h);
    free(s);
  }
}

const struct whoami_host *whoami_host_acquire(char *err, size_t errlen) {
  uint64_t now = mono_ns();
  struct snap *s;

  pthread_mutex_lock(&snap_mu);
  s = current;
  if (s != NULL && now - s->at_ns < (uint64_t)WHOAMI_HOST_TTL_MS * 1000000u) {
    s->refs++;
    pthread_mutex_unlock(&snap_mu);
    return &s->h;
  }
  pthread_mutex_unlock(&snap_mu);
  /* Read outside the lock; two threads may both read, the later wins. */
  s = calloc(1, sizeof *s);
  if (s == NULL) {
    snprintf(err, errlen, "cannot list interfaces: out of memory");
    return NULL;
  }
  if (whoami_host_get(&s->h, err, errlen) < 0) {
    free(s);
    return NULL;
  }
  struct sb text = SB_INIT, json = SB_INIT;
  whoami_render_host_text(&text, s->h.hostname, s->h.addrs, s->h.naddrs);
  whoami_render_host_json(&json, s->h.hostname, s->h.addrs, s->h.naddrs);
  s->h.text = sb_steal(&text, &s->h.text_len);
  s->h.json = sb_steal(&json, &s->h.json_len);
  if (s->h.text == NULL || s->h.json == NULL) {
    whoami_host_free(&s->h);
    free(s);
    snprintf(err, errlen, "cannot list interfaces: out of memory");
    return NULL;
  }
  s->at_ns = now;
  s->refs = 2;
  pthread_mutex_lock(&snap_mu);
  if (current != NULL)
    unref(current);
  current = s;
  pthread_mutex_unlock(&snap_mu);
  return &s->h;
}

void whoami_host_release(const struct whoami_host *h) {
  if (h == NULL)
    return;
  pthread_mutex_lock(&snap_mu);
  unref((struct snap *)(uintptr_t)h);
  pthread_mutex_unlock(&snap_mu);
}

void whoami_host_cache_free(void) {
  pthread_mutex_lock(&snap_mu);
  if (current != NULL)
    unref(current);
  current = NULL;
  pthread_mutex_unlock(&snap_mu);
}
