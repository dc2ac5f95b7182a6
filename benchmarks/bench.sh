#!/usr/bin/env bash
# bench.sh: the slimline benchmark harness (measuring side).
#
# Measures every image (service x variant) and the reference peers: size,
# pull time over emulated links, start-to-ready, load, pod startup through
# Kubernetes' runtime interface (containerd's CRI), build time. Writes a
# results folder as specified in benchmarks/FORMAT.md and runs benchreport
# on it. What runs, how often and in which order is planned by benchplan
# (benchmarks/analysis/plan.c) into plan.tsv; this script sets up the
# engines, registry and links and executes that plan. docs/benchmarks.md
# says what each timer measures.
#
# Usage: benchmarks/bench.sh [options]
#   --services LIST      services (hello,whoami,notes)
#   --variants LIST      variants (naive,alpine,scratch)
#   --profiles LIST      link profiles (loopback,datacenter,cloud,edge);
#                        more in benchmarks/profiles.conf (`name rate rtt`)
#   --phases LIST        size,sbom,pull_cold,pull_warm,link_rtt,start_warm,
#                        start_published,start_cold,load,pod_warm,pod_cold,
#                        build (all but build; --full adds build); sbom:
#                        one CycloneDX SBOM per image and the attack-surface
#                        table into sbom/ (scripts/sbom.sh, attack-surface.sh)
#   --peers LIST         nginx,busybox,go,floor,empty (all)
#   --no-peers           no peers, no floor, no empty image
#   --runtimes LIST      OCI runtimes for pods: runc,crun (both)
#   --reps N             repetitions of ordinary cells (5)
#   --start-reps N       warm starts per image (10)
#   --naive-reps N       naive pulls and cold starts, after a warm-up (3)
#   --pod-p99-reps N     warm pods of hello:scratch and the floor (100)
#   --load-reps N        load runs of judged cells (5)
#   --load-duration S    seconds per wrk run (10); --load-conns N (50)
#   --pull-max S         a cell whose single pull is estimated above S s is
#                        not run; the plan says so (60; 0 = no limit)
#   --cold-profile P     the link of cold starts and the naive cold pod (cloud)
#   --budget BLOCK=S     cap a block's planned seconds (repeatable; blocks:
#                        pull, start_warm, start_published, start_cold,
#                        load, pod_warm, pod_cold, build)
#   --build-services L   services whose images are built (hello)
#   --build-reps N       (1); --build-cold MODE service (default: toolchain
#                        and package layers cached) or full (--no-cache)
#   --full               every image on every profile, peers everywhere,
#                        build included (several hours with naive on edge)
#   --quick              hello:scratch, the floor and the empty image, one
#                        rep, loopback only, runc only: the pipeline end to
#                        end in a few minutes
#   --seed N             order of the interleaved repetitions (1)
#   --engine CMD         docker (default) or a compatible CLI such as podman
#   --engine-mode MODE   private (a second dockerd just for measuring; the
#                        default with docker as root) or shared
#   --registry ADDR      registry address (127.0.0.1:5000; a busy port is
#                        replaced by a free one, said in the log)
#   --out DIR            results folder (results/<UTC time>)
#   --no-report          do not run benchreport
#   --keep-registry      keep the registry's storage after the run
#   -h, --help
# Exit status: 0 when the run completed (failed samples are recorded, not
# fatal), 1 on setup failures, 2 on usage errors.
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HERE=$ROOT/benchmarks
# say, die, samples, cleanup hooks: first, so that every message below works
# shellcheck source=benchmarks/lib/common.sh
source "$HERE/lib/common.sh"

STARTPROBE=$BIN/startprobe
RFC3339NS=$BIN/rfc3339ns
TIMEIT=$BIN/timeit
LINKEMU=$BIN/linkemu
MANIFEST_SIZE=$BIN/manifest-size
REGISTRY_BIN=${SL_REGISTRY_BIN:-docker-registry}
IMAGE_PREFIX=${IMAGE_PREFIX:-slimline}

usage() {
  sed -n '2,/^set -euo/p' "${BASH_SOURCE[0]}" | sed -e '/^set -euo/d' -e 's/^# \{0,1\}//'
}
usage_err() { echo "bench: $*" >&2; echo "bench: see --help" >&2; exit 2; }

