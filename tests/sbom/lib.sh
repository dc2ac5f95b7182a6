# shellcheck shell=bash
# tests/sbom/lib.sh: shared by the SBOM, scan and attack-surface tests
# (sourced). Results: ok / not_ok / skip, counted apart (a skip is never a
# pass), and one closing line "N passed, N failed, N skipped". Images under
# test: $IMAGE_PREFIX/<service>:<variant> for SERVICES x VARIANTS.
set -uo pipefail

export SL_ROOT
SL_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
IMAGE_PREFIX=${IMAGE_PREFIX:-slimline}
read -r -a SERVICES_A <<<"${SERVICES:-hello whoami notes}"
read -r -a VARIANTS_A <<<"${VARIANTS:-naive alpine scratch}"
ENGINE=${ENGINE:-docker}
docker() { command "$ENGINE" "$@"; }

PASSED=0 FAILED=0 SKIPPED=0
ok() { PASSED=$((PASSED + 1)); echo "ok      $*"; }
not_ok() { FAILED=$((FAILED + 1)); echo "not ok  $*"; }
skip() { SKIPPED=$((SKIPPED + 1)); echo "skip    $*"; }
# check STATUS TEXT [DETAIL]: ok when STATUS is 0.
check() { if [[ $1 == 0 ]]; then ok "$2"; else not_ok "$2${3:+: $3}"; fi; }
summary() {
  echo "$PASSED passed, $FAILED failed, $SKIPPED skipped"
  [[ $FAILED == 0 ]]
}

images() {
  local s v
  for s in "${SERVICES_A[@]}"; do
    for v in "${VARIANTS_A[@]}"; do echo "$IMAGE_PREFIX/$s:$v"; done
  done
}
service_of() { local r=${1##*/}; echo "${r%%:*}"; }
variant_of() { echo "${1##*:}"; }

TMPD=$(mktemp -d)
cleanup() { rm -rf "$TMPD"; }
trap cleanup EXIT
trap 'exit 130' INT TERM

# cat_from IMAGE PATH: a file of the image, without running it (scratch
# images have no cat); cp_from IMAGE PATH: the same as a tar stream. The
# container is removed here: callers run these in $(...), a subshell, where
# adding to CONTAINERS would be lost.
cp_from() {
  local cid rc
  cid=$(docker create --label slimline.test=sbom "$1") || return 1
  docker cp "$cid:$2" - 2>/dev/null
  rc=$?
  docker rm "$cid" >/dev/null 2>&1
  return $rc
}
cat_from() { cp_from "$1" "$2" | tar -xOf -; }

require_images() {
  local img missing=0
  docker info >/dev/null 2>&1 || { echo "failure: no Docker engine answers: run scripts/engine.sh ensure" >&2; exit 1; }
  for img in $(images); do
    docker image inspect "$img" >/dev/null 2>&1 || { echo "failure: image $img missing: run make images" >&2; missing=1; }
  done
  [[ $missing == 0 ]] || exit 1
}
