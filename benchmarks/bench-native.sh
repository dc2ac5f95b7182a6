#!/usr/bin/env bash
# bench-native.sh: the services outside any container against the
# reference servers a talk would hold them up to, on the load runner of the
# harness (benchmarks/phases/load.sh) and its planner; report by benchreport
# --suite native.
#
# Subjects, all native (glibc builds; no container, no engine):
#   native/hello, native/whoami, native/notes   build/native/bin/*, access log off
#   native-log/hello     hello with its access log on, to a file on disk
#   native/nginx         Debian's nginx, one worker, the bytes of hello's GET /
#                        (benchmarks/peers/mhd-bare/nginx.conf), access log off
#   native-log/nginx     the same with its access log on, to a file on disk
#   native/mhd-bare      a bare libmicrohttpd handler (epoll), same bytes
#   native/go            the Go peer (net/http), run natively
#   direct/notes         notes' read statement called directly in C
# Conditions: wrk on core 0 (`taskset -c 0 wrk -t1 -c50`), the server on
# core 1, 5 interleaved reps of 10 s each (options below); per rep also the
# memory idle and holding 512 idle keep-alive connections
# (MAX_CONNS=MAX_CONNS_PER_IP=2048 for the services).
#
# Usage: benchmarks/bench-native.sh [--reps N] [--load-duration S]
#        [--load-conns N] [--hold N] [--seed N] [--out DIR] [--no-report]
# Exit: 0 when the run completed, 1 set-up failure, 2 usage.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE=$ROOT/benchmarks
source "$HERE/lib/common.sh"

NOTES_DIRECT=${NOTES_DIRECT:-$BUILD_DIR/native/bench/notes_direct}