ALL_PHASES="size sbom pull_cold pull_warm link_rtt start_warm start_published start_cold load pod_warm pod_cold build"
SERVICES_OPT=hello,whoami,notes
VARIANTS_OPT=naive,alpine,scratch
PROFILES_OPT=loopback,datacenter,cloud,edge
PHASES_OPT=''
PEERS_OPT=nginx,busybox,go,floor,empty
RUNTIMES_OPT=runc,crun
BUILD_SERVICES_OPT=hello BUILD_COLD=service
LOAD_DURATION=10 LOAD_CONNS=50 COLD_PROFILE=cloud
ENGINE=docker ENGINE_MODE=auto REGISTRY_ADDR=127.0.0.1:5000 OUT='' QUICK=0 FULL=0 REPORT=1
KEEP_REGISTRY=0
PLAN_ARGS=()
ARGS_ORIG=("$@")

need() { [[ $# -ge 2 && -n "$2" ]] || usage_err "option $1 needs a value"; }
posint() { [[ "$2" =~ ^[1-9][0-9]*$ ]] || usage_err "invalid $1 '$2': expected a positive whole number"; }
secs() { [[ "$2" =~ ^[0-9]+(\.[0-9]+)?$ ]] || usage_err "invalid $1 '$2': expected seconds"; }
given() { [[ " ${ARGS_ORIG[*]} " == *" $1 "* ]]; }

while [[ $# -gt 0 ]]; do
  case "$1" in
    --services) need "$@"; SERVICES_OPT=$2; shift ;;
    --variants) need "$@"; VARIANTS_OPT=$2; shift ;;
    --profiles) need "$@"; PROFILES_OPT=$2; shift ;;
    --phases) need "$@"; PHASES_OPT=$2; shift ;;
    --peers) need "$@"; PEERS_OPT=$2; shift ;;
    --no-peers) PEERS_OPT='' ;;
    --runtimes) need "$@"; RUNTIMES_OPT=$2; shift ;;
    --reps | --start-reps | --naive-reps | --pod-p99-reps | --load-reps | --build-reps)
      need "$@"; posint "$1" "$2"; PLAN_ARGS+=("$1" "$2"); shift ;;
    --load-duration) need "$@"; posint "$1" "$2"; LOAD_DURATION=$2; shift ;;
    --load-conns) need "$@"; posint "$1" "$2"; LOAD_CONNS=$2; shift ;;
    --pull-max) need "$@"; secs "$1" "$2"; PLAN_ARGS+=(--pull-max "$2"); shift ;;
    --cold-profile) need "$@"; COLD_PROFILE=$2; shift ;;
    --budget)
      need "$@"
      [[ "$2" =~ ^[a-z_]+=[0-9]+$ ]] || usage_err "invalid --budget '$2': expected BLOCK=SECONDS"
      PLAN_ARGS+=(--budget "$2"); shift ;;
    --build-services) need "$@"; BUILD_SERVICES_OPT=$2; shift ;;
    --build-cold)
      need "$@"
      [[ "$2" == service || "$2" == full ]] || usage_err "invalid --build-cold '$2': expected service or full"
      BUILD_COLD=$2; shift ;;
    --seed) need "$@"; [[ "$2" =~ ^[0-9]+$ ]] || usage_err "invalid --seed '$2'"; PLAN_ARGS+=(--seed "$2"); shift ;;
    --engine) need "$@"; ENGINE=$2; shift ;;
    --engine-mode)
      need "$@"
      [[ "$2" == private || "$2" == shared || "$2" == auto ]] || usage_err "invalid --engine-mode '$2': expected private, shared or auto"
      ENGINE_MODE=$2; shift ;;
    --registry) need "$@"; REGISTRY_ADDR=$2; shift ;;
    --out) need "$@"; OUT=$2; shift ;;
    --full) FULL=1 ;;
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
  given --services || SERVICES_OPT=hello
  given --variants || VARIANTS_OPT=scratch
  given --profiles || PROFILES_OPT=loopback
  given --cold-profile || COLD_PROFILE=loopback
  given --runtimes || RUNTIMES_OPT=runc
  given --peers || given --no-peers || PEERS_OPT=floor,empty
  given --load-duration || LOAD_DURATION=2
  given --phases || PHASES_OPT=size,pull_cold,start_warm,start_published,start_cold,load,pod_warm,pod_cold
