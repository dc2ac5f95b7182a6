/* linkemu: userspace link emulator, a TCP relay enforcing rate and delay.
 *
 *   linkemu --listen HOST:PORT --target HOST:PORT --rate RATE --rtt TIME
 *           [--rate-up RATE] [--rate-down RATE] [--buffer BYTES]
 *           [--no-handshake] [--ready-file PATH]
 *   linkemu --selftest --rate RATE --rtt TIME [--bytes N]
 *
 * up = client -> target, down = target -> client. RATE: N{bit,kbit,mbit,gbit}
 * per second, 0 or unlimited. TIME: N{us,ms,s} or 0; one-way delay = RTT/2.
 * Prints "ready PORT" once listening (and writes PORT to --ready-file);
 * exits 0 on SIGTERM/SIGINT. --selftest prints one CSV line
 * target_rate_bps,measured_rate_bps,target_rtt_ms,measured_rtt_ms,status
 * (status ok when both within +-10 %, else off; exit 0 either way).
 * Exit codes: 0 ok, 1 failure, 2 usage. Full text: docs/benchmarks-analysis.md */
#include "le.h"
#include "relay.h"
#include "selftest.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void usage(FILE *f) {
  fprintf(
      f, "usage: linkemu --listen HOST:PORT --target HOST:PORT --rate RATE "
         "--rtt TIME\n"
         "               [--rate-up RATE] [--rate-down RATE] [--buffer BYTES]\n"
         "               [--no-handshake] [--ready-file PATH]\n"
         "       linkemu --selftest --rate RATE --rtt TIME [--bytes N]\n");
}

static int need_arg(int argc, char **argv, int i) {
  if (i + 1 >= argc) {
    fprintf(stderr, "linkemu: option %s needs a value\n", argv[i]);
    return -1;
  }
  return 0;
}

static int parse_size(const char *s, uint64_t *out) {
  char *end = NULL;
  if (s[0] < '0' || s[0] > '9')
    return -1;
  unsigned long long v = strtoull(s, &end, 10);
  if (*end != '\0' || v == 0)
    return -1;
  *out = v;
  return 0;
}

int main(int argc, char **argv) {
  struct relay_config cfg;
  memset(&cfg, 0, sizeof cfg);
  cfg.handshake = 1;
  cfg.print_ready = 1;
  cfg.listen_fd = -1;
  const char *rate = NULL, *rate_up = NULL, *rate_down = NULL, *rtt = NULL;
  const char *listen = NULL, *target = NULL;
  int selftest = 0;
  uint64_t bytes = 0, buffer = 0;
  char err[256];

  for (int i = 1; i < argc; i++) {
    const char *a = argv[i];
    if (strcmp(a, "--selftest") == 0) {
      selftest = 1;
    } else if (strcmp(a, "--no-handshake") == 0) {
      cfg.handshake = 0;
    } else if (strcmp(a, "--help") == 0 || strcmp(a, "-h") == 0) {
      usage(stdout);
      return 0;
    } else if (strcmp(a, "--listen") == 0 || strcmp(a, "--target") == 0 ||
               strcmp(a, "--rate") == 0 || strcmp(a, "--rate-up") == 0 ||
               strcmp(a, "--rate-down") == 0 || strcmp(a, "--rtt") == 0 ||
               strcmp(a, "--bytes") == 0 || strcmp(a, "--buffer") == 0 ||
               strcmp(a, "--ready-file") == 0) {
      if (need_arg(argc, argv, i) < 0)
        return 2;
      const char *v = argv[++i];
      if (strcmp(a, "--listen") == 0)
        listen = v;
      else if (strcmp(a, "--target") == 0)
        target = v;
      else if (strcmp(a, "--rate") == 0)
        rate = v;
      else if (strcmp(a, "--rate-up") == 0)
        rate_up = v;
      else if (strcmp(a, "--rate-down") == 0)
        rate_down = v;
      else if (strcmp(a, "--rtt") == 0)
        rtt = v;
      else if (strcmp(a, "--ready-file") == 0)
        cfg.ready_file = v;
      else if (strcmp(a, "--bytes") == 0) {
        if (parse_size(v, &bytes) < 0) {
          fprintf(
              stderr,
              "linkemu: invalid --bytes '%s': expected a positive integer\n",
              v);
          return 2;
        }
      } else if (parse_size(v, &buffer) < 0) {
        fprintf(stderr,
                "linkemu: invalid --buffer '%s': expected a positive integer\n",
                v);
        return 2;
      }
    } else {
      fprintf(stderr, "linkemu: unknown option '%s'\n", a);
      usage(stderr);
      return 2;
    }
  }

  if (rate == NULL && (rate_up == NULL || rate_down == NULL)) {
    fprintf(stderr,
            "linkemu: missing --rate (or both --rate-up and --rate-down)\n");
    usage(stderr);
    return 2;
  }
  if (rtt == NULL) {
    fprintf(stderr, "linkemu: missing --rtt\n");
    usage(stderr);
    return 2;
  }
  uint64_t r_all = 0, r_up = 0, r_down = 0, rtt_ns = 0;
  if ((rate != NULL && le_parse_rate(rate, &r_all, err, sizeof err) < 0) ||
      le_parse_duration(rtt, &rtt_ns, err, sizeof err) < 0) {
    fprintf(stderr, "linkemu: %s\n", err);
    return 2;
  }
  r_up = r_down = r_all;
  if ((rate_up != NULL && le_parse_rate(rate_up, &r_up, err, sizeof err) < 0) ||
      (rate_down != NULL &&
       le_parse_rate(rate_down, &r_down, err, sizeof err) < 0)) {
    fprintf(stderr, "linkemu: %s\n", err);
    return 2;
  }

  if (selftest) {
    if (listen != NULL || target != NULL) {
      fprintf(stderr, "linkemu: --selftest takes no --listen/--target\n");
      return 2;
    }
    struct selftest_result res;
    if (selftest_run(r_down, rtt_ns, bytes, &res) < 0)
      return 1;
    printf("%llu,%.0f,%.3f,%.3f,%s\n", (unsigned long long)res.target_rate_bps,
           res.measured_rate_bps, res.target_rtt_ms, res.measured_rtt_ms,
           res.ok ? "ok" : "off");
    return 0;
  }

  if (listen == NULL || target == NULL) {
    fprintf(stderr, "linkemu: missing --listen or --target\n");
    usage(stderr);
    return 2;
  }
  if (le_parse_hostport(listen, cfg.listen_host, sizeof cfg.listen_host,
                        &cfg.listen_port, err, sizeof err) < 0 ||
      le_parse_hostport(target, cfg.target_host, sizeof cfg.target_host,
                        &cfg.target_port, err, sizeof err) < 0) {
    fprintf(stderr, "linkemu: %s\n", err);
    return 2;
  }
  cfg.rate_up_bps = r_up;
  cfg.rate_down_bps = r_down;
  cfg.oneway_ns = rtt_ns / 2;
  cfg.line_cap = (size_t)buffer;
  return relay_run(&cfg) < 0 ? 1 : 0;
}
