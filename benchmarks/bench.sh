#!/usr/bin/env bash
# bench.sh: the slimline benchmark harness (measuring side).
#
# Measures every image (service x variant) and the reference peers: size,
# pull time over emulated links, start-to-ready, load, build time; writes a
# results folder as specified in benchmarks/FORMAT.md and runs benchreport
# on it. docs/benchmarks.md says what each timer measures exactly.
#
# Usage: benchmarks/bench.sh [options]
#   --services LIST      services (hello,whoami,notes)
#   --variants LIST      variants (naive,alpine,scratch)
#   --profiles LIST      link profiles (loopback,datacenter,cloud,edge);
#                        more in benchmarks/profiles.conf (`name rate rtt`)
#   --reps N             repetitions for starts and pulls (10)
#   --load-reps N        repetitions for load (1)
#   --build-reps N       repetitions for builds (1)
#   --build-services L   services whose images are built (hello)
#   --build-cold MODE    service (default: toolchain/package layers cached)
#                        or full (--no-cache)
#   --phases LIST        size,pull_cold,pull_warm,unpack,start_warm,
#                        start_cold,load,build (all)
#   --pull-budget S      seconds planned for pull reps beyond the first round; caps reps of slow cells (180)
#   --pull-max S         a pull estimated to take longer is not run, recorded
#                        as failed with the reason (60; 0 = no limit)
#   --start-budget S     seconds planned for warm starts (200)
#   --cold-budget S      seconds planned for cold starts (60)
#   --cold-profile P     profile a cold start pulls through (cloud)
#   --load-duration S    wrk duration (5), --load-threads N (2),
#                        --load-conns N (32)
#   --engine CMD         docker (default) or a compatible CLI such as podman
#   --engine-mode MODE   private (a second dockerd just for measuring; the
#                        default with docker as root) or shared
#   --registry ADDR      registry address (127.0.0.1:5000; a busy port is
#                        replaced by a free one, said in the log)
#   --out DIR            results folder (results/<UTC time>)
#   --peers LIST         nginx,busybox,go,floor,empty (all)
#   --no-peers           no peers, no floor, no empty image
#   --quick              one repetition, one profile (loopback), one service
#                        (hello), peers floor+empty, no build phase, short
#                        load: proves the pipeline end to end
#   --no-report          do not run benchreport
#   -h, --help
# Exit status: 0 when the run completed (failed samples are recorded, not
# fatal), 1 on setup failures, 2 on usage errors.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE=$ROOT/benchmarks
BUILD_DIR=${BUILD:-$ROOT/build}
BENCH_BUILD=$BUILD_DIR/bench
BIN=$BENCH_BUILD/bin
STARTPROBE=$BIN/startprobe
TIMEIT=$BIN/timeit
LINKEMU=$BIN/linkemu
MANIFEST_SIZE=$BIN/manifest-size
BENCHREPORT=$BIN/benchreport
REGISTRY_BIN=${SL_REGISTRY_BIN:-docker-registry}
IMAGE_PREFIX=${IMAGE_PREFIX:-slimline}

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'
}
usage_err() { echo "bench: $*" >&2; echo "bench: see --help" >&2; exit 2; }

SERVICES_OPT=hello,whoami,notes
VARIANTS_OPT=naive,alpine,scratch
PROFILES_OPT=loopback,datacenter,cloud,edge
PHASES_OPT=size,pull_cold,pull_warm,unpack,start_warm,start_cold,load,build
PEERS_OPT=nginx,busybox,go,floor,empty
REPS=10 LOAD_REPS=1 BUILD_REPS=1 BUILD_SERVICES_OPT=hello BUILD_COLD=service
PULL_BUDGET=180 PULL_MAX=60 START_WARM_BUDGET=200 START_BUDGET=60 COLD_PROFILE=''
LOAD_DURATION=5 LOAD_THREADS=2 LOAD_CONNS=32
ENGINE=docker ENGINE_MODE=auto REGISTRY_ADDR=127.0.0.1:5000 OUT='' QUICK=0 REPORT=1
KEEP_REGISTRY=0
ARGS_ORIG=("$@")

