/* host.h: facts about the machine (container) that answers: host name and
 * every IPv4/IPv6 address of every interface. */
#ifndef SL_WHOAMI_HOST_H
#define SL_WHOAMI_HOST_H

#include <stddef.h>

#include "render.h"

struct whoami_host {
  char hostname[256];
  struct whoami_addr *addrs; /* naddrs entries, in getifaddrs order */
  size_t naddrs;
  char *strings; /* storage behind addrs[].ifname/.address */
  /* whoami_host_acquire only: the host part of the answers, rendered once
   * (whoami_render_host_text / _json); NULL from whoami_host_get */
  char *text;
  size_t text_len;
  char *json;
  size_t json_len;
};
#define WHOAMI_HOST_INIT                                                       \
  { .naddrs = 0 }

/* Fills h from gethostname() and getifaddrs(), read afresh on each call so
 * that address changes show. Every AF_INET and AF_INET6 address is listed
 * (numeric form, IPv6 scoped addresses with "%ifname"); an address that
 * cannot be printed is listed as "?" rather than dropped. Returns 0, or -1
 * with a message in err ("cannot list interfaces: <cause>"); h is then
 * empty. Free with whoami_host_free(). */
int whoami_host_get(struct whoami_host *h, char *err, size_t errlen);

/* Frees what whoami_host_get allocated; h is empty afterwards. */
void whoami_host_free(struct whoami_host *h);

/* How old the shared snapshot may get before it is read again. */
#define WHOAMI_HOST_TTL_MS 1000

/* The shared snapshot of whoami_host_get, with the host part of the
 * answers rendered (text, json), read again at most once per
 * WHOAMI_HOST_TTL_MS (getifaddrs is a netlink round trip: too slow for
 * every request), so an address change shows within a second. Borrowed
 * until whoami_host_release; thread-safe. NULL with err filled when it
 * cannot be read. */
const struct whoami_host *whoami_host_acquire(char *err, size_t errlen);
void whoami_host_release(const struct whoami_host *h);

/* Frees the snapshot (at the end; nothing may be acquired then). */
void whoami_host_cache_free(void);

#endif
