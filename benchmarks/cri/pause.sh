#!/usr/bin/env bash
# pause.sh: the project's pod sandbox image, built from source.
#
#   pause.sh build OUTDIR            compile benchmarks/cri/pause/pause.c with
#                                    musl-gcc -static into OUTDIR/pause and
#                                    write a one-layer image on scratch as an
#                                    OCI layout in OUTDIR/oci; prints the
#                                    manifest digest (sha256:...)
#   pause.sh push OUTDIR HOST:PORT   push that layout to the registry at
#                                    HOST:PORT (plain HTTP, loopback only) as
#                                    slimline/pause:TAG; checks the registry
#                                    serves the same digest; prints the pinned
#                                    reference HOST:PORT/slimline/pause@sha256:...
#   pause.sh ref OUTDIR HOST:PORT    print that reference without pushing
#
# The image is built without any engine: a deterministic tar (sorted, owner
# 0, mtime 0), gzip -n, a config and an OCI manifest written here, so the
# digest depends only on the binary. Entrypoint /pause, user 65535:65535
# (as Kubernetes' pause). Exit: 0 ok, 1 failure, 2 usage.
set -euo pipefail

# The header above, up to its first non-comment line, is the help text.
help_text() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; }

me=pause.sh
die() { echo "$me: $*" >&2; exit 1; }
usage() { help_text >&2; exit 2; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
SRC=$ROOT/benchmarks/cri/pause/pause.c
REPO=slimline/pause
TAG=1.0
MUSL_CC=${MUSL_CC:-musl-gcc}

sha() { sha256sum "$1" | cut -d' ' -f1; }
size() { stat -c %s "$1"; }

build() {
  local out=$1 tmp diff_id layer cfg man
  for tool in "$MUSL_CC" tar gzip sha256sum; do
    command -v "$tool" >/dev/null || die "cannot find $tool: install the cri group with scripts/deps.sh cri"
  done
  mkdir -p "$out" || die "cannot create $out"
  out=$(cd "$out" && pwd)
  # Build into a fresh directory, then swap it in: a half-written layout is
  # never left behind.
  tmp=$(mktemp -d "$out/.build.XXXXXX")
  trap 'rm -rf "$tmp"' EXIT
  mkdir -p "$tmp/rootfs" "$tmp/oci/blobs/sha256"
  "$MUSL_CC" -std=c11 -D_POSIX_C_SOURCE=200809L -Wall -Wextra -Wshadow \
    -Wstrict-prototypes -Wmissing-prototypes -Werror -Os -static -s \
    -o "$tmp/rootfs/pause" "$SRC" || die "cannot compile $SRC with $MUSL_CC"
  [[ "$("$tmp/rootfs/pause" -v)" == slimline-pause* ]] || die "built pause does not answer -v"

  tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 \
    --mode='u=rwx,go=rx' --format=posix \
    --pax-option=exthdr.name=%d/PaxHeaders/%f,delete=atime,delete=ctime \
    -C "$tmp/rootfs" -cf "$tmp/layer.tar" pause
  diff_id=$(sha "$tmp/layer.tar")
  gzip -n -9 -c "$tmp/layer.tar" >"$tmp/layer.tar.gz"
  layer=$(sha "$tmp/layer.tar.gz")
  mv "$tmp/layer.tar.gz" "$tmp/oci/blobs/sha256/$layer"

  printf '{"architecture":"amd64","os":"linux","created":"1970-01-01T00:00:00Z","config":{"User":"65535:65535","Entrypoint":["/pause"],"Labels":{"org.opencontainers.image.title":"slimline pause","org.opencontainers.image.version":"%s","org.opencontainers.image.licenses":"MIT"}},"rootfs":{"type":"layers","diff_ids":["sha256:%s"]},"history":[{"created":"1970-01-01T00:00:00Z","created_by":"benchmarks/cri/pause.sh"}]}' \
    "$TAG" "$diff_id" >"$tmp/config.json"
  cfg=$(sha "$tmp/config.json")
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.manifest.v1+json","config":{"mediaType":"application/vnd.oci.image.config.v1+json","digest":"sha256:%s","size":%d},"layers":[{"mediaType":"application/vnd.oci.image.layer.v1.tar+gzip","digest":"sha256:%s","size":%d}]}' \
    "$cfg" "$(size "$tmp/config.json")" "$layer" "$(size "$tmp/oci/blobs/sha256/$layer")" >"$tmp/manifest.json"
  man=$(sha "$tmp/manifest.json")
  mv "$tmp/config.json" "$tmp/oci/blobs/sha256/$cfg"
  printf '{"schemaVersion":2,"mediaType":"application/vnd.oci.image.index.v1+json","manifests":[{"mediaType":"application/vnd.oci.image.manifest.v1+json","digest":"sha256:%s","size":%d,"annotations":{"org.opencontainers.image.ref.name":"%s"}}]}' \
    "$man" "$(size "$tmp/manifest.json")" "$TAG" >"$tmp/oci/index.json"
  mv "$tmp/manifest.json" "$tmp/oci/blobs/sha256/$man"
  printf '{"imageLayoutVersion":"1.0.0"}' >"$tmp/oci/oci-layout"

  rm -rf "$out/oci" "$out/pause"
  mv "$tmp/oci" "$out/oci"
  mv "$tmp/rootfs/pause" "$out/pause"
  echo "sha256:$man" >"$out/digest"
  rm -rf "$tmp"
  trap - EXIT
  cat "$out/digest"
}

digest_of() {
  [[ -s "$1/digest" && -f "$1/oci/index.json" ]] || die "no pause image in $1: run '$me build $1' first"
  cat "$1/digest"
}

check_registry() {
  [[ "$1" =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+:[0-9]+$ ]] ||
    die "invalid registry '$1': expected 127.x.y.z:PORT (loopback only)"
}

push() {
  local out=$1 reg=$2 digest got
  check_registry "$reg"
  digest=$(digest_of "$out")
  command -v skopeo >/dev/null || die "cannot find skopeo: install the cri group with scripts/deps.sh cri"
  skopeo copy --quiet --preserve-digests --dest-tls-verify=false \
    "oci:$out/oci:$TAG" "docker://$reg/$REPO:$TAG" >&2 ||
    die "skopeo copy of the pause image to $reg failed"
  got=$(curl -fsS -o /dev/null -w '%header{docker-content-digest}' --max-time 10 \
    -H 'Accept: application/vnd.oci.image.manifest.v1+json' \
    "http://$reg/v2/$REPO/manifests/$TAG") || die "registry $reg does not serve $REPO:$TAG after the push"
  [[ "$got" == "$digest" ]] || die "registry $reg serves $REPO:$TAG as ${got:-no digest}, built $digest"
  echo "$reg/$REPO@$digest"
}

[[ $# -ge 1 ]] || usage
case $1 in
  build) [[ $# -eq 2 ]] || usage; build "$2" ;;
  push) [[ $# -eq 3 ]] || usage; push "$2" "$3" ;;
  ref) [[ $# -eq 3 ]] || usage; check_registry "$3"; echo "$3/$REPO@$(digest_of "$2")" ;;
  -h | --help) help_text; exit 0 ;;
  *) usage ;;
esac