need() { [[ $# -ge 2 && -n "$2" ]] || usage_err "option $1 needs a value"; }
posint() { [[ "$2" =~ ^[1-9][0-9]*$ ]] || usage_err "invalid $1 '$2': expected a positive whole number"; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --services) need "$@"; SERVICES_OPT=$2; shift ;;
    --variants) need "$@"; VARIANTS_OPT=$2; shift ;;
    --profiles) need "$@"; PROFILES_OPT=$2; shift ;;
    --phases) need "$@"; PHASES_OPT=$2; shift ;;
    --peers) need "$@"; PEERS_OPT=$2; shift ;;
    --no-peers) PEERS_OPT='' ;;
    --reps) need "$@"; posint "$1" "$2"; REPS=$2; shift ;;
    --load-reps) need "$@"; posint "$1" "$2"; LOAD_REPS=$2; shift ;;
    --build-reps) need "$@"; posint "$1" "$2"; BUILD_REPS=$2; shift ;;
    --build-services) need "$@"; BUILD_SERVICES_OPT=$2; shift ;;
    --build-cold)
      need "$@"
      [[ "$2" == service || "$2" == full ]] || usage_err "invalid --build-cold '$2': expected service or full"
      BUILD_COLD=$2; shift ;;
    --pull-budget) need "$@"; posint "$1" "$2"; PULL_BUDGET=$2; shift ;;
    --pull-max)
      need "$@"
      [[ "$2" =~ ^[0-9]+$ ]] || usage_err "invalid --pull-max '$2': expected whole seconds (0 = no limit)"
      PULL_MAX=$2; shift ;;
    --start-budget) need "$@"; posint "$1" "$2"; START_WARM_BUDGET=$2; shift ;;
    --cold-budget) need "$@"; posint "$1" "$2"; START_BUDGET=$2; shift ;;
    --cold-profile) need "$@"; COLD_PROFILE=$2; shift ;;
    --load-duration) need "$@"; posint "$1" "$2"; LOAD_DURATION=$2; shift ;;
    --load-threads) need "$@"; posint "$1" "$2"; LOAD_THREADS=$2; shift ;;
    --load-conns) need "$@"; posint "$1" "$2"; LOAD_CONNS=$2; shift ;;
    --engine) need "$@"; ENGINE=$2; shift ;;
    --engine-mode)
      need "$@"
      [[ "$2" == private || "$2" == shared || "$2" == auto ]] || usage_err "invalid --engine-mode '$2': expected private, shared or auto"
      ENGINE_MODE=$2; shift ;;
    --registry) need "$@"; REGISTRY_ADDR=$2; shift ;;
    --out) need "$@"; OUT=$2; shift ;;
    --quick) QUICK=1 ;;
    --no-report) REPORT=0 ;;
    --keep-registry) KEEP_REGISTRY=1 ;;
    -h | --help) usage; exit 0 ;;
    *) usage_err "unknown option '$1'" ;;
  esac
  shift
done

if [[ "$QUICK" == 1 ]]; then
  # Quick mode overrides only what was not given explicitly.
  [[ " ${ARGS_ORIG[*]} " == *" --services "* ]] || SERVICES_OPT=hello
  [[ " ${ARGS_ORIG[*]} " == *" --profiles "* ]] || PROFILES_OPT=loopback
  [[ " ${ARGS_ORIG[*]} " == *" --reps "* ]] || REPS=1
  [[ " ${ARGS_ORIG[*]} " == *" --phases "* ]] || PHASES_OPT=size,pull_cold,pull_warm,unpack,start_warm,start_cold,load
  [[ " ${ARGS_ORIG[*]} " == *" --peers "* || " ${ARGS_ORIG[*]} " == *" --no-peers "* ]] || PEERS_OPT=floor,empty
  [[ " ${ARGS_ORIG[*]} " == *" --load-duration "* ]] || LOAD_DURATION=2
