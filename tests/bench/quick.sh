#!/usr/bin/env bash
# bench_quick.sh: the benchmark pipeline end to end in quick mode.
#
# Runs benchmarks/bench.sh --quick into a temporary folder (registry on a
# free port, private measuring engine) and checks the folder it leaves:
# env.json, samples.csv with ok rows for every phase run, summary.json and
# report.md from benchreport, and that nothing it started is left running.
# A behaviour test, not a timed one. Bugs it catches: a phase that records
# nothing or only failures, a broken samples.csv header or column count, an
# env.json that is not JSON or lacks the engine/git facts, the report step
# not run, a registry, link emulator or engine left behind.
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)

pass=0 fail=0
ok() { echo "ok   $*"; pass=$((pass + 1)); }
bad() { echo "FAIL $*"; fail=$((fail + 1)); }
check() { local what=$1; shift; if "$@"; then ok "$what"; else bad "$what"; fi; }
jqe() { jq -e "$@" >/dev/null 2>&1; }

tmp=$(mktemp -d /tmp/slimline-bench-quick.XXXXXX)
# Kept when a check fails, for a look at the folder and the log.
trap '[[ $fail -eq 0 ]] && rm -rf "$tmp" || echo "bench_quick: kept $tmp"' EXIT
out=$tmp/results
phases=(size pull_cold pull_warm unpack start_warm start_cold load)

echo "bench_quick: running benchmarks/bench.sh --quick (log: $tmp/bench.log)"
bash "$ROOT/benchmarks/bench.sh" --quick --registry 127.0.0.1:0 --out "$out" >"$tmp/bench.log" 2>&1
rc=$?
if [[ $rc -eq 0 ]]; then
  ok "bench.sh --quick exits 0"
else
  bad "bench.sh --quick exits 0 (exit $rc); last lines:"
  tail -n 20 "$tmp/bench.log" | sed 's/^/    /'
fi

check "env.json is JSON with kernel, engine, storage driver, git revision" \
  jqe '.kernel != "" and .engine.server_version != "" and .engine.storage_driver != "" and (.git.revision | length) >= 7 and (.images | length) > 0' "$out/env.json"
check "samples.csv has the FORMAT.md header" \
  test "$(head -n1 "$out/samples.csv" 2>/dev/null)" = "phase,subject,service,variant,kind,profile,rep,warmup,metric,value,unit,status,detail"
check "every samples.csv row has 13 fields" \
  bash -c "sed -E 's/\"([^\"]|\"\")*\"/Q/g' '$out/samples.csv' | awk -F, 'NF != 13 { bad = 1 } END { exit bad }'"
for p in "${phases[@]}"; do
  check "phase $p has ok, non-warm-up samples" \
    grep -qE "^$p,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,0,[^,]*,[^,]+,[^,]*,ok," "$out/samples.csv"
done
check "no failed sample" bash -c "! grep -q ',fail,' '$out/samples.csv'"
check "warm-up samples are recorded with warmup=1" \
  grep -qE '^start_warm,[^,]*,[^,]*,[^,]*,[^,]*,[^,]*,0,1,' "$out/samples.csv"
check "the runtime floor is measured (start_warm, kind floor)" \
  grep -qE '^start_warm,[^,]*,floor,floor,floor,.*,ok,' "$out/samples.csv"
for v in naive alpine scratch; do
  if docker image inspect "${IMAGE_PREFIX:-slimline}/hello:$v" >/dev/null 2>&1; then
    check "hello:$v measured (size and start_warm ok)" bash -c \
      "grep -q '^size,${IMAGE_PREFIX:-slimline}/hello:$v,.*,bytes_wire,[0-9]*,B,ok' '$out/samples.csv' &&
       grep -qE '^start_warm,${IMAGE_PREFIX:-slimline}/hello:$v,.*,ok,' '$out/samples.csv'"
  else
    bad "image ${IMAGE_PREFIX:-slimline}/hello:$v exists (make images)"
  fi
done
check "profiles.csv lists loopback" grep -q '^loopback,0,0$' "$out/profiles.csv"
check "summary.json is JSON" jqe . "$out/summary.json"
check "report.md is not empty" test -s "$out/report.md"

# Nothing left behind: the registry port from env.json answers no more, no
# private engine socket of the run, no container of the run.
reg=$(jq -r '.registry.address // empty' "$out/env.json" 2>/dev/null)
check "registry stopped after the run" bash -c "[[ -n '$reg' ]] && ! curl -fs -o /dev/null --max-time 2 'http://$reg/v2/'"
check "no bench container left in the main engine" bash -c "[[ -z \"\$(docker ps -aq --filter name=^slb)\" ]]"
pid=$(sed -n 's/.*private engine up (pid \([0-9]*\).*/\1/p' "$tmp/bench.log")
check "private engine stopped" bash -c "[[ -z '$pid' ]] || ! kill -0 '$pid' 2>/dev/null"

echo "$pass passed, $fail failed"
[[ $fail -eq 0 ]]
