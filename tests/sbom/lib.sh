# shellcheck shell=bash
# tests/sbom/lib.sh: shared by the SBOM, scan and attack-surface tests
# (sourced). Results (ok / not_ok / skip, result, finish) and the scratch
# directory come from tests/lib/test-lib.sh. Images under test:
# $IMAGE_PREFIX/<service>:<variant> for SERVICES x VARIANTS.
set -uo pipefail
# shellcheck source=tests/lib/test-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/test-lib.sh"
export SL_ROOT
SL_ROOT=$TL_ROOT
IMAGE_PREFIX=${IMAGE_PREFIX:-slimline}
read -r -a SERVICES_A <<<"${SERVICES:-hello whoami notes}"
read -r -a VARIANTS_A <<<"${VARIANTS:-naive alpine scratch}"
ENGINE=${ENGINE:-docker}
docker() { command "$ENGINE" "$@"; }

images() {
  local s v
  for s in "${SERVICES_A[@]}"; do
    for v in "${VARIANTS_A[@]}"; do echo "$IMAGE_PREFIX/$s:$v"; done
  done
}
service_of() { local r=${1##*/}; echo "${r%%:*}"; }
variant_of() { echo "${1##*:}"; }

TMPD=$TL_TMP

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
  docker info >/dev/null 2>&1 || { not_ok "Docker engine" "no Docker engine answers: run scripts/engine.sh ensure"; finish; }
  for img in $(images); do
    docker image inspect "$img" >/dev/null 2>&1 || { not_ok "image $img" "missing: run make images"; missing=1; }
  done
  [[ $missing == 0 ]] || finish
}