fi

IFS=', ' read -r -a SERVICES <<<"$SERVICES_OPT"
IFS=', ' read -r -a VARIANTS <<<"$VARIANTS_OPT"
IFS=', ' read -r -a PROFILES <<<"$PROFILES_OPT"
IFS=', ' read -r -a PHASE_LIST <<<"$PHASES_OPT"
IFS=', ' read -r -a PEERS <<<"$PEERS_OPT"
IFS=', ' read -r -a BUILD_SERVICES <<<"$BUILD_SERVICES_OPT"
for p in "${PHASE_LIST[@]}"; do
  case "$p" in
    size | pull_cold | pull_warm | unpack | start_warm | start_cold | load | build) ;;
    *) usage_err "unknown phase '$p' (known: size pull_cold pull_warm unpack start_warm start_cold load build)" ;;
  esac
done
for v in "${VARIANTS[@]}"; do
  [[ "$v" =~ ^[a-z0-9_.-]+$ ]] || usage_err "invalid variant '$v'"
done
PHASES=" ${PHASE_LIST[*]} "
((${#PROFILES[@]} > 0)) || usage_err "--profiles is empty"
START_REPS=$REPS PULL_REPS=$REPS

command -v "$ENGINE" >/dev/null || usage_err "engine command '$ENGINE' not found"
if [[ "$ENGINE_MODE" == auto ]]; then
  if [[ "$(basename "$ENGINE")" == docker && $(id -u) -eq 0 ]] && command -v dockerd >/dev/null; then
    ENGINE_MODE=private
  else
    ENGINE_MODE=shared
  fi
fi

[[ -n "$OUT" ]] || OUT=$ROOT/results/$(date -u +%Y%m%dT%H%M%SZ)
[[ ! -e "$OUT/samples.csv" ]] || die "$OUT already holds a run (samples.csv): choose a new --out"
mkdir -p "$OUT/logs"
OUT=$(cd "$OUT" && pwd)
BENCH_WORK=$BENCH_BUILD/work-$$
mkdir -p "$BENCH_WORK"

# shellcheck source=benchmarks/lib/common.sh
source "$HERE/lib/common.sh"
source "$HERE/lib/engine.sh"
source "$HERE/lib/registry.sh"
source "$HERE/lib/peers.sh"
source "$HERE/phases/size.sh"
source "$HERE/phases/pull.sh"
source "$HERE/phases/start.sh"
source "$HERE/phases/load.sh"
source "$HERE/phases/build.sh"
on_exit 'rm -rf "$BENCH_WORK"'

for t in "$STARTPROBE" "$TIMEIT"; do
  [[ -x "$t" ]] || die "$t missing: run make bench-tools"
done

# The image table: subject -> service, variant, kind, ready path, load path.
declare -A IMG_SERVICE=() IMG_VARIANT=() IMG_KIND=() IMG_READY=() IMG_LOAD=() IMG_BASE=()
declare -A WIRE_BYTES=() UNCOMP_BYTES=() BASES=() BASE_KIND=() BASE_DIGEST=()
IMAGES=() STARTABLE=() PEER_FAILURES=() MISSING=()
add_image() {
  local subj=$1
  IMG_SERVICE[$subj]=$2 IMG_VARIANT[$subj]=$3 IMG_KIND[$subj]=$4 IMG_READY[$subj]=$5 IMG_LOAD[$subj]=$6
  IMAGES+=("$subj")
  [[ -z "$5" ]] || STARTABLE+=("$subj")
}

# Bases (make bases): KEY=VALUE lines in build/bases.env.
if [[ -r "$BUILD_DIR/bases.env" ]]; then
  while IFS='=' read -r k v; do
    [[ "$k" =~ ^[A-Z_]+$ ]] || continue
    v=${v%\"} v=${v#\"} v=${v%\'} v=${v#\'}
    case "$k" in
      *_KIND) BASE_KIND[${k%_KIND}]=$v ;;
      *_DIGEST) BASE_DIGEST[${k%_DIGEST}]=$v ;;
      *_IMAGE) BASES[$k]=$v ;;
    esac
  done <"$BUILD_DIR/bases.env"
else
  say "no $BUILD_DIR/bases.env (make bases): bases unknown, warm pulls have no base layers"
fi

say "results go to $OUT (engine $ENGINE, mode $ENGINE_MODE)"
echo "$SAMPLES_HEADER" >"$OUT/samples.csv"
M info >/dev/null 2>&1 || die "engine '$ENGINE' does not answer (scripts/engine.sh ensure)"

for s in "${SERVICES[@]}"; do
  for v in "${VARIANTS[@]}"; do
    subj="$IMAGE_PREFIX/$s:$v"
    if ! M image inspect "$subj" >/dev/null 2>&1; then
      say "image $subj missing (make images): not measured"
      MISSING+=("$subj")
      continue
    fi
    case "$s" in
      notes) add_image "$subj" "$s" "$v" service /readyz /notes/ID ;;
      *) add_image "$subj" "$s" "$v" service /readyz / ;;
    esac
  done