fi
if [[ -z "$PHASES_OPT" ]]; then
  PHASES_OPT=${ALL_PHASES// /,}
  [[ "$FULL" == 1 ]] || PHASES_OPT=${PHASES_OPT%,build}
fi

IFS=', ' read -r -a SERVICES <<<"$SERVICES_OPT"
IFS=', ' read -r -a VARIANTS <<<"$VARIANTS_OPT"
IFS=', ' read -r -a PROFILES <<<"$PROFILES_OPT"
IFS=', ' read -r -a PHASE_LIST <<<"$PHASES_OPT"
IFS=', ' read -r -a PEERS <<<"$PEERS_OPT"
IFS=', ' read -r -a RUNTIMES <<<"$RUNTIMES_OPT"
IFS=', ' read -r -a BUILD_SERVICES <<<"$BUILD_SERVICES_OPT"
for p in "${PHASE_LIST[@]}"; do
  case " $ALL_PHASES " in
    *" $p "*) ;;
    *)
      [[ "$p" != unpack ]] || usage_err "phase 'unpack' was removed: the pull-time model fits its unpack term from the cold pulls (docs/benchmarks-analysis.md)"
      usage_err "unknown phase '$p' (known: $ALL_PHASES)" ;;
  esac
done
for r in "${RUNTIMES[@]}"; do
  [[ "$r" == runc || "$r" == crun ]] || usage_err "unknown runtime '$r' (known: runc crun)"
done
for v in "${VARIANTS[@]}"; do
  [[ "$v" =~ ^[a-z0-9_.-]+$ ]] || usage_err "invalid variant '$v'"
