# shellcheck shell=bash
# tests/images/lib.sh: shared by the image tests (sourced, not run).
#
# Reads IMAGE_PREFIX, SERVICES, VARIANTS, ENGINE and build/bases.env (via
# SL_BUILD_DIR). Results, finish and the scratch directory come from
# tests/lib/test-lib.sh; this file gives the list of images, a description of each image's base (the alpine stand-in is named
# as such on every line), resource names unique to this run, and cleanup.

set -uo pipefail
# shellcheck source=tests/lib/test-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/test-lib.sh"
SL_ROOT=$TL_ROOT
SL_BUILD_DIR=${SL_BUILD_DIR:-$SL_ROOT/build}
IMAGE_PREFIX=${IMAGE_PREFIX:-slimline}
read -r -a SERVICES_A <<<"${SERVICES:-hello whoami notes}"
read -r -a VARIANTS_A <<<"${VARIANTS:-naive alpine scratch}"
ENGINE=${ENGINE:-docker}
# Resource names: unique per run, so parallel runs and other users of the
# engine are never touched; cleanup removes exactly these.
RUN_ID=sltest-$$
STOP_MAX=${SL_STOP_MAX:-5}

BASES_ENV=$SL_BUILD_DIR/bases.env
if [[ ! -r "$BASES_ENV" ]]; then
  not_ok "bases" "$BASES_ENV missing: run make bases"
  finish
fi
# shellcheck source=/dev/null
. "$BASES_ENV"

docker() { command "$ENGINE" "$@"; }

# Workers run in the background, each into its own file (their ok/not_ok
# are counted by test-lib.sh all the same); the files are shown in order.
collect() { cat "$@"; }

# run_workers: the script's worker IMAGE for every image under test, in
# parallel, each into its own file; then their outputs in order (collect).
run_workers() {
  local n=0 img outs=()
  for img in $(images); do
    n=$((n + 1))
    worker "$img" >"$TMPD/out.$n" 2>&1 &
    outs+=("$TMPD/out.$n")
  done
  wait
  collect "${outs[@]}"
}

images() {
  local s v
  for s in "${SERVICES_A[@]}"; do
    for v in "${VARIANTS_A[@]}"; do echo "$IMAGE_PREFIX/$s:$v"; done
  done
}
service_of() { local r=${1##*/}; echo "${r%%:*}"; }
variant_of() { echo "${1##*:}"; }
multistage() { [[ $(variant_of "$1") != naive ]]; }

# The kind org.slimline.base.kind must carry, from build/bases.env.
expected_kind() {
  case $(variant_of "$1") in
    naive) echo "$DEBIAN_IMAGE_KIND" ;;
    alpine) echo "$ALPINE_IMAGE_KIND" ;;
    scratch) echo upstream ;;
  esac
}

# "slimline/hello:alpine (alpine stand-in, not upstream alpine)" and so on.
describe() {
  local img=$1
  case $(variant_of "$img") in
    alpine)
      if [[ "$ALPINE_IMAGE_KIND" == upstream ]]; then
        echo "$img (upstream alpine $ALPINE_IMAGE)"
      else
        echo "$img (alpine stand-in, not upstream alpine)"
      fi
      ;;
    naive) echo "$img ($DEBIAN_IMAGE, $DEBIAN_IMAGE_KIND)" ;;
    *) echo "$img" ;;
  esac
}

# Cleanup: every container and volume named with this run's prefix.
cleanup() {
  local ids
  ids=$(docker ps -aq --filter "name=^$RUN_ID-" 2>/dev/null)
  [[ -z "$ids" ]] || docker rm -f $ids >/dev/null 2>&1
  ids=$(docker volume ls -q --filter "name=^$RUN_ID-" 2>/dev/null)
  [[ -z "$ids" ]] || docker volume rm -f $ids >/dev/null 2>&1
}
TMPD=$TL_TMP
at_exit cleanup

require_images() {
  local img missing=0
  if ! docker info >/dev/null 2>&1; then
    not_ok "Docker engine" "no Docker engine answers: run scripts/engine.sh ensure"
    finish
  fi
  for img in $(images); do
    if ! docker image inspect "$img" >/dev/null 2>&1; then
      not_ok "image $img" "missing: run make images"
      missing=1
    fi
  done
  [[ $missing == 0 ]] || finish
}