done
peers_build
((${#IMAGES[@]} > 0)) || die "no image to measure (make images)"

# Which base does each image start from: the longest base whose layers are
# a prefix of the image's layers.
declare -A BASE_LAYERS=()
for b in "${!BASES[@]}"; do
  BASE_LAYERS[$b]=$(M image inspect -f '{{join .RootFS.Layers " "}}' "${BASES[$b]}" 2>/dev/null || true)
done
# The warm-pull source of each image: whatever shares the longest prefix of
# its layers, among the bases and the other services' images of this run
# (hello:naive and whoami:naive share the Debian base and the package
# layer). Pulled before a warm pull so that those layers are present.
declare -A IMG_LAYERS=() IMG_SHARED=()
for subj in "${IMAGES[@]}"; do
  IMG_LAYERS[$subj]=$(M image inspect -f '{{join .RootFS.Layers " "}}' "$subj")
  UNCOMP_BYTES[$subj]=$(M image inspect -f '{{.Size}}' "$subj")
done
common_layers() {
  local -a a b
  local n=0
  read -r -a a <<<"$1"
  read -r -a b <<<"$2"
  while ((n < ${#a[@]} && n < ${#b[@]})) && [[ "${a[$n]}" == "${b[$n]}" ]]; do n=$((n + 1)); done
  echo "$n"
}
USED_BASES=()
for subj in "${IMAGES[@]}"; do
  best='' bestn=0
  for b in "${!BASE_LAYERS[@]}"; do
    [[ -n "${BASE_LAYERS[$b]}" ]] || continue
    n=$(common_layers "${IMG_LAYERS[$subj]}" "${BASE_LAYERS[$b]}")
    ((n > bestn)) || continue
    best=${BASES[$b]} bestn=$n
  done
  for o in "${IMAGES[@]}"; do
    [[ "$o" != "$subj" && "${IMG_SERVICE[$o]}" != "${IMG_SERVICE[$subj]}" ]] || continue
    n=$(common_layers "${IMG_LAYERS[$subj]}" "${IMG_LAYERS[$o]}")
    ((n > bestn)) || continue
    best=$o bestn=$n
  done
  if [[ -n "$best" ]]; then
    IMG_BASE[$subj]=$best
    IMG_SHARED[$subj]="$bestn of $(wc -w <<<"${IMG_LAYERS[$subj]}") layers"
    if [[ -z "${IMG_KIND[$best]:-}" && " ${USED_BASES[*]} " != *" $best "* ]]; then
      USED_BASES+=("$best")
    fi
  fi
done

# env.json: the machine, the engine, the options, the images and bases.
write_env() {
  local images='[]' bases='[]' subj b id digest
  for subj in "${IMAGES[@]}"; do
    id=$(M image inspect -f '{{.Id}}' "$subj" 2>/dev/null || true)
    digest=$(manifest "$subj" 2>/dev/null | sha256sum | cut -d' ' -f1)
    images=$(jq -c --arg s "$subj" --arg id "$id" --arg d "sha256:$digest" \
      --arg svc "${IMG_SERVICE[$subj]}" --arg v "${IMG_VARIANT[$subj]}" --arg k "${IMG_KIND[$subj]}" \
      --arg base "${IMG_BASE[$subj]:-}" \
      '. + [{subject: $s, service: $svc, variant: $v, kind: $k, id: $id, registry_digest: $d, base: $base}]' <<<"$images")
  done
  for b in "${!BASES[@]}"; do
    id=$(M image inspect -f '{{.Id}}' "${BASES[$b]}" 2>/dev/null || true)
    bases=$(jq -c --arg n "$b" --arg r "${BASES[$b]}" --arg id "$id" --arg k "${BASE_KIND[$b]:-unknown}" \
      --arg d "${BASE_DIGEST[$b]:-none}" \
      '. + [{name: $n, ref: $r, id: $id, digest: $d, kind: $k}]' <<<"$bases")
  done
  jq -n \
    --arg kernel "$(uname -r)" --arg arch "$(uname -m)" \
    --arg cpu "$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -n1)" \
    --argjson cores "$(nproc)" \
    --argjson mem "$(awk '/^MemTotal:/ { print $2 * 1024 }' /proc/meminfo)" \
    --arg engine_cmd "$ENGINE" --arg engine_mode "$ENGINE_MODE" \
    --arg client "$(M version --format '{{.Client.Version}}' 2>/dev/null || true)" \
    --arg server "$(E version --format '{{.Server.Version}}' 2>/dev/null || true)" \
    --arg containerd "$(containerd --version 2>/dev/null || true)" \
    --arg runc "$(runc --version 2>/dev/null | head -n1 || true)" \
    --arg driver "$(E info --format '{{.Driver}}' 2>/dev/null || true)" \
    --arg cgroup "$(E info --format '{{.CgroupVersion}}' 2>/dev/null || true)" \
    --arg rev "$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)" \
    --argjson dirty "$([[ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ]] && echo true || echo false)" \
    --arg registry "$REG_HOST:$REG_PORT" --arg regver "$("$REGISTRY_BIN" --version 2>/dev/null || true)" \
    --arg wrk "$(wrk -v 2>&1 | head -n1 || true)" \
    --arg args "${ARGS_ORIG[*]}" \
    --arg services "${SERVICES[*]}" --arg variants "${VARIANTS[*]}" --arg profiles "${PROFILES[*]}" \
    --arg phases "${PHASE_LIST[*]}" --arg peers "${PEERS[*]}" \
    --argjson reps "$REPS" --argjson load_reps "$LOAD_REPS" --argjson build_reps "$BUILD_REPS" \
    --arg build_services "${BUILD_SERVICES[*]}" --arg build_cold "$BUILD_COLD" \
    --argjson pull_budget "$PULL_BUDGET" --argjson pull_max "$PULL_MAX" --argjson start_budget "$START_WARM_BUDGET" \
    --argjson cold_budget "$START_BUDGET" --arg cold_profile "$COLD_PROFILE" \
    --argjson load_duration "$LOAD_DURATION" --argjson load_threads "$LOAD_THREADS" \
    --argjson load_conns "$LOAD_CONNS" --argjson quick "$QUICK" \
    --arg missing "${MISSING[*]}" --arg peer_failures "${PEER_FAILURES[*]}" \
    --arg started "$STARTED" \
    --argjson images "$images" --argjson bases "$bases" \
    '{started: $started, kernel: $kernel, arch: $arch, cpu_model: $cpu, cores: $cores, memory_bytes: $mem,
      engine: {command: $engine_cmd, mode: $engine_mode, client_version: $client, server_version: $server,
               containerd: $containerd, runc: $runc, storage_driver: $driver, cgroup_version: $cgroup},
      git: {revision: $rev, dirty: $dirty},
      registry: {address: $registry, version: $regver}, wrk: $wrk,
      options: {args: $args, services: $services, variants: $variants, profiles: $profiles, phases: $phases,
                peers: $peers, reps: $reps, load_reps: $load_reps, build_reps: $build_reps,
                build_services: $build_services, build_cold: $build_cold, pull_budget_s: $pull_budget, pull_max_s: $pull_max,
                start_warm_budget_s: $start_budget, start_cold_budget_s: $cold_budget,
                cold_profile: $cold_profile, load_duration_s: $load_duration, load_threads: $load_threads,
                load_connections: $load_conns, quick: ($quick == 1)},
      not_measured: {missing_images: $missing, failed_peers: $peer_failures},
      images: $images, bases: $bases}' >"$OUT/env.json"
}

STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
profiles_load "$HERE/profiles.conf" "$PROFILES_OPT"
LOOP_PROFILE=''
for p in "${PROFILES[@]}"; do
  if [[ "${PROF_RATE[$p]}" == 0 && "${PROF_RTT[$p]}" == 0 ]]; then LOOP_PROFILE=$p; break; fi
done
if [[ -z "$COLD_PROFILE" ]]; then
  COLD_PROFILE=${PROFILES[-1]}
  for p in "${PROFILES[@]}"; do [[ "$p" != cloud ]] || COLD_PROFILE=cloud; done
fi
[[ " ${PROFILES[*]} " == *" $COLD_PROFILE "* ]] || usage_err "--cold-profile $COLD_PROFILE is not among --profiles"

registry_start "$REGISTRY_ADDR"
if [[ -z "$LOOP_PROFILE" ]]; then
  # Loopback is needed to stage images for warm starts and load.
  profiles_load "$HERE/profiles.conf" "$PROFILES_OPT,loopback"
  LOOP_PROFILE=loopback
  PROF_PORT[loopback]=$REG_PORT
fi
links_start
PROFILES_LOOP=$LOOP_PROFILE
[[ " ${PROFILES[*]} " == *" $LOOP_PROFILE "* ]] || PROFILES_LOOP=${PROFILES[0]}

say "pushing ${#IMAGES[@]} images and ${#USED_BASES[@]} bases to $REG_HOST:$REG_PORT"
for subj in "${USED_BASES[@]}" "${IMAGES[@]}"; do
  if ! push "$subj"; then
    say "push of $subj failed (logs/push.log)"
  fi
done

if [[ "$ENGINE_MODE" == private ]]; then
  engine_private_start
else
  on_exit 'container_rm; engine_wipe >/dev/null 2>&1'
fi
write_env

# From here on a failed measurement is a sample with status=fail, never the
# end of the run: the phases check every step themselves.
set +e
[[ "$PHASES" != *" size "* ]] || phase_size
[[ "$PHASES" != *" pull_cold "* && "$PHASES" != *" pull_warm "* ]] || phase_pull
[[ "$PHASES" != *" start_cold "* ]] || phase_start_cold
[[ "$PHASES" != *" start_warm "* ]] || phase_start_warm
[[ "$PHASES" != *" load "* ]] || phase_load
[[ "$PHASES" != *" build "* ]] || phase_build

say "samples: $(($(wc -l <"$OUT/samples.csv") - 1)) rows, $(grep -c ',fail,' "$OUT/samples.csv" || true) failed, in $OUT/samples.csv"
if [[ "$REPORT" == 1 ]]; then
  if [[ -x "$BENCHREPORT" ]]; then
    if "$BENCHREPORT" "$OUT"; then
      # The headline: the report's target lines, as benchreport wrote them.
      sed -n '/^## Targets/,/^## [^T]/p' "$OUT/report.md" | sed '/^## [^T]/d' >&2
    else
      say "benchreport failed"
    fi
  else
    say "$BENCHREPORT missing (make benchtools): no summary.json/report.md"
  fi
fi
say "done in $(fmt_secs $(($(date +%s) - BENCH_T0))): $OUT"
