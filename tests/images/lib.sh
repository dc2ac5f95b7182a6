# tests/images/lib.sh: shared by the image tests (sourced, not run).
#
# Reads IMAGE_PREFIX, SERVICES, VARIANTS, ENGINE and build/bases.env (via
# SL_BUILD_DIR). Gives: result counting (pass/fail/summary), the list of
# images, a description of each image's base (the alpine stand-in is named
# as such on every line), resource names unique to this run, and cleanup.

set -uo pipefail

SL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
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
  echo "failure: $BASES_ENV missing: run make bases" >&2
  exit 1
fi
# shellcheck source=/dev/null
. "$BASES_ENV"

docker() { command "$ENGINE" "$@"; }

PASSED=0
FAILED=0
pass() { PASSED=$((PASSED + 1)); echo "PASS $*"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL $*"; }
# check CONDITION-EXIT-STATUS TEXT: pass or fail on the last command's status.
check() { if [[ $1 == 0 ]]; then pass "$2"; else fail "$2${3:+: $3}"; fi; }
summary() {
  echo "$PASSED passed, $FAILED failed"
  [[ $FAILED == 0 ]]
}

# Lines written by parallel workers ("PASS ..."/"FAIL ...") counted here.
collect() {
  local f line
  for f in "$@"; do
    while IFS= read -r line; do
      case "$line" in
        PASS\ *) pass "${line#PASS }" ;;
        FAIL\ *) fail "${line#FAIL }" ;;
        *) echo "$line" ;;
      esac
    done <"$f"
  done
}

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
  [[ -z "${TMPD:-}" ]] || rm -rf "$TMPD"
}
TMPD=$(mktemp -d)
trap cleanup EXIT
trap 'exit 130' INT TERM

require_images() {
  local img missing=0
  if ! docker info >/dev/null 2>&1; then
    echo "failure: no Docker engine answers: run scripts/engine.sh ensure" >&2
    exit 1
  fi
  for img in $(images); do
    if ! docker image inspect "$img" >/dev/null 2>&1; then
      echo "failure: image $img missing: run make images" >&2
      missing=1
    fi
  done
  [[ $missing == 0 ]] || exit 1
}