done
PHASES=" ${PHASE_LIST[*]} "
((${#PROFILES[@]} > 0)) || usage_err "--profiles is empty"
[[ " ${PROFILES[*]} " == *" $COLD_PROFILE "* ]] || usage_err "--cold-profile $COLD_PROFILE is not among --profiles (${PROFILES[*]})"
wants() { [[ "$PHASES" == *" $1 "* ]]; }

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
on_exit 'rm -rf "$BENCH_WORK"'

source "$HERE/lib/engine.sh"
source "$HERE/lib/registry.sh"
source "$HERE/lib/peers.sh"
source "$HERE/lib/runner.sh"
source "$HERE/phases/size.sh"
source "$HERE/phases/pull.sh"
source "$HERE/phases/start.sh"
source "$HERE/phases/load.sh"
source "$HERE/phases/pod.sh"
source "$HERE/phases/build.sh"

for t in "$STARTPROBE" "$TIMEIT" "$BENCHPLAN" "$RFC3339NS"; do
  [[ -x "$t" ]] || die "$t missing: run make bench-tools benchtools"
done
if wants load; then
  for c in wrk taskset; do command -v "$c" >/dev/null || die "load phase needs $c (scripts/deps.sh bench)"; done
  (($(nproc) >= 2)) || die "load phase pins wrk and the server to different cores: needs 2 cores, found $(nproc)"
fi
LOAD_WRK_CPU=0 LOAD_SERVER_CPU=1

# The subject table: subject -> service, variant, kind, ready path, load path.
declare -A IMG_SERVICE=() IMG_VARIANT=() IMG_KIND=() IMG_READY=() IMG_LOAD=() IMG_BASE=() IMG_NOTE=()
declare -A WIRE_BYTES=() UNCOMP_BYTES=() BASES=() BASE_KIND=() BASE_DIGEST=() BASE_OF=()
IMAGES=() STARTABLE=() PEER_FAILURES=() MISSING=() NATIVES=()
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

# Native subjects (load phase only): the scratch image's own static binary,
# and for hello (every service with --full) the Debian glibc build.
if wants load; then
  for s in "${SERVICES[@]}"; do
    [[ -n "${IMG_KIND[$IMAGE_PREFIX/$s:scratch]:-}" ]] || continue
    path=/; [[ "$s" != notes ]] || path=/notes/ID
    IMG_SERVICE[native/$s]=$s IMG_VARIANT[native/$s]=native-static IMG_KIND[native/$s]=native
    IMG_READY[native/$s]=/readyz IMG_LOAD[native/$s]=$path
    NATIVES+=("native/$s")
    if [[ -x "$BUILD_DIR/native/bin/$s" ]] && [[ "$s" == hello || "$FULL" == 1 ]]; then
      IMG_SERVICE[native-glibc/$s]=$s IMG_VARIANT[native-glibc/$s]=native-glibc IMG_KIND[native-glibc/$s]=native
      IMG_READY[native-glibc/$s]=/readyz IMG_LOAD[native-glibc/$s]=$path
      NATIVES+=("native-glibc/$s")
    fi
  done
fi

# Which base does each image start from (the longest base whose layers are
# a prefix of its layers: BASE_OF, recorded in env.json, marks stand-ins),
# and its warm-pull source: whatever shares the longest prefix of its
# layers among the bases and the other services' images of this run
# (hello:naive and whoami:naive share the Debian base and the package
# layer). The source is pulled before a warm pull so those layers are
# present.
declare -A BASE_LAYERS=() IMG_LAYERS=() IMG_SHARED=() IMG_SHARED_N=()
for b in "${!BASES[@]}"; do
  BASE_LAYERS[$b]=$(M image inspect -f '{{join .RootFS.Layers " "}}' "${BASES[$b]}" 2>/dev/null || true)
done
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
  best='' bestn=0 bbase='' bbasen=0
  for b in "${!BASE_LAYERS[@]}"; do
    [[ -n "${BASE_LAYERS[$b]}" ]] || continue
    n=$(common_layers "${IMG_LAYERS[$subj]}" "${BASE_LAYERS[$b]}")
    ((n > bbasen)) || continue
    bbase=$b bbasen=$n
  done
  if [[ -n "$bbase" ]]; then
    BASE_OF[$subj]=$bbase best=${BASES[$bbase]} bestn=$bbasen
  fi
  for o in "${IMAGES[@]}"; do
    [[ "$o" != "$subj" && "${IMG_SERVICE[$o]}" != "${IMG_SERVICE[$subj]}" ]] || continue
    n=$(common_layers "${IMG_LAYERS[$subj]}" "${IMG_LAYERS[$o]}")
    ((n > bestn)) || continue
    best=$o bestn=$n
  done
  if [[ -n "$best" ]]; then
    IMG_BASE[$subj]=$best IMG_SHARED_N[$subj]=$bestn
    IMG_SHARED[$subj]="$bestn of $(wc -w <<<"${IMG_LAYERS[$subj]}") layers"
    if [[ -z "${IMG_KIND[$best]:-}" && " ${USED_BASES[*]} " != *" $best "* ]]; then
      USED_BASES+=("$best")
    fi
  fi
done

# env.json: the machine, the engines, the options, the images and bases.
write_env() {
  local images='[]' bases='[]' subj b id digest
  for subj in "${IMAGES[@]}"; do
    id=$(M image inspect -f '{{.Id}}' "$subj" 2>/dev/null || true)
    digest=$(manifest "$subj" 2>/dev/null | sha256sum | cut -d' ' -f1)
    b=${BASE_OF[$subj]:-}
    images=$(jq -c --arg s "$subj" --arg id "$id" --arg d "sha256:$digest" \
      --arg svc "${IMG_SERVICE[$subj]}" --arg v "${IMG_VARIANT[$subj]}" --arg k "${IMG_KIND[$subj]}" \
      --arg base "${b:+${BASES[$b]}}" --arg bk "${b:+${BASE_KIND[$b]:-unknown}}" \
      --arg warm "${IMG_BASE[$subj]:-}" \
      '. + [{subject: $s, service: $svc, variant: $v, kind: $k, id: $id, registry_digest: $d,
             base: $base, base_kind: $bk, warm_source: $warm}]' <<<"$images")
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
    --arg crun "$(crun --version 2>/dev/null | head -n1 || true)" \
    --arg default_runtime "$DOCKER_RUNTIME" \
    --arg driver "$(E info --format '{{.Driver}}' 2>/dev/null || true)" \
    --arg cgroup "$(E info --format '{{.CgroupVersion}}' 2>/dev/null || true)" \
    --arg rev "$(git -C "$ROOT" rev-parse HEAD 2>/dev/null || echo unknown)" \
    --argjson dirty "$([[ -n "$(git -C "$ROOT" status --porcelain 2>/dev/null)" ]] && echo true || echo false)" \
    --arg registry "$REG_HOST:$REG_PORT" --arg regver "$("$REGISTRY_BIN" --version 2>/dev/null || true)" \
    --arg wrk "$(wrk -v 2>&1 | head -n1 || true)" \
    --arg args "${ARGS_ORIG[*]}" \
    --arg services "${SERVICES[*]}" --arg variants "${VARIANTS[*]}" --arg profiles "${PROFILES[*]}" \
    --arg phases "${PHASE_LIST[*]}" --arg peers "${PEERS[*]}" --arg runtimes "${RUNTIMES[*]}" \
    --arg plan_args "${PLAN_ARGS[*]}" \
    --arg build_services "${BUILD_SERVICES[*]}" --arg build_cold "$BUILD_COLD" \
    --arg cold_profile "$COLD_PROFILE" \
    --argjson load_duration "$LOAD_DURATION" --argjson load_conns "$LOAD_CONNS" \
    --argjson quick "$QUICK" --argjson full "$FULL" \
    --arg missing "${MISSING[*]}" --arg peer_failures "${PEER_FAILURES[*]}" \
    --arg started "$STARTED" \
    --argjson images "$images" --argjson bases "$bases" \
    '{started: $started, kernel: $kernel, arch: $arch, cpu_model: $cpu, cores: $cores, memory_bytes: $mem,
      engine: {command: $engine_cmd, mode: $engine_mode, client_version: $client, server_version: $server,
               containerd: $containerd, runc: $runc, crun: $crun, default_runtime: $default_runtime,
               storage_driver: $driver, cgroup_version: $cgroup},
      git: {revision: $rev, dirty: $dirty},
      registry: {address: $registry, version: $regver}, wrk: $wrk,
      options: {args: $args, services: $services, variants: $variants, profiles: $profiles, phases: $phases,
                peers: $peers, runtimes: $runtimes, plan_args: $plan_args,
                build_services: $build_services, build_cold: $build_cold,
                cold_profile: $cold_profile, load_duration_s: $load_duration,
                load_connections: $load_conns, load_threads: 1,
                load_pinning: "wrk on core 0, server on core 1",
                load_access_log: "off (services LOG_LEVEL=warn, nginx access_log off)",
                quick: ($quick == 1), full: ($full == 1)},
      not_measured: {missing_images: $missing, failed_peers: $peer_failures},
      images: $images, bases: $bases}' >"$OUT/env.json"
}

# subjects.tsv for the planner: sizes and layers from the size phase;
# warm_*: the layers (and their bytes) a warm pull still fetches, those
# after the prefix shared with the warm source.
write_subjects() {
  local f=$OUT/subjects.tsv subj man wire layers warm wl st
  printf 'subject\tservice\tvariant\tkind\twire_bytes\tuncompressed_bytes\tlayers\twarm_wire_bytes\twarm_layers\tstartable\n' >"$f"
  for subj in "${IMAGES[@]}" "${NATIVES[@]}"; do
    wire=${WIRE_BYTES[$subj]:-0} layers=0 warm=0 wl=0 st=0
    [[ -z "${IMG_READY[$subj]}" ]] || st=1
    if [[ "${IMG_KIND[$subj]}" != native ]] && man=$(manifest "$subj" 2>/dev/null); then
      layers=$(jq '.layers | length' <<<"$man")
      if [[ -n "${IMG_BASE[$subj]:-}" ]]; then
        warm=$(jq --argjson n "${IMG_SHARED_N[$subj]}" '[.layers[].size] | .[$n:] | add // 0' <<<"$man")
        wl=$((layers - IMG_SHARED_N[$subj]))
      fi
    fi
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$subj" "${IMG_SERVICE[$subj]}" "${IMG_VARIANT[$subj]}" \
      "${IMG_KIND[$subj]}" "$wire" "${UNCOMP_BYTES[$subj]:-0}" "$layers" "$warm" "$wl" "$st" >>"$f"
  done
}

# timed_block NAME STEPS FUNCTION: a block outside the plan (size, sbom),
# its time in budget.csv like the planned ones (planned: -).
timed_block() {
  local name=$1 steps=$2 t0
  t0=$(date +%s)
  "$3"
  printf '%s,%s,%s,-,%s\n' "$name" "$steps" "$steps" "$(($(date +%s) - t0))" >>"$OUT/budget.csv"
}

count_services() {
  local s n=0
  for s in "${IMAGES[@]}"; do [[ "${IMG_KIND[$s]}" != service ]] || n=$((n + 1)); done
  echo "$n"
}

# phase_sbom: what is inside each service image (CycloneDX SBOMs, validated)
# and what an attacker finds in it (attack surface), into sbom/.
phase_sbom() {
  local imgs=() s
  for s in "${IMAGES[@]}"; do [[ "${IMG_KIND[$s]}" != service ]] || imgs+=("$s"); done
  ((${#imgs[@]} > 0)) || return 0
  say "sbom: ${#imgs[@]} SBOMs and the attack-surface table into $OUT/sbom (logs/sbom.log)"
  mkdir -p "$OUT/sbom"
  ENGINE=$ENGINE bash "$ROOT/scripts/sbom.sh" "$OUT/sbom" "${imgs[@]}" >>"$OUT/logs/sbom.log" 2>&1 ||
    say "sbom: scripts/sbom.sh failed (logs/sbom.log; make sbom-tools installs cdxgen)"
  ENGINE=$ENGINE bash "$ROOT/scripts/attack-surface.sh" -o "$OUT/sbom/attack-surface.csv" \
    -o "$OUT/sbom/attack-surface.json" "${imgs[@]}" >>"$OUT/logs/sbom.log" 2>&1 ||
    say "sbom: scripts/attack-surface.sh failed (logs/sbom.log)"
}

STARTED=$(date -u +%Y-%m-%dT%H:%M:%SZ)
profiles_load "$HERE/profiles.conf" "$PROFILES_OPT"
LOOP_PROFILE=''
for p in "${PROFILES[@]}"; do
  if [[ "${PROF_RATE[$p]}" == 0 && "${PROF_RTT[$p]}" == 0 ]]; then LOOP_PROFILE=$p; break; fi
done

registry_start "$REGISTRY_ADDR"
if [[ -z "$LOOP_PROFILE" ]]; then
  # An unemulated path is needed to stage images for warm starts and load.
  profiles_load "$HERE/profiles.conf" "$PROFILES_OPT,loopback"
  LOOP_PROFILE=loopback
fi
links_start

say "pushing ${#IMAGES[@]} images and ${#USED_BASES[@]} bases to $REG_HOST:$REG_PORT"
for subj in "${USED_BASES[@]}" "${IMAGES[@]}"; do
  push "$subj" || say "push of $subj failed (logs/push.log)"
done

if [[ "$ENGINE_MODE" == private ]]; then
  engine_private_start
else
  on_exit 'container_rm; engine_wipe >/dev/null 2>&1'
fi
DOCKER_RUNTIME=$(E info --format '{{.DefaultRuntime}}' 2>/dev/null || echo unknown)
write_env

# From here on a failed measurement is a sample with status=fail, never the
# end of the run: the steps check every call themselves.
set +e
echo 'block,steps_planned,steps_run,planned_s,spent_s' >"$OUT/budget.csv"
timed_block size "${#IMAGES[@]}" phase_size
! wants sbom || timed_block sbom "$(count_services)" phase_sbom
write_subjects
plan_args=(--subjects "$OUT/subjects.tsv" --profiles "$OUT/profiles.csv" --out "$OUT"
  --phases "$(tr ' ' '\n' <<<"${PHASE_LIST[*]}" | grep -vE '^(size|sbom)$' | paste -sd, -)"
  --runtimes "$RUNTIMES_OPT" --cold-profile "$COLD_PROFILE" --load-duration "$LOAD_DURATION"
  --build-services "$BUILD_SERVICES_OPT")
[[ "$QUICK" == 0 ]] || plan_args+=(--quick)
[[ "$FULL" == 0 ]] || plan_args+=(--full)
if ! "$BENCHPLAN" "${plan_args[@]}" "${PLAN_ARGS[@]}" 2>"$OUT/logs/plan.log"; then
  cat "$OUT/logs/plan.log" >&2
  die "benchplan failed"
fi
sed 's/^benchplan: /bench: plan: /' "$OUT/logs/plan.log" >&2
run_plan "$OUT/plan.tsv"

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
