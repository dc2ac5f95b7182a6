/* relay: the link emulator's event loop (one thread, ppoll, non-blocking).
 *
 * Accepts TCP clients on a listening socket, opens one connection to the
 * target per client and relays bytes both ways through a per-direction
 * token bucket (shared by every connection of that direction, like one
 * physical link) and a per-connection delay line (each chunk is held until
 * read time + one-way delay). */
#ifndef SL_LINKEMU_RELAY_H
#define SL_LINKEMU_RELAY_H

#include <stddef.h>
#include <stdint.h>

struct relay_config {
  char listen_host[64];
  uint16_t listen_port;
  char target_host[64];
  uint16_t target_port;
  uint64_t rate_up_bps;   /* client -> target, 0 = unlimited */
  uint64_t rate_down_bps; /* target -> client, 0 = unlimited */
  uint64_t oneway_ns;     /* one-way delay, RTT / 2 */
  size_t line_cap;        /* bytes per direction per connection, 0 = auto */
  int handshake;          /* 1: a new connection's first bytes wait one RTT */
  int print_ready;        /* 1: print "ready PORT" on stdout */
  const char *ready_file; /* NULL or a path that receives "PORT\n" */
  int listen_fd;          /* an already listening socket, or -1 */
};

/* Open a listening TCP socket on host:port (port 0 = any). Returns the fd
 * and stores the bound port in *bound, or -1 with a message on stderr. */
int relay_listen(const char *host, uint16_t port, uint16_t *bound);

/* Run until SIGTERM/SIGINT. Returns 0 on a clean stop, -1 on a setup or
 * fatal loop failure (message on stderr). Per-connection failures are not
 * fatal: the two sides of that connection are reset. */
int relay_run(const struct relay_config *cfg);

#endif
