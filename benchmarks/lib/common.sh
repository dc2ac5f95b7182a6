# common.sh: where the tools are, logging, progress, samples.csv, rep
# planning, cleanup. Sourced by benchmarks/bench.sh and bench-native.sh;
# expects ROOT (the checkout) set by the caller, and OUT before samples.

BENCH_T0=$(date +%s)

# The build tree (BUILD overrides build/) and the harness's C tools.
BUILD_DIR=${BUILD:-$ROOT/build}
BENCH_BUILD=$BUILD_DIR/bench
BIN=$BENCH_BUILD/bin
BENCHPLAN=$BIN/benchplan
BENCHREPORT=$BIN/benchreport

say() { echo "bench: $*" >&2; }
die() { echo "bench: $*" >&2; exit 1; }

# fmt_secs N: "m:ss"
fmt_secs() {
  local s=${1%.*}
  [[ -n "$s" && "$s" -ge 0 ]] 2>/dev/null || s=0
  printf '%d:%02d' $((s / 60)) $((s % 60))
}

# Progress: phase_begin PHASE TOTAL_STEPS; progress IMAGE REP (one step done
# or starting); prints phase, image, rep, elapsed (run and phase), ETA of
# the phase from the mean step time so far.
PH_NAME='' PH_TOTAL=0 PH_DONE=0 PH_T0=0
phase_begin() {
  PH_NAME=$1 PH_TOTAL=$2 PH_DONE=0 PH_T0=$(date +%s)
  say "phase $PH_NAME: $PH_TOTAL steps"
}
progress() {
  local now el eta='?'
  now=$(date +%s)
  el=$((now - PH_T0))
  if ((PH_DONE > 0 && PH_TOTAL > PH_DONE)); then
    eta=$(fmt_secs $((el * (PH_TOTAL - PH_DONE) / PH_DONE)))
  elif ((PH_TOTAL <= PH_DONE)); then
    eta=0:00
  fi
  PH_DONE=$((PH_DONE + 1))
  printf 'bench: [%s %d/%d] %s rep %s | elapsed %s (run %s) | phase ETA %s\n' \
    "$PH_NAME" "$PH_DONE" "$PH_TOTAL" "$1" "$2" "$(fmt_secs "$el")" \
    "$(fmt_secs $((now - BENCH_T0)))" "$eta" >&2
}

# csv_field TEXT: RFC 4180 quoting when needed.
csv_field() {
  local f=$1
  if [[ "$f" == *[,\"$'\n']* ]]; then
    f=${f//$'\n'/ }
    printf '"%s"' "${f//\"/\"\"}"
  else
    printf '%s' "$f"
  fi
}

SAMPLES_HEADER='phase,subject,service,variant,kind,profile,runtime,rep,warmup,metric,value,unit,status,detail'

# sample PHASE SUBJECT PROFILE RUNTIME REP WARMUP METRIC VALUE UNIT STATUS DETAIL
# service, variant and kind come from the subject table (IMG_*).
sample() {
  local phase=$1 subj=$2 prof=$3 rt=$4 rep=$5 wu=$6 metric=$7 value=$8 unit=$9 st=${10} detail=${11:-}
  [[ "$st" == ok ]] || value=''
  printf '%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s,%s\n' "$phase" "$subj" \
    "${IMG_SERVICE[$subj]}" "${IMG_VARIANT[$subj]}" "${IMG_KIND[$subj]}" \
    "$prof" "$rt" "$rep" "$wu" "$metric" "$value" "$unit" "$st" \
    "$(csv_field "$detail")" >>"$OUT/samples.csv"
}

# join_detail A B: "A; B" without empty parts.
join_detail() {
  local out='' x
  for x in "$@"; do
    [[ -n "$x" && "$x" != - ]] || continue
    out=${out:+$out; }$x
  done
  echo "$out"
}

# free_port: a TCP port on 127.0.0.1 nobody listens on (racy but checked
# again by whoever binds it). Below Linux's ephemeral range (32768 and up),
# so that no outgoing connection takes it between the choice and the bind.
free_port() {
  local p i
  for i in $(seq 1 50); do
    p=$((20000 + RANDOM % 12700))
    if ! ss -Htln "sport = :$p" 2>/dev/null | grep -q .; then
      echo "$p"
      return 0
    fi
  done
  return 1
}

port_busy() { ss -Htln "sport = :$1" 2>/dev/null | grep -q .; }

# Cleanup hooks run in reverse order on exit (also on Ctrl-C / TERM).
CLEANUP=()
on_exit() { CLEANUP+=("$1"); }
run_cleanup() {
  local i
  trap - EXIT INT TERM
  for ((i = ${#CLEANUP[@]} - 1; i >= 0; i--)); do
    eval "${CLEANUP[$i]}" || true
  done
  CLEANUP=()
}
trap 'run_cleanup' EXIT
trap 'say "interrupted"; run_cleanup; exit 130' INT TERM

# to_bps RATE: "100mbit" -> 100000000; "0" / "unlimited" -> 0. The same
# spellings linkemu accepts (benchmarks/linkemu/le.c), so a profile that
# passes here passes there.
to_bps() {
  local r=${1,,}
  [[ "$r" =~ ^(0|unlimited|[0-9]+(\.[0-9]+)?(bit|kbit|mbit|gbit))$ ]] || return 1
  case "$r" in
    0 | unlimited) echo 0 ;;
    *gbit) awk -v x="${r%gbit}" 'BEGIN { printf "%.0f\n", x * 1e9 }' ;;
    *mbit) awk -v x="${r%mbit}" 'BEGIN { printf "%.0f\n", x * 1e6 }' ;;
    *kbit) awk -v x="${r%kbit}" 'BEGIN { printf "%.0f\n", x * 1e3 }' ;;
    *bit) awk -v x="${r%bit}" 'BEGIN { printf "%.0f\n", x }' ;;
    *) return 1 ;;
  esac
}

# to_ms TIME: "20ms" -> 20, "0.5ms" -> 0.5, "1s" -> 1000, "0" -> 0 (as
# linkemu's --rtt).
to_ms() {
  local t=${1,,}
  [[ "$t" =~ ^(0|[0-9]+(\.[0-9]+)?(us|ms|s))$ ]] || return 1
  case "$t" in
    0) echo 0 ;;
    *us) awk -v x="${t%us}" 'BEGIN { print x / 1000 }' ;;
    *ms) awk -v x="${t%ms}" 'BEGIN { print x + 0 }' ;;
    *s) awk -v x="${t%s}" 'BEGIN { print x * 1000 }' ;;
    *) return 1 ;;
  esac
}

# kv KEY LINE: value of KEY=... in a "k=v k=v" line.
kv() { tr ' ' '\n' <<<"$2" | sed -n "s/^$1=//p" | head -n1; }
