/* model: see model.h. */
#include "model.h"

unsigned model_round_trips(size_t layers, unsigned parallel)
{
    if (parallel == 0)
        parallel = MODEL_DEFAULT_PARALLEL;
    unsigned rt = 3; /* handshake, /v2/, manifest */
    if (layers > 0)
        rt += 1;     /* handshakes of the concurrent connections */
    size_t waves = (layers + parallel - 1) / parallel;
    if (waves < 1)
        waves = 1;   /* the config blob alone */
    return rt + (unsigned)waves;
}

double model_predict(uint64_t wire_bytes, size_t layers, unsigned parallel, double rtt_s,
                     uint64_t rate_bps, double fixed_s)
{
    double t = (double)model_round_trips(layers, parallel) * rtt_s + fixed_s;
    if (rate_bps > 0)
        t += (double)wire_bytes * 8.0 / (double)rate_bps;
    return t;
}

double model_error_pct(double predicted, double measured)
{
    if (measured <= 0.0)
        return 0.0;
    return (predicted - measured) / measured * 100.0;
}
