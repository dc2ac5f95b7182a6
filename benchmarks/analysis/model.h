/* model: predicted cold pull time over a link.
 *
 *   predicted = round_trips x RTT + wire_bytes x 8 / rate + fixed
 *
 * fixed (the "unpack" term) is the time the same pull takes on the
 * loopback profile (no emulated link): download at loopback speed,
 * verification, decompression, unpacking, engine bookkeeping.
 *
 * Round trips of a cold `docker pull` (dockerd 20.10, plain HTTP registry
 * on loopback, no token auth):
 *   1  TCP handshake of the first connection (linkemu emulates it)
 *   1  GET /v2/ (version check / auth challenge)
 *   1  GET manifest by tag
 *   then config and layers are fetched concurrently (Linux daemon), layers
 *   at most `parallel` at a time (max-concurrent-downloads, default 3):
 *   1  TCP handshake of the extra connections opened for the concurrent
 *      downloads (in parallel, so one RTT), when there is at least 1 layer
 *   max(1, ceil(layers / parallel)) waves of blob GETs
 * A Go HTTP client reuses connections, so later waves need no handshake.
 * Transfer and round trips are added, not overlapped: conservative for
 * many small layers, exact for one. */
#ifndef MODEL_H
#define MODEL_H

#include <stddef.h>
#include <stdint.h>

#define MODEL_DEFAULT_PARALLEL 3

/* Round trips of a cold pull of an image with `layers` layers, at most
 * `parallel` (>= 1; 0 means the default 3) concurrent layer downloads. */
unsigned model_round_trips(size_t layers, unsigned parallel);

/* Predicted seconds. rate_bps 0 = unlimited (no transfer term); rtt_s and
 * fixed_s >= 0. */
double model_predict(uint64_t wire_bytes, size_t layers, unsigned parallel, double rtt_s,
                     uint64_t rate_bps, double fixed_s);

/* (predicted - measured) / measured x 100; 0 when measured <= 0. */
double model_error_pct(double predicted, double measured);

#endif
