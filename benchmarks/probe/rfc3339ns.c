/*
 * rfc3339ns: RFC 3339 timestamps, as Docker prints them
 * (`docker inspect -f '{{.State.StartedAt}}'`: 2026-12-01T00:18:34.123456789Z,
 * also with +HH:MM / -HH:MM offsets), to integer nanoseconds since the Unix
 * epoch, the axis of startprobe's t0_unix_ns, ready_unix_ns, exit_unix_ns.
 *
 *   rfc3339ns TIMESTAMP...
 *
 * One line per argument on stdout: the nanoseconds. Exit 0 when all
 * converted; 1 if one did not (its reason on stderr, nothing printed for it;
 * Docker's "0001-01-01T00:00:00Z" means never started and is refused);
 * 2 without arguments.
 */
#include "timestamp.h"

#include <stdio.h>

int main(int argc, char **argv) {
  char err[256];
  int64_t ns;
  int rc = 0;

  if (argc < 2) {
    fprintf(stderr, "usage: rfc3339ns TIMESTAMP...\n");
    return 2;
  }
  for (int i = 1; i < argc; i++) {
    if (ts_rfc3339_ns(argv[i], &ns, err, sizeof err) < 0) {
      fprintf(stderr, "rfc3339ns: %s\n", err);
      rc = 1;
      continue;
    }
    printf("%lld\n", (long long)ns);
  }
  return rc;
}