usage() { sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'; }
usage_err() { echo "bench-native: $*" >&2; exit 2; }
posint() { [[ "$2" =~ ^[1-9][0-9]*$ ]] || usage_err "invalid $1 '$2': expected a positive whole number"; }

REPS=5 LOAD_DURATION=10 LOAD_CONNS=50 LOAD_HOLD_CONNS=512 SEED=1 OUT='' REPORT=1
while [[ $# -gt 0 ]]; do
  case "$1" in
    --reps) [[ $# -ge 2 ]] || usage_err "--reps needs a value"; posint "$1" "$2"; REPS=$2; shift ;;
    --load-duration) [[ $# -ge 2 ]] || usage_err "--load-duration needs a value"; posint "$1" "$2"; LOAD_DURATION=$2; shift ;;
    --load-conns) [[ $# -ge 2 ]] || usage_err "--load-conns needs a value"; posint "$1" "$2"; LOAD_CONNS=$2; shift ;;
    --hold) [[ $# -ge 2 && "$2" =~ ^[0-9]+$ ]] || usage_err "--hold needs a whole number"; LOAD_HOLD_CONNS=$2; shift ;;
    --seed) [[ $# -ge 2 && "$2" =~ ^[0-9]+$ ]] || usage_err "--seed needs a whole number"; SEED=$2; shift ;;
    --out) [[ $# -ge 2 ]] || usage_err "--out needs a value"; OUT=$2; shift ;;
    --no-report) REPORT=0 ;;
    -h | --help) usage; exit 0 ;;
    *) usage_err "unknown option '$1' (see --help)" ;;
  esac
  shift
done

for c in wrk taskset python3 curl; do command -v "$c" >/dev/null || die "needs $c (scripts/deps.sh bench)"; done
(($(nproc) >= 2)) || die "pins wrk and the server to different cores: needs 2 cores, found $(nproc)"
[[ -x "$BENCHPLAN" ]] || die "$BENCHPLAN missing (make benchtools)"

[[ -n "$OUT" ]] || OUT=$ROOT/results/native-$(date -u +%Y%m%dT%H%M%SZ)
[[ ! -e "$OUT/samples.csv" ]] || die "$OUT already holds a run (samples.csv): choose a new --out"
mkdir -p "$OUT/logs"
OUT=$(cd "$OUT" && pwd)
BENCH_WORK=$BENCH_BUILD/native-work-$$
mkdir -p "$BENCH_WORK"
on_exit 'rm -rf "$BENCH_WORK"'
source "$HERE/lib/runner.sh"
source "$HERE/phases/load.sh"
LOAD_WRK_CPU=0 LOAD_SERVER_CPU=1 DOCKER_RUNTIME=none IMAGE_PREFIX=${IMAGE_PREFIX:-slimline}
container_rm() { :; }   # nothing runs in a container here,
images_present() { :; } # and no image is needed

# The Go peer, built natively from the same source as its image.
if [[ ! -x "$BIN/hello-go" ]] && command -v go >/dev/null; then
  (cd "$HERE/peers/go" && CGO_ENABLED=0 GOTOOLCHAIN=local GOPROXY=off GOFLAGS='' GO111MODULE=off \
    GOCACHE=$BENCH_BUILD/gocache HOME=$BENCH_BUILD go build -trimpath -ldflags='-s -w' -o "$BIN/hello-go" main.go) ||
    say "the Go peer did not build: not measured"
fi

declare -A IMG_SERVICE=() IMG_VARIANT=() IMG_KIND=() IMG_READY=() IMG_LOAD=() IMG_NOTE=()
SUBJECTS=()
subject() { # SUBJECT SERVICE VARIANT KIND READY LOAD
  IMG_SERVICE[$1]=$2 IMG_VARIANT[$1]=$3 IMG_KIND[$1]=$4 IMG_READY[$1]=$5 IMG_LOAD[$1]=$6
  SUBJECTS+=("$1")
}
for s in hello whoami notes; do
  [[ -x "$BUILD_DIR/native/bin/$s" ]] || die "$BUILD_DIR/native/bin/$s missing (make)"
done
subject native/hello hello native-glibc native /readyz /
subject native-log/hello hello native-glibc-log native /readyz /
subject native/whoami whoami native-glibc native /readyz /
subject native/notes notes native-glibc native /readyz /notes/ID
[[ ! -x "$NOTES_DIRECT" ]] || subject direct/notes notes direct native /readyz -
if command -v nginx >/dev/null; then
  subject native/nginx nginx native peer / /
  subject native-log/nginx nginx native-log peer / /
else
  say "nginx not installed (scripts/deps.sh bench): not measured"
fi
[[ ! -x "$BIN/mhd-bare" ]] || subject native/mhd-bare mhd-bare native peer / /
[[ ! -x "$BIN/hello-go" ]] || subject native/go go native peer /readyz /

echo "$SAMPLES_HEADER" >"$OUT/samples.csv"
echo 'profile,rate_bps,rtt_ms' >"$OUT/profiles.csv"
echo 'loopback,0,0' >>"$OUT/profiles.csv"
printf 'subject\tservice\tvariant\tkind\twire_bytes\tuncompressed_bytes\tlayers\twarm_wire_bytes\twarm_layers\tstartable\n' >"$OUT/subjects.tsv"
for s in "${SUBJECTS[@]}"; do
  printf '%s\t%s\t%s\t%s\t0\t0\t0\t0\t0\t1\n' "$s" "${IMG_SERVICE[$s]}" "${IMG_VARIANT[$s]}" "${IMG_KIND[$s]}" >>"$OUT/subjects.tsv"
done
jq -n --arg kernel "$(uname -r)" --arg cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)" \
  --argjson cores "$(nproc)" --arg rev "$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)" \
  --argjson dirty "$([[ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ]] && echo true || echo false)" \
  --arg nginx "$(nginx -v 2>&1 || true)" --arg go "$(go version 2>/dev/null || true)" \
  --arg mhd "$(dpkg-query -W -f='${Version}' libmicrohttpd12 2>/dev/null || true)" \
  --arg wrk "$(wrk -v 2>&1 | head -n1 || true)" --argjson reps "$REPS" --argjson dur "$LOAD_DURATION" \
  --argjson conns "$LOAD_CONNS" --argjson hold "$LOAD_HOLD_CONNS" \
  '{suite: "native", kernel: $kernel, cpu_model: $cpu, cores: $cores, git: {revision: $rev, dirty: $dirty},
    nginx: $nginx, go: $go, libmicrohttpd: $mhd, wrk: $wrk,
    options: {reps: $reps, load_duration_s: $dur, load_connections: $conns, load_threads: 1,
              held_connections: $hold, load_pinning: "wrk on core 0, server on core 1"}}' >"$OUT/env.json"

"$BENCHPLAN" --subjects "$OUT/subjects.tsv" --profiles "$OUT/profiles.csv" --out "$OUT" \
  --phases load --full --load-reps "$REPS" --minor-reps "$REPS" --load-duration "$LOAD_DURATION" \
  --seed "$SEED" 2>"$OUT/logs/plan.log" || { cat "$OUT/logs/plan.log" >&2; die "benchplan failed"; }
sed 's/^benchplan: /bench-native: plan: /' "$OUT/logs/plan.log" >&2
set +e
run_plan "$OUT/plan.tsv"
nrows=$(($(wc -l <"$OUT/samples.csv") - 1))
say "samples: $nrows rows, $(grep -c ',fail,' "$OUT/samples.csv" || true) failed"
((nrows > 0)) || die "no sample was taken (see the lines above)"
if [[ "$REPORT" == 1 ]]; then
  "$BENCHREPORT" --suite native "$OUT" && sed -n '/^## Targets/,/^## [^T]/p' "$OUT/report.md" | sed '/^## [^T]/d' >&2
fi
say "done in $(fmt_secs $(($(date +%s) - BENCH_T0))): $OUT"
