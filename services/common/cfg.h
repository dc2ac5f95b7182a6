/* cfg.h: configuration from flags and environment (pure, no I/O but the
 * usage text). Precedence: flag, then environment, then default. An empty
 * environment variable counts as unset. */
#ifndef SL_COMMON_CFG_H
#define SL_COMMON_CFG_H

#include <stdio.h>

#include "svc.h"

enum cfg_action {
  CFG_RUN,         /* start the service */
  CFG_HELP,        /* print usage, exit 0 */
  CFG_VERSION,     /* print version, exit 0 */
  CFG_HEALTHCHECK, /* probe our own /healthz, exit 0/1 */
  CFG_ERROR        /* err holds the message, exit 2 */
};

/* The environment seam: getenv in production, a table in tests. */
typedef const char *(*cfg_getenv_fn)(const char *name);

/* Parses argv (argv[0] is skipped) and the environment into cfg and into
 * the service's option destinations. On CFG_ERROR, err gets one line
 * without the program name and without a newline, e.g.
 * `invalid --port "70000": must be 1..65535`; the destinations may then be
 * partly written and must not be used. The service option table may hold at
 * most 32 entries. */
enum cfg_action cfg_parse(struct svc_config *cfg, const struct svc_option *opts,
                          size_t nopts, int argc, char *const *argv,
                          cfg_getenv_fn env, char *err, size_t errlen);

/* Writes the usage text (every option with flag, env, default, help). */
void cfg_usage(FILE *out, const char *prog, const char *summary,
               const struct svc_option *opts, size_t nopts);

#endif
