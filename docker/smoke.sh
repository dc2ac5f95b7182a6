#!/usr/bin/env bash
# docker/smoke.sh BIN VARIANT: smoke run of a freshly built service binary
# in the build container (its own network namespace, loopback only), before
# anything is copied into an image. The binary must
#   - print its version naming VARIANT (the variant really baked in),
#   - start and answer its own --healthcheck within 5 s,
#   - exit 0 on SIGTERM (what `docker stop` sends to PID 1).
# notes gets a throw-away database under /tmp. Exit status 0 or 1.
set -euo pipefail
bin=${1:?usage: smoke.sh BIN VARIANT} variant=${2:?usage: smoke.sh BIN VARIANT}
log=$(mktemp)
trap 'rm -f "$log"' EXIT

"$bin" --version | grep -F "variant $variant"

extra=()
if [[ "${bin##*/}" == notes ]]; then extra=(--db "$(mktemp -u /tmp/smoke-XXXXXX.db)"); fi
"$bin" --listen 127.0.0.1 --port 8080 "${extra[@]}" >"$log" 2>&1 &
pid=$!
for _ in $(seq 50); do
  if "$bin" --healthcheck --port 8080; then
    kill -TERM "$pid"
    wait "$pid"   # the service's exit status; set -e fails on non-zero
    echo "smoke.sh: ${bin##*/} ($variant) served, answered --healthcheck, exited 0 on SIGTERM"
    exit 0
  fi
  sleep 0.1
done
echo "smoke.sh: ${bin##*/} ($variant) did not answer --healthcheck within 5 s; its log:" >&2
cat "$log" >&2
kill "$pid" 2>/dev/null || true
exit 1
