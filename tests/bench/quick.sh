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
# shellcheck source=tests/lib/test-lib.sh
. "$ROOT/tests/lib/test-lib.sh"
jqe() { jq -e "$@" >/dev/null 2>&1; }

# Kept when a check fails (test-lib.sh), for a look at the folder and the log.
tmp=$TL_TMP
out=$tmp/results
phases=(size pull_cold start_warm start_published start_cold load pod_warm pod_cold)

echo "bench_quick: running benchmarks/bench.sh --quick (log: $tmp/bench.log)"
bash "$ROOT/benchmarks/bench.sh" --quick --registry 127.0.0.1:0 --out "$out" >"$tmp/bench.log" 2>&1
rc=$?
if [[ $rc -eq 0 ]]; then
  ok "bench.sh --quick exits 0"
else
  tail -n 20 "$tmp/bench.log" | sed 's/^/    /'
  not_ok "bench.sh --quick exits 0" "exit $rc; last lines above"
fi

check "env.json is JSON with kernel, engine, storage driver, git revision" \
  jqe '.kernel != "" and .engine.server_version != "" and .engine.storage_driver != "" and (.git.revision | length) >= 7 and (.images | length) > 0' "$out/env.json"
check "samples.csv has the FORMAT.md header" \
  test "$(head -n1 "$out/samples.csv" 2>/dev/null)" = "phase,subject,service,variant,kind,profile,runtime,rep,warmup,metric,value,unit,status,detail"
check "every samples.csv row has 14 fields" \
  bash -c "sed -E 's/\"([^\"]|\"\")*\"/Q/g' '$out/samples.csv' | awk -F, 'NF != 14 { bad = 1 } END { exit bad }'"
for p in "${phases[@]}"; do
  check "phase $p has ok, non-warm-up samples" \
    grep -qE "^$p,([^,]*,){6}[0-9]+,0,[^,]*,[^,]+,[^,]*,ok," "$out/samples.csv"
done
check "no failed sample" bash -c "! grep -q ',fail,' '$out/samples.csv'"
check "the plan was written and every planned step ran" \
  bash -c "[[ -s '$out/plan.tsv' ]] && awk -F, 'NR > 1 && \$2 != \$3 { bad = 1 } END { exit bad }' '$out/budget.csv'"
check "the runtime floor is measured (start_warm, kind floor)" \
  grep -qE '^start_warm,[^,]*,floor,floor,floor,.*,ok,' "$out/samples.csv"
check "start samples carry the engine's own StartedAt beside the probe" \
  grep -qE '^start_warm,[^,]*hello:scratch,([^,]*,){7}engine_started_s,[0-9.]+,s,ok,' "$out/samples.csv"
check "the native baseline ran outside any container (runtime none)" \
  grep -qE '^load,native/hello,hello,native-static,native,-,none,0,0,rps,[0-9.]+,' "$out/samples.csv"
check "pods record every mark from RunPodSandbox to ready, runtime runc" \
  bash -c "for m in sandbox_ms pulled_ms created_ms started_ms ready_ms cri_started_ms; do grep -qE \"^pod_warm,[^,]*hello:scratch,([^,]*,){4}runc,0,0,\$m,[0-9.]+,ms,ok,\" '$out/samples.csv' || exit 1; done"
check "a cold pod pulled its image (pull: pulled in the detail)" \
  grep -qE '^pod_cold,[^,]*hello:scratch,.*ready_ms,[0-9.]+,ms,ok,.*pull: pulled' "$out/samples.csv"
check "a warm pod found its image present" \
  grep -qE '^pod_warm,[^,]*hello:scratch,.*ready_ms,[0-9.]+,ms,ok,.*pull: present' "$out/samples.csv"
for v in scratch; do
  if docker image inspect "${IMAGE_PREFIX:-slimline}/hello:$v" >/dev/null 2>&1; then
    check "hello:$v measured (size and start_warm ok)" bash -c \
      "grep -q '^size,${IMAGE_PREFIX:-slimline}/hello:$v,.*,bytes_wire,[0-9]*,B,ok' '$out/samples.csv' &&
       grep -qE '^start_warm,${IMAGE_PREFIX:-slimline}/hello:$v,.*,ok,' '$out/samples.csv'"
  else
    not_ok "image ${IMAGE_PREFIX:-slimline}/hello:$v exists (make images)"
  fi
done
check "profiles.csv lists loopback" grep -q '^loopback,0,0$' "$out/profiles.csv"
check "registry requests are counted per pull" \
  grep -qE '^pull_cold,[^,]*hello:scratch,([^,]*,){7}requests,[1-9][0-9]*,count,ok,' "$out/samples.csv"
check "summary.json is JSON" jqe . "$out/summary.json"
check "report.md is not empty" test -s "$out/report.md"

# Nothing left behind: the registry port from env.json answers no more, no
# private engine socket of the run, no container of the run.
reg=$(jq -r '.registry.address // empty' "$out/env.json" 2>/dev/null)
check "registry stopped after the run" bash -c "[[ -n '$reg' ]] && ! curl -fs -o /dev/null --max-time 2 'http://$reg/v2/'"
check "no bench container left in the main engine" bash -c "[[ -z \"\$(docker ps -aq --filter name=^slb)\" ]]"
pid=$(sed -n 's/.*private engine up (pid \([0-9]*\).*/\1/p' "$tmp/bench.log")
check "private engine stopped" bash -c "[[ -z '$pid' ]] || ! kill -0 '$pid' 2>/dev/null"
sock=$(sed -n 's/.*private containerd up (\([^)]*\)).*/\1/p' "$tmp/bench.log")
check "private containerd stopped (socket gone)" bash -c "[[ -n '$sock' && ! -S '$sock' ]]"
check "no mount of the run left" bash -c "! grep -qE 'slb[0-9]+|bench/work-' /proc/mounts"

finish
