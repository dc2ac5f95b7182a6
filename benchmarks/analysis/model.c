/* model: see model.h. */
#include "model.h"

#include <math.h>
#include <string.h>

/* Fitted by model_fit on the cold pulls of a default run on 2026-12-01
 * (results/20261201T015431Z, not kept: its crun pods failed, docs/pods.md;
 * 14 images on loopback, datacenter and cloud, 36
 * observations, dockerd 20.10, the registry through linkemu): the
 * defaults the planner uses before a run has its own fit. Out of sample
 * on that run's edge pulls (10 images) they were within -3.5 % and +1.8 %
 * of the measured medians; on the kept run docs/results/20261201T024358Z
 * within -6.0 % and +2.8 %. benchreport prints every run's own fit next to
 * these. */
const struct model_coef MODEL_DEFAULT = {
    .fixed_s = 0.028,
    .round_trips = 10.29,
    .throughput = 0.968,
    .unpack_s_per_byte = 9.74e-9,
    .per_layer_s = 0.047,
};

#define NTERMS 5

static void features(const struct model_obs *o, double x[NTERMS]) {
  x[0] = 1.0;
  x[1] = o->rtt_s;
  x[2] =
      o->rate_bps > 0 ? (double)o->wire_bytes * 8.0 / (double)o->rate_bps : 0.0;
  x[3] = (double)o->uncompressed_bytes;
  x[4] = (double)o->layers;
}

static void coef_get(const struct model_coef *c, double b[NTERMS]) {
  b[0] = c->fixed_s;
  b[1] = c->round_trips;
  b[2] = c->throughput;
  b[3] = c->unpack_s_per_byte;
  b[4] = c->per_layer_s;
}

double model_predict(const struct model_coef *c, uint64_t wire_bytes,
                     uint64_t uncompressed_bytes, unsigned layers, double rtt_s,
                     uint64_t rate_bps) {
  struct model_obs o = {.wire_bytes = wire_bytes,
                        .uncompressed_bytes = uncompressed_bytes,
                        .layers = layers,
                        .rtt_s = rtt_s,
                        .rate_bps = rate_bps};
  double x[NTERMS], b[NTERMS], t = 0;
  features(&o, x);
  coef_get(c, b);
  for (int i = 0; i < NTERMS; i++)
    t += b[i] * x[i];
  return t;
}

double model_error_pct(double predicted, double measured) {
  if (measured <= 0.0)
    return 0.0;
  return (predicted - measured) / measured * 100.0;
}

/* Solve a[m][m] b = y (m <= NTERMS) by Gaussian elimination with partial
 * pivoting, on scaled columns so that seconds and bytes mix well.
 * Returns 0, or -1 when singular. */
static int solve(double a[NTERMS][NTERMS], double y[NTERMS], int m,
                 double b[NTERMS]) {
  for (int col = 0; col < m; col++) {
    int piv = col;
    for (int r = col + 1; r < m; r++)
      if (fabs(a[r][col]) > fabs(a[piv][col]))
        piv = r;
    if (fabs(a[piv][col]) < 1e-12)
      return -1;
    if (piv != col) {
      for (int k = 0; k < m; k++) {
        double t = a[col][k];
        a[col][k] = a[piv][k];
        a[piv][k] = t;
      }
      double t = y[col];
      y[col] = y[piv];
      y[piv] = t;
    }
    for (int r = col + 1; r < m; r++) {
      double f = a[r][col] / a[col][col];
      for (int k = col; k < m; k++)
        a[r][k] -= f * a[col][k];
      y[r] -= f * y[col];
    }
  }
  for (int r = m - 1; r >= 0; r--) {
    double s = y[r];
    for (int k = r + 1; k < m; k++)
      s -= a[r][k] * b[k];
    b[r] = s / a[r][r];
  }
  return 0;
}

/* Weighted least squares over the terms with active[t] set. */
static int fit_active(const struct model_obs *obs, size_t n,
                      const int active[NTERMS], double coef[NTERMS]) {
  int idx[NTERMS], m = 0;
  double scale[NTERMS];
  for (int t = 0; t < NTERMS; t++) {
    coef[t] = 0.0;
    if (active[t])
      idx[m++] = t;
  }
  if (m == 0 || n < (size_t)m)
    return -1;
  /* column scales: the largest |feature| of each term */
  for (int j = 0; j < m; j++) {
    scale[j] = 0.0;
    for (size_t i = 0; i < n; i++) {
      double x[NTERMS];
      features(&obs[i], x);
      if (fabs(x[idx[j]]) > scale[j])
        scale[j] = fabs(x[idx[j]]);
    }
    if (scale[j] <= 0.0)
      return -1; /* a term no observation exercises */
  }
  double a[NTERMS][NTERMS], y[NTERMS], b[NTERMS];
  memset(a, 0, sizeof a);
  memset(y, 0, sizeof y);
  for (size_t i = 0; i < n; i++) {
    double x[NTERMS], w;
    if (!(obs[i].measured_s > 0.0))
      return -1;
    w = 1.0 / (obs[i].measured_s * obs[i].measured_s);
    features(&obs[i], x);
    for (int j = 0; j < m; j++) {
      double xj = x[idx[j]] / scale[j];
      y[j] += w * xj * obs[i].measured_s;
      for (int k = 0; k < m; k++)
        a[j][k] += w * xj * x[idx[k]] / scale[k];
    }
  }
  if (solve(a, y, m, b) < 0)
    return -1;
  for (int j = 0; j < m; j++)
    coef[idx[j]] = b[j] / scale[j];
  return m;
}

int model_fit(const struct model_obs *obs, size_t n, struct model_coef *c) {
  int active[NTERMS] = {1, 1, 1, 1, 1};
  double coef[NTERMS];
  int m = NTERMS;
  /* A term no observation exercises (no link with a rate limit, say)
     * cannot be fitted: leave it out from the start. */
  for (int t = 1; t < NTERMS; t++) {
    int used = 0;
    for (size_t i = 0; i < n && !used; i++) {
      double x[NTERMS];
      features(&obs[i], x);
      used = x[t] != 0.0;
    }
    if (!used) {
      active[t] = 0;
      m--;
    }
  }
  for (;;) {
    if (fit_active(obs, n, active, coef) < 0) {
      /* singular or too few observations: give up the last term
             * still free (per layer, then unpack, ...), never the fixed
             * cost */
      int t = NTERMS - 1;
      while (t > 0 && !active[t])
        t--;
      if (t == 0)
        return -1;
      active[t] = 0;
      m--;
      continue;
    }
    int worst = -1;
    for (int t = 0; t < NTERMS; t++)
      if (active[t] && coef[t] < 0.0 && (worst < 0 || coef[t] < coef[worst]))
        worst = t;
    if (worst < 0)
      break;
    active[worst] = 0;
    if (--m == 0)
      return -1;
  }
  c->fixed_s = coef[0];
  c->round_trips = coef[1];
  c->throughput = coef[2];
  c->unpack_s_per_byte = coef[3];
  c->per_layer_s = coef[4];
  return m;
}
