/* cfg.c: flags and environment into struct svc_config (see cfg.h). */
#include "cfg.h"

#include <arpa/inet.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "num.h"

#define CFG_MAX_SERVICE_OPTS 32

enum ckind { C_ADDR, C_UINT, C_SIZE, C_FORMAT, C_LEVEL, C_THREADS };

/* Most event-loop threads --threads accepts. */
#define CFG_THREADS_MAX 256

/* The common options. min/max bound numbers; off is the field in
 * struct svc_config. */
static const struct copt {
  const char *flag, *env, *def, *metavar, *help;
  enum ckind kind;
  unsigned long min, max;
  size_t off;
} common[] = {
    {.flag = "listen",
     .env = "LISTEN_ADDR",
     .def = "0.0.0.0",
     .metavar = "ADDR",
     .help = "IPv4 or IPv6 address to listen on",
     .kind = C_ADDR,
     .off = offsetof(struct svc_config, listen)},
    {.flag = "port",
     .env = "PORT",
     .def = "8080",
     .metavar = "N",
     .help = "TCP port",
     .kind = C_UINT,
     .min = 1,
     .max = 65535,
     .off = offsetof(struct svc_config, port)},
    {.flag = "log-format",
     .env = "LOG_FORMAT",
     .def = "json",
     .metavar = "F",
     .help = "log format: json or text",
     .kind = C_FORMAT,
     .off = offsetof(struct svc_config, log_format)},
    {.flag = "log-level",
     .env = "LOG_LEVEL",
     .def = "info",
     .metavar = "L",
     .help = "error, warn, info (access log) or debug",
     .kind = C_LEVEL,
     .off = offsetof(struct svc_config, log_level)},
    {.flag = "shutdown-grace",
     .env = "SHUTDOWN_GRACE",
     .def = "10",
     .metavar = "S",
     .help = "seconds in-flight requests get after SIGTERM",
     .kind = C_UINT,
     .min = 0,
     .max = 3600,
     .off = offsetof(struct svc_config, shutdown_grace)},
    {.flag = "drain-delay",
     .env = "DRAIN_DELAY",
     .def = "0",
     .metavar = "S",
     .help = "seconds to keep accepting with /readyz 503 after SIGTERM, "
             "so load balancers can stop sending (part of the grace period)",
     .kind = C_UINT,
     .min = 0,
     .max = 3600,
     .off = offsetof(struct svc_config, drain_delay)},
    {.flag = "conn-timeout",
     .env = "CONN_TIMEOUT",
     .def = "30",
     .metavar = "S",
     .help = "seconds of inactivity before a connection is closed",
     .kind = C_UINT,
     .min = 1,
     .max = 3600,
     .off = offsetof(struct svc_config, conn_timeout)},
    {.flag = "threads",
     .env = "THREADS",
     .def = "auto",
     .metavar = "N",
     .help = "event loop threads: auto (the CPUs this process may use: "
             "affinity and cgroup quota) or 1..256",
     .kind = C_THREADS,
     .min = 1,
     .max = CFG_THREADS_MAX,
     .off = offsetof(struct svc_config, threads)},
    {.flag = "max-conns",
     .env = "MAX_CONNS",
     .def = "512",
     .metavar = "N",
     .help = "maximum open connections (shared by the event loop threads)",
     .kind = C_UINT,
     .min = 1,
     .max = 16384,
     .off = offsetof(struct svc_config, max_conns)},
    {.flag = "max-conns-per-ip",
     .env = "MAX_CONNS_PER_IP",
     .def = "128",
     .metavar = "N",
     .help = "maximum concurrent connections per client IP",
     .kind = C_UINT,
     .min = 1,
     .max = 16384,
     .off = offsetof(struct svc_config, max_conns_per_ip)},
    {.flag = "max-body",
     .env = "MAX_BODY",
     .def = "1048576",
     .metavar = "BYTES",
     .help = "largest accepted request body (bigger: 413)",
     .kind = C_SIZE,
     .min = 0,
     .max = 1073741824UL,
     .off = offsetof(struct svc_config, max_body)},
    {.flag = "conn-memory",
     .env = "CONN_MEMORY",
     .def = "16384",
     .metavar = "BYTES",
     .help = "per-connection memory limit (headers, buffers)",
     .kind = C_SIZE,
     .min = 4096,
     .max = 16777216UL,
     .off = offsetof(struct svc_config, conn_memory)},
};
#define NCOMMON (sizeof common / sizeof common[0])

/* A decimal number (num.h's grammar) within [min, max]. */
static int parse_ulong(const char *s, unsigned long min, unsigned long max,
                       unsigned long *out) {
  uint64_t v;

  if (num_parse_u64(s, strlen(s), max, &v) < 0 || v < min)
    return -1;
  *out = (unsigned long)v;
  return 0;
}

/* Where a value came from, for the message: "--port" or "PORT". */
static void origin(char *buf, size_t len, const char *flag, const char *env,
                   int from_flag) {
  if (from_flag)
    snprintf(buf, len, "--%s", flag);
  else if (env != NULL)
    snprintf(buf, len, "%s", env);
  else
    snprintf(buf, len, "default of --%s", flag);
}

