/* selftest: measure what the relay actually delivers on loopback. */
#ifndef SL_LINKEMU_SELFTEST_H
#define SL_LINKEMU_SELFTEST_H

#include <stdint.h>

struct selftest_result {
  uint64_t target_rate_bps;
  double measured_rate_bps;
  double target_rtt_ms;
  double measured_rtt_ms;
  int ok; /* 1: both within +-10 % (see le_within10; rate 0 not checked,
               rtt 0 means measured < 1 ms) */
};

/* Fork an echo/sink server and a relay (rate, one-way delay rtt/2) on
 * loopback, measure the RTT (minimum of 101 one-byte round trips after 3
 * warm-ups) and the download rate over `bytes` bytes (0 = default: 1.5 s
 * worth, clamped to [1 MiB, 256 MiB]; 64 MiB unlimited) through the relay.
 * Returns 0 and fills *res, or -1 with a message on stderr. */
int selftest_run(uint64_t rate_bps, uint64_t rtt_ns, uint64_t bytes,
                 struct selftest_result *res);

/* The default transfer size for a rate, as described above. */
uint64_t selftest_default_bytes(uint64_t rate_bps);

#endif
