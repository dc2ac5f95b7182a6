#!/usr/bin/env bash
# crosscheck.sh: start-to-ready by hand, three ways, beside the engine's own
# State.StartedAt — the "second independent method" check of startprobe.
#
#   benchmarks/probe/crosscheck.sh [--reps N] [--bin DIR] IMAGE[=PATH]...
#
# For each rep (one warm-up round first, marked warmup=1), the images and
# methods in a shuffled order:
#   host       docker run -d --network host -e PORT=P IMAGE; probed from the fork
#   published  docker run -d -p 127.0.0.1:P:8080 IMAGE;     probed once docker run returned (--after-exit)
#   pub_fork   the same, probed from the fork (what the harness did before issue 9)
# PATH is the readiness path (default /readyz). Images must be present.
# Containers are named crosscheck-<pid>-N and removed after each sample.
# stdout: CSV, one row per sample:
#   image,method,rep,warmup,ok,seconds,command_seconds,attempts,refused,timeouts,neterr,
#   started_ms,ready_after_started_ms,exit_after_started_ms
# started_ms: fork -> State.StartedAt; the other two: StartedAt -> first 200,
# StartedAt -> docker run returned (all from startprobe's t0_unix_ns axis).
# stderr: progress, then per image and method: n, median, min-max of each.
# Exit 1 if a tool or image is missing, 2 on usage errors.
set -euo pipefail
cd "$(dirname "$0")/../.."
BIN=build/bench/bin
REPS=5
ENGINE=${ENGINE:-docker}
usage() { echo "usage: $0 [--reps N] [--bin DIR] IMAGE[=PATH]..." >&2; exit 2; }
while (($#)); do
  case $1 in
    --reps) [[ ${2:-} =~ ^[1-9][0-9]*$ ]] || { echo "crosscheck: invalid --reps '${2:-}': expected a positive integer" >&2; exit 2; }; REPS=$2; shift 2 ;;
    --bin) [[ -n ${2:-} ]] || usage; BIN=$2; shift 2 ;;
    -h | --help) usage ;;
    -*) echo "crosscheck: unknown option '$1'" >&2; usage ;;
    *) break ;;
  esac
done
(($#)) || usage
for t in startprobe rfc3339ns; do
  [[ -x $BIN/$t ]] || { echo "crosscheck: $BIN/$t missing (make bench-tools)" >&2; exit 1; }
done
declare -A READY=()
IMAGES=()
for a in "$@"; do
  img=${a%%=*}; path=/readyz
  [[ $a == *=* ]] && path=${a#*=}
  "$ENGINE" image inspect "$img" >/dev/null 2>&1 || { echo "crosscheck: image $img not present" >&2; exit 1; }
  IMAGES+=("$img"); READY[$img]=$path
done
NAME=crosscheck-$$
trap '"$ENGINE" rm -f "$NAME" >/dev/null 2>&1 || true' EXIT
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
kv() { sed -n "s/.*\\b$1=\\([^ ]*\\).*/\\1/p" <<<"$2"; }
ms() { awk -v a="$1" -v b="$2" 'BEGIN { if (a < 0 || b < 0) print ""; else printf "%.3f", (b - a) / 1e6 }'; }

one() { # IMAGE METHOD REP WARMUP
  local img=$1 m=$2 port out ok=1 started st args probe=()
  port=$(free_port)
  case $m in
    host) args=(--network host -e "PORT=$port") ;;
    published) args=(-p "127.0.0.1:$port:8080"); probe=(--after-exit) ;;
    pub_fork) args=(-p "127.0.0.1:$port:8080") ;;
  esac
  out=$("$BIN/startprobe" "${probe[@]}" --timeout 30 --url "http://127.0.0.1:$port${READY[$img]}" -- \
        "$ENGINE" run -d --name "$NAME" "${args[@]}" "$img" 2>/dev/null) || ok=0
  st=$("$ENGINE" inspect -f '{{.State.StartedAt}}' "$NAME" 2>/dev/null || true)
  started=$("$BIN/rfc3339ns" "$st" 2>/dev/null || echo -1)
  "$ENGINE" rm -f "$NAME" >/dev/null 2>&1 || true
  local t0 ready ex
  t0=$(kv t0_unix_ns "$out"); ready=$(kv ready_unix_ns "$out"); ex=$(kv exit_unix_ns "$out")
  echo "$img,$m,$3,$4,$ok,$(kv seconds "$out"),$(kv command_seconds "$out"),$(kv attempts "$out"),$(kv refused "$out"),$(kv timeouts "$out"),$(kv neterr "$out"),$(ms "${t0:--1}" "$started"),$(ms "$started" "${ready:--1}"),$(ms "$started" "${ex:--1}")"
}

echo "image,method,rep,warmup,ok,seconds,command_seconds,attempts,refused,timeouts,neterr,started_ms,ready_after_started_ms,exit_after_started_ms" | tee "${TMPDIR:-/tmp}/crosscheck-$$.csv"
for ((rep = -1; rep < REPS; rep++)); do
  wu=0; ((rep < 0)) && wu=1
  echo "crosscheck: round $((rep + 1))/$REPS$( ((wu)) && echo ' (warm-up)'), load $(cut -d' ' -f1 /proc/loadavg)" >&2
  for cell in $(for i in "${IMAGES[@]}"; do for m in host published pub_fork; do echo "$i|$m"; done; done | shuf); do
    one "${cell%|*}" "${cell#*|}" "$((rep < 0 ? 0 : rep))" "$wu"
  done | tee -a "${TMPDIR:-/tmp}/crosscheck-$$.csv"
done
# Summary: per image and method, over ok non-warm-up samples (mawk has no
# asort: each column is sorted by sort -g).
stat() { # CSV KEY COLUMN SCALE -> "median (min-max)"
  awk -F, -v k="$2" -v c="$3" -v f="$4" 'NR > 1 && $4 == 0 && $5 == 1 && $1 " " $2 == k && $c != "" { print $c * f }' "$1" |
    sort -g | awk '{ a[NR] = $1 } END { if (!NR) { print "-"; exit }
      m = NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2
      printf "%.1f (%.1f-%.1f)", m, a[1], a[NR] }'
}
CSV=${TMPDIR:-/tmp}/crosscheck-$$.csv
for img in "${IMAGES[@]}"; do
  for m in host published pub_fork; do
    k="$img $m"
    n=$(awk -F, -v k="$k" 'NR > 1 && $4 == 0 && $5 == 1 && $1 " " $2 == k' "$CSV" | wc -l)
    printf '%s %s n=%d: fork->200 %s ms; fork->run returned %s ms; fork->StartedAt %s ms; StartedAt->200 %s ms; StartedAt->run returned %s ms\n' \
      "$img" "$m" "$n" "$(stat "$CSV" "$k" 6 1000)" "$(stat "$CSV" "$k" 7 1000)" "$(stat "$CSV" "$k" 12 1)" \
      "$(stat "$CSV" "$k" 13 1)" "$(stat "$CSV" "$k" 14 1)" >&2
  done
done
rm -f "$CSV"