static int set_common(struct svc_config *cfg, const struct copt *o,
                      const char *v, const char *from, char *err,
                      size_t errlen) {
  char *field = (char *)cfg + o->off;
  unsigned long n;
  unsigned char addr[16];

  switch (o->kind) {
  case C_ADDR:
    if (strlen(v) >= sizeof cfg->listen ||
        (inet_pton(AF_INET, v, addr) != 1 &&
         inet_pton(AF_INET6, v, addr) != 1)) {
      snprintf(err, errlen,
               "invalid %s \"%s\": must be an IPv4 or IPv6 address", from, v);
      return -1;
    }
    memcpy(field, v, strlen(v) + 1);
    return 0;
  case C_UINT:
  case C_SIZE:
    if (parse_ulong(v, o->min, o->max, &n) < 0) {
      snprintf(err, errlen, "invalid %s \"%s\": must be an integer %lu..%lu",
               from, v, o->min, o->max);
      return -1;
    }
    if (o->kind == C_UINT) {
      unsigned u = (unsigned)n;
      memcpy(field, &u, sizeof u);
    } else {
      size_t z = (size_t)n;
      memcpy(field, &z, sizeof z);
    }
    return 0;
  case C_THREADS: {
    unsigned u = 0; /* auto */
    if (strcmp(v, "auto") != 0) {
      if (parse_ulong(v, o->min, o->max, &n) < 0) {
        snprintf(err, errlen,
                 "invalid %s \"%s\": must be auto or an integer %lu..%lu", from,
                 v, o->min, o->max);
        return -1;
      }
      u = (unsigned)n;
    }
    memcpy(field, &u, sizeof u);
    return 0;
  }
  case C_FORMAT: {
    enum svc_log_format f;
    if (strcmp(v, "json") == 0)
      f = SVC_LOG_JSON;
    else if (strcmp(v, "text") == 0)
      f = SVC_LOG_TEXT;
    else {
      snprintf(err, errlen, "invalid %s \"%s\": must be json or text", from, v);
      return -1;
    }
    memcpy(field, &f, sizeof f);
    return 0;
  }
  case C_LEVEL: {
    static const char *const names[] = {"error", "warn", "info", "debug"};
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
      if (strcmp(v, names[i]) == 0) {
        enum svc_log_level l = (enum svc_log_level)i;
        memcpy(field, &l, sizeof l);
        return 0;
      }
    }
    snprintf(err, errlen,
             "invalid %s \"%s\": must be error, warn, info or debug", from, v);
    return -1;
  }
  }
  return -1;
}

static int set_service(const struct svc_option *o, const char *v,
                       const char *from, char *err, size_t errlen) {
  unsigned long n;

  if (o->type == SVC_OPT_STRING) {
    if (o->str != NULL)
      *o->str = v;
    return 0;
  }
  if (parse_ulong(v, o->min, o->max, &n) < 0) {
    snprintf(err, errlen, "invalid %s \"%s\": must be an integer %lu..%lu",
             from, v, o->min, o->max);
    return -1;
  }
  if (o->num != NULL)
    *o->num = n;
  return 0;
}

/* Index of the option named by flag (len bytes), common ones first, then
 * the service's at NCOMMON + i; -1 if unknown. */
static long find_flag(const char *flag, size_t len,
                      const struct svc_option *opts, size_t nopts) {
  for (size_t i = 0; i < NCOMMON; i++)
    if (strlen(common[i].flag) == len &&
        strncmp(common[i].flag, flag, len) == 0)
      return (long)i;
  for (size_t i = 0; i < nopts; i++)
    if (strlen(opts[i].flag) == len && strncmp(opts[i].flag, flag, len) == 0)
      return (long)(NCOMMON + i);
  return -1;
}

static const char *env_value(cfg_getenv_fn env, const char *name) {
  if (env == NULL || name == NULL)
    return NULL;
  const char *v = env(name);
  return (v != NULL && *v != '\0') ? v : NULL;
}

