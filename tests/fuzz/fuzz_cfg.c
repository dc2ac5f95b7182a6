/* fuzz_cfg.c: libFuzzer target for the shared layer's configuration parser
 * (cfg_parse): flags and environment from arbitrary bytes.
 *
 * Input: lines separated by '\n'. A line "@NAME=VALUE" is an environment
 * variable (served through cfg_parse's getenv seam), every other line is
 * one argv element. Invariants checked (any violation aborts):
 *  - CFG_RUN: every field within the documented range (port 1..65535,
 *    conn-timeout 1..3600, max-conns 1..16384, max-conns-per-ip <=
 *    max-conns, conn-memory 4096..16 MiB, max-body <= 1 GiB, drain-delay <=
 *    shutdown-grace), listen an IPv4 or IPv6 literal, service options in
 *    their ranges;
 *  - CFG_ERROR: a message of one non-empty line. */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cfg.h"

#define MAX_ARGS 32
#define MAX_ENV 8

static struct { char *name, *value; } env_table[MAX_ENV];
static size_t n_env;

static const char *fake_getenv(const char *name) {
  for (size_t i = 0; i < n_env; i++)
    if (strcmp(env_table[i].name, name) == 0)
      return env_table[i].value;
  return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  char *buf = malloc(size + 1);
  char *argv[MAX_ARGS + 2];
  int argc = 0;
  static const char *db;
  static unsigned long wait;
  const struct svc_option opts[] = {
      {.flag = "db",
       .env = "NOTES_DB",
       .type = SVC_OPT_STRING,
       .def = "/data/notes.db",
       .help = "path",
       .str = &db},
      {.flag = "max-wait",
       .env = "WHOAMI_MAX_WAIT",
       .type = SVC_OPT_UINT,
       .def = "30",
       .min = 0,
       .max = 3600,
       .help = "s",
       .num = &wait},
  };

  if (buf == NULL)
    return 0;
  memcpy(buf, data, size);
  buf[size] = '\0';
  n_env = 0;
  argv[argc++] = "svc";
  for (char *line = buf, *next; line != NULL; line = next) {
    next = strchr(line, '\n');
    if (next != NULL)
      *next++ = '\0';
    char *eq = line[0] == '@' ? strchr(line, '=') : NULL;
    if (eq != NULL && n_env < MAX_ENV) {
      *eq = '\0';
      env_table[n_env].name = line + 1;
      env_table[n_env].value = eq + 1;
      n_env++;
    } else if (argc < MAX_ARGS + 1) {
      argv[argc++] = line;
    }
  }
  argv[argc] = NULL;

  struct svc_config cfg;
  char err[256];
  memset(&cfg, 0, sizeof cfg);
  err[0] = '\0';
  switch (cfg_parse(&cfg, opts, SVC_COUNT(opts), argc, argv, fake_getenv, err,
                    sizeof err)) {
  case CFG_RUN: {
    unsigned char addr[16];
    if (cfg.port < 1 || cfg.port > 65535 || cfg.conn_timeout < 1 ||
        cfg.conn_timeout > 3600 || cfg.max_conns < 1 || cfg.max_conns > 16384 ||
        cfg.max_conns_per_ip < 1 || cfg.max_conns_per_ip > cfg.max_conns ||
        cfg.conn_memory < 4096 || cfg.conn_memory > 16777216UL ||
        cfg.max_body > 1073741824UL || cfg.drain_delay > cfg.shutdown_grace ||
        cfg.shutdown_grace > 3600 || wait > 3600 || db == NULL)
      abort();
    if (memchr(cfg.listen, '\0', sizeof cfg.listen) == NULL ||
        (inet_pton(AF_INET, cfg.listen, addr) != 1 &&
         inet_pton(AF_INET6, cfg.listen, addr) != 1))
      abort();
    break;
  }
  case CFG_ERROR:
    if (err[0] == '\0' || strchr(err, '\n') != NULL)
      abort();
    break;
  case CFG_HELP:
  case CFG_VERSION:
  case CFG_HEALTHCHECK:
    break;
  }
  free(buf);
  return 0;
}
