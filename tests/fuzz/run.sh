#!/usr/bin/env bash
# run.sh MODE SECONDS TARGET...: run libFuzzer targets built in $FUZZ_DIR.
#   MODE run    fuzz each target for SECONDS (make fuzz)
#   MODE check  replay tests/fuzz/corpus/<target>/ (every seed and every
#               regression input must pass), then fuzz SECONDS (make check-fuzz)
# New inputs go to $FUZZ_DIR/corpus/<target>/ (not committed); a crash is
# written to $FUZZ_DIR/crashes/<target>/ and fails the run: copy it into
# tests/fuzz/corpus/<target>/ as a regression input once fixed.
# Prints, per target: executions, seconds, corpus size, crashes; ends with
# the closing line of tests/lib/test-lib.sh.
set -uo pipefail
mode=${1:?usage: run.sh run|check SECONDS TARGET...}
secs=${2:?seconds}
shift 2
cd "$(dirname "$0")/../.." || exit 2
# shellcheck source=tests/lib/test-lib.sh
. tests/lib/test-lib.sh
[[ -n ${FUZZ_DIR:-} ]] || { not_ok "FUZZ_DIR set" "FUZZ_DIR must name the build directory of the fuzz targets"; finish; }
[[ $# -gt 0 ]] || { not_ok "fuzz targets" "no fuzz target given"; finish; }
for t in "$@"; do
  bin=$FUZZ_DIR/$t seeds=tests/fuzz/corpus/$t
  work=$FUZZ_DIR/corpus/$t crashes=$FUZZ_DIR/crashes/$t
  mkdir -p "$work" "$crashes"
  dict=(); [[ -f tests/fuzz/$t.dict ]] && dict=(-dict="tests/fuzz/$t.dict")
  if [[ $mode == check ]]; then
    nseeds=$(find "$seeds" -type f | wc -l)
    if [[ $nseeds -eq 0 ]]; then not_ok "$t: seed corpus" "empty: $seeds"; continue; fi
    # -runs=0 executes every input once: a regression input that crashes fails here.
    if "$bin" -runs=0 "${dict[@]}" "$seeds" >"$FUZZ_DIR/$t.replay.log" 2>&1; then
      ok "$t: replayed $nseeds corpus inputs"
    else
      tail -n 30 "$FUZZ_DIR/$t.replay.log"; not_ok "$t: corpus replay" "failed (see $FUZZ_DIR/$t.replay.log)"; continue
    fi
  fi
  log=$FUZZ_DIR/$t.$mode.log
  start=$(date +%s.%N)
  "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=1024 -print_final_stats=1 \
    -artifact_prefix="$crashes/" "${dict[@]}" "$work" "$seeds" >"$log" 2>&1
  rc=$?
  end=$(date +%s.%N)
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  cov=$(grep -o 'cov: [0-9]*' "$log" | tail -n 1 | cut -d' ' -f2)
  size=$(find "$work" -type f | wc -l)
  ncrash=$(find "$crashes" -type f | wc -l)
  printf '%s: %s executions in %.1f s, coverage %s edges, %s inputs in the work corpus, %s crash files\n' \
    "$t" "${execs:-?}" "$(awk -v a="$start" -v b="$end" 'BEGIN{print b-a}')" "${cov:-?}" "$size" "$ncrash"
  if [[ $rc -eq 0 && $ncrash -eq 0 ]]; then ok "$t: no crash in ${secs} s"
  else grep -m 5 -E 'ERROR|SUMMARY|==[0-9]+==' "$log"; not_ok "$t: no crash in ${secs} s" "rc $rc, crashes in $crashes (log $log)"; fi
done
finish