enum cfg_action cfg_parse(struct svc_config *cfg, const struct svc_option *opts,
                          size_t nopts, int argc, char *const *argv,
                          cfg_getenv_fn env, char *err, size_t errlen) {
  const char *given[NCOMMON + CFG_MAX_SERVICE_OPTS] = {0};
  enum cfg_action action = CFG_RUN;
  char from[64];

  if (nopts > CFG_MAX_SERVICE_OPTS) {
    snprintf(err, errlen, "too many service options: %zu (at most %d)", nopts,
             CFG_MAX_SERVICE_OPTS);
    return CFG_ERROR;
  }
  memset(cfg, 0, sizeof *cfg);
  /* a service option that shadows a common one would never be reached */
  for (size_t i = 0; i < nopts; i++) {
    const char *f = opts[i].flag;
    if (f == NULL || *f == '\0' || strchr(f, '=') != NULL ||
        find_flag(f, strlen(f), NULL, 0) >= 0 || strcmp(f, "help") == 0 ||
        strcmp(f, "version") == 0 || strcmp(f, "healthcheck") == 0) {
      snprintf(err, errlen,
               "service option %zu \"%s\": empty, malformed or "
               "clashing with a common option",
               i, f != NULL ? f : "(null)");
      return CFG_ERROR;
    }
  }

  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0)
      return CFG_HELP;
    if (strcmp(a, "--version") == 0) {
      action = CFG_VERSION;
      continue;
    }
    if (strcmp(a, "--healthcheck") == 0) {
      if (action == CFG_RUN)
        action = CFG_HEALTHCHECK;
      continue;
    }
    if (strncmp(a, "--", 2) != 0 || a[2] == '\0') {
      snprintf(err, errlen, "unexpected argument \"%s\" (see --help)", a);
      return CFG_ERROR;
    }
    const char *name = a + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq != NULL ? (size_t)(eq - name) : strlen(name);
    long idx = find_flag(name, len, opts, nopts);
    if (idx < 0) {
      snprintf(err, errlen, "unknown option \"--%.*s\" (see --help)", (int)len,
               name);
      return CFG_ERROR;
    }
    if (eq != NULL) {
      given[idx] = eq + 1;
    } else if (i + 1 < argc) {
      given[idx] = argv[++i];
    } else {
      snprintf(err, errlen, "option --%.*s needs a value", (int)len, name);
      return CFG_ERROR;
    }
  }

  if (action == CFG_VERSION)
    return action;
  for (size_t i = 0; i < NCOMMON; i++) {
    const struct copt *o = &common[i];
    const char *v = given[i];
    int from_flag = v != NULL;
    if (v == NULL)
      v = env_value(env, o->env);
    origin(from, sizeof from, o->flag, v != NULL ? o->env : NULL, from_flag);
    if (v == NULL)
      v = o->def;
    if (set_common(cfg, o, v, from, err, errlen) < 0)
      return CFG_ERROR;
  }
  if (cfg->drain_delay > cfg->shutdown_grace) {
    snprintf(err, errlen,
             "invalid drain-delay %u: must not exceed shutdown-grace (%u)",
             cfg->drain_delay, cfg->shutdown_grace);
    return CFG_ERROR;
  }
  if (cfg->threads > cfg->max_conns) {
    snprintf(err, errlen,
             "invalid threads %u: must not exceed max-conns (%u): each thread "
             "serves a share of the connections",
             cfg->threads, cfg->max_conns);
    return CFG_ERROR;
  }
  if (cfg->max_conns_per_ip > cfg->max_conns) {
    snprintf(err, errlen,
             "invalid max-conns-per-ip %u: must not exceed max-conns (%u)",
             cfg->max_conns_per_ip, cfg->max_conns);
    return CFG_ERROR;
  }
  for (size_t i = 0; i < nopts; i++) {
    const struct svc_option *o = &opts[i];
    const char *v = given[NCOMMON + i];
    int from_flag = v != NULL;
    if (v == NULL)
      v = env_value(env, o->env);
    origin(from, sizeof from, o->flag, v != NULL ? o->env : NULL, from_flag);
    if (v == NULL)
      v = o->def;
    if (v == NULL) {
      if (o->type == SVC_OPT_STRING && o->str != NULL)
        *o->str = NULL;
      continue;
    }
    if (set_service(o, v, from, err, errlen) < 0)
      return CFG_ERROR;
  }
  return action;
}

static void usage_line(FILE *out, const char *flag, const char *metavar,
                       const char *env, const char *def, const char *help) {
  char left[48];
  snprintf(left, sizeof left, "--%s %s", flag, metavar);
  fprintf(out, "  %-26s %-18s %s", left, env != NULL ? env : "-", help);
  if (def != NULL && *def != '\0')
    fprintf(out, " (default %s)", def);
  fputc('\n', out);
}

void cfg_usage(FILE *out, const char *prog, const char *summary,
               const struct svc_option *opts, size_t nopts) {
  fprintf(out, "usage: %s [options]\n", prog);
  if (summary != NULL)
    fprintf(out, "%s: %s\n", prog, summary);
  fprintf(out, "\noptions (flag, environment variable; a flag wins over the "
               "environment):\n");
  for (size_t i = 0; i < NCOMMON; i++)
    usage_line(out, common[i].flag, common[i].metavar, common[i].env,
               common[i].def, common[i].help);
  for (size_t i = 0; i < nopts; i++)
    usage_line(out, opts[i].flag, opts[i].type == SVC_OPT_UINT ? "N" : "VALUE",
               opts[i].env, opts[i].def,
               opts[i].help != NULL ? opts[i].help : "");
  fprintf(out, "  %-26s %-18s %s\n", "--healthcheck", "-",
          "request our own /healthz on 127.0.0.1, exit 0 if it answers 200");
  fprintf(out, "  %-26s %-18s %s\n", "--version", "-", "print the version");
  fprintf(out, "  %-26s %-18s %s\n", "--help", "-", "print this help");
  fprintf(out, "\nexit status: 0 ok, 1 runtime failure, 2 bad configuration\n");
}
