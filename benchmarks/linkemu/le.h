/* le: link emulator arithmetic (units, token bucket, delay line times).
 *
 * Pure functions, no I/O: everything here is unit tested in
 * tests/unit/test_bench_le.c. Times are nanoseconds on CLOCK_MONOTONIC,
 * rates are bits per second, sizes are bytes. */
#ifndef SL_LINKEMU_LE_H
#define SL_LINKEMU_LE_H

#include <stddef.h>
#include <stdint.h>

#define LE_NS_PER_S 1000000000ULL

/* Parse a rate: "<number><unit>" with unit bit|kbit|mbit|gbit (per second,
 * decimal multiples), or "0" / "unlimited" (stored as 0 = no limit).
 * Decimals are allowed ("1.5mbit"). On error returns -1 and writes a
 * lowercase message into err (errlen bytes); *bps is untouched. */
int le_parse_rate(const char *s, uint64_t *bps, char *err, size_t errlen);

/* Parse a duration: "<number><unit>" with unit us|ms|s, or "0".
 * Result in nanoseconds. Same error contract as le_parse_rate. */
int le_parse_duration(const char *s, uint64_t *ns, char *err, size_t errlen);

/* Parse "HOST:PORT" (IPv4 dotted quad or "localhost", port 0..65535) into
 * host (hostlen bytes, NUL-terminated) and *port. -1 with message on error. */
int le_parse_hostport(const char *s, char *host, size_t hostlen, uint16_t *port,
                      char *err, size_t errlen);

/* Token bucket in bytes, shared by every connection of one direction.
 * tokens may go negative: a read of up to one chunk is allowed whenever
 * tokens > 0 and the debt is repaid before the next read, so the long-run
 * rate is exact whatever the chunk size. rate_bps 0 = unlimited. */
struct le_bucket {
  uint64_t rate_bps;
  double burst;     /* bytes: the bucket depth */
  double tokens;    /* bytes, may be negative */
  uint64_t last_ns; /* time of last refill */
};

/* Start full at time now_ns. */
void le_bucket_init(struct le_bucket *b, uint64_t rate_bps, double burst_bytes,
                    uint64_t now_ns);
/* Add the tokens earned since the last refill, capped at burst. Time going
 * backwards is ignored. */
void le_bucket_refill(struct le_bucket *b, uint64_t now_ns);
/* 1 when a read may happen now (unlimited, or tokens > 0), else 0.
 * Call le_bucket_refill first. */
int le_bucket_can_send(const struct le_bucket *b);
/* Take n bytes (after a read of n bytes). */
void le_bucket_take(struct le_bucket *b, size_t n);
/* Nanoseconds from the last refill until tokens > 0 (0 if already so or
 * unlimited). Rounded up, so waiting this long always suffices. */
uint64_t le_bucket_wait_ns(const struct le_bucket *b);

/* Nanoseconds needed to transmit n bytes at rate_bps (rounded up); 0 when
 * rate is 0 (unlimited). */
uint64_t le_tx_ns(uint64_t n, uint64_t rate_bps);

/* Bytes transmitted in ns nanoseconds at rate_bps (rounded down); SIZE_MAX
 * clamp when unlimited. */
uint64_t le_bytes_in(uint64_t ns, uint64_t rate_bps);

/* Release time of a chunk read at now_ns on a link of one-way delay. */
uint64_t le_release_ns(uint64_t now_ns, uint64_t oneway_ns);

/* Read size per chunk for a direction: 2 ms worth at the rate, clamped to
 * [16 KiB, 256 KiB]; 256 KiB when unlimited. */
size_t le_chunk_size(uint64_t rate_bps);

/* Bucket depth: 5 ms worth at the rate, at least one chunk. */
double le_burst_bytes(uint64_t rate_bps);

/* Per-direction bound of bytes held in one connection's delay line
 * (backpressure): 2 x the bandwidth-delay product plus two chunks, at least
 * 1 MiB, at most 64 MiB; 8 MiB when the rate is unlimited. */
size_t le_line_cap(uint64_t rate_bps, uint64_t oneway_ns);

/* 1 when measured is within +-10 % of target (target > 0), else 0. */
int le_within10(double measured, double target);

#endif
