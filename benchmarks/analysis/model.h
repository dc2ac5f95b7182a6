/* model: the one pull-time model of the harness, for planning (which
 * pulls fit the budget, which to skip) and for the report.
 *
 *   predicted = fixed + round_trips x RTT
 *             + throughput x wire_bytes x 8 / rate     (0 when unlimited)
 *             + unpack x uncompressed_bytes
 *             + per_layer x layers
 *
 * Five terms, each with a meaning a reader can check:
 *   fixed        seconds every pull costs whatever the link (engine
 *                bookkeeping, process start of the client, registry work)
 *   round_trips  how many RTTs a pull waits for (connections, the
 *                version check, manifest, config, blob waves; dockerd
 *                opens new connections and tries HTTPS first against a
 *                plain-HTTP registry, so this is well above the 4-5 a
 *                textbook count gives)
 *   throughput   multiplier on the nominal transfer time (1 = the link's
 *                full rate; 1.1 = 91 % of it delivered)
 *   unpack       seconds per uncompressed byte (verification,
 *                decompression, extraction, loopback transfer)
 *   per_layer    seconds per layer the engine registers (each layer is
 *                extracted and committed on its own; on these machines
 *                that costs far more than a small layer's bytes: a 1.5 MiB
 *                alpine image with 3 layers pulls 4 x slower than a 73 KiB
 *                one-layer scratch image on loopback, at the same RTTs)
 *
 * The coefficients are fitted by weighted least squares (weights
 * 1/measured^2, i.e. relative error, so that small images count as much
 * as big ones) on the median cold pull of each image on the profiles
 * given for fitting; a term whose coefficient would come out negative is
 * fixed at 0 and the rest refitted. Planning, before any sample exists,
 * uses MODEL_DEFAULT (fitted once on a recorded run, see model.c). */
#ifndef SL_ANALYSIS_MODEL_H
#define SL_ANALYSIS_MODEL_H

#include <stddef.h>
#include <stdint.h>

struct model_coef {
  double fixed_s;
  double round_trips;
  double throughput;
  double unpack_s_per_byte;
  double per_layer_s;
};

/* The shipped defaults (source: model.c). */
extern const struct model_coef MODEL_DEFAULT;

/* One observation: an image's median cold pull on one link. */
struct model_obs {
  uint64_t wire_bytes, uncompressed_bytes;
  unsigned layers;
  double rtt_s;
  uint64_t rate_bps; /* 0 = unlimited */
  double measured_s;
};

/* Predicted seconds of a cold pull. rate_bps 0 = unlimited. */
double model_predict(const struct model_coef *c, uint64_t wire_bytes,
                     uint64_t uncompressed_bytes, unsigned layers, double rtt_s,
                     uint64_t rate_bps);

/* Fit c from obs[0..n-1] (measured_s > 0 each). Returns the number of
 * terms left free (1..5), or -1 when the data cannot determine a model
 * (fewer observations than terms, or a singular system); c untouched
 * then. */
int model_fit(const struct model_obs *obs, size_t n, struct model_coef *c);

/* (predicted - measured) / measured x 100; 0 when measured <= 0. */
double model_error_pct(double predicted, double measured);

#endif
