#!/usr/bin/env bash
# cri-api.sh GOPATH: put the Kubernetes CRI API's Go package (k8s.io/cri-api,
# runtime v1) into GOPATH/src/k8s.io/cri-api, from the vendor tree of
# Debian's containerd SOURCE package, verified.
#
# The CRI client (benchmarks/cri/podbench) builds offline in GOPATH mode
# against this tree plus Debian's golang-google-grpc-dev and
# golang-github-gogo-protobuf-dev (/usr/share/gocode). No module proxy.
#
# Pins, checked in this order (a mismatch stops with a precise message):
#   - the Debian source version of containerd (apt checks every file against
#     the signed Sources index);
#   - the sha256 of the upstream .orig tarball;
#   - the sha256 over the copied cri-api tree (every file's sha256, sorted
#     by path), so a Debian patch touching the API cannot slip in.
# Idempotent: GOPATH/src/k8s.io/.cri-api.done holds the fingerprint of this
# script; when it matches, nothing is fetched.
#
# Needs root only the first time, to add deb-src entries to apt. They are
# derived from the machine's own apt configuration (the same files and the
# same derivation as scripts/toolchain.sh): no archive host is written here.
set -euo pipefail

me=cri-api.sh
die() { echo "$me: $*" >&2; exit 1; }
say() { echo "$me: $*" >&2; }

# --- pins ------------------------------------------------------------------
PKG=containerd
VERSION=1.6.20~ds1-1+deb12u3
ORIG="containerd_1.6.20~ds1.orig.tar.xz=270136d05125f15636f036d4ea846581c0e49a1d3a5e6001115098f4b656d688"
# k8s.io/cri-api v0.25.0 as vendored by containerd 1.6.20.
TREE_SHA256=8cc38f392e4c4c9fc1e0b6876e10112b59832d41a472369a77e438a8db172843

[[ $# -eq 1 && -n "$1" ]] || { echo "usage: $me GOPATH" >&2; exit 2; }
mkdir -p "$1/src/k8s.io" || die "cannot create $1/src/k8s.io"
GOPATH_DIR=$(cd "$1" && pwd)
DEST=$GOPATH_DIR/src/k8s.io/cri-api
STAMP=$GOPATH_DIR/src/k8s.io/.cri-api.done

for tool in apt-get apt-cache dpkg-source sha256sum xz flock; do
  command -v "$tool" >/dev/null ||
    die "cannot find $tool: install the cri group with scripts/deps.sh cri"
done

exec 9>"$GOPATH_DIR/src/k8s.io/.lock"
flock 9

tree_sum() {  # tree_sum DIR(parent) NAME -> sha256 over sorted per-file sums
  (cd "$1" && find "$2" -type f -print0 | LC_ALL=C sort -z |
    xargs -0 sha256sum | sha256sum | cut -d' ' -f1)
}

fingerprint=$(sha256sum <"${BASH_SOURCE[0]}" | cut -d' ' -f1)
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$fingerprint" && -d "$DEST" ]] &&
   [[ "$(tree_sum "$GOPATH_DIR/src/k8s.io" cri-api)" == "$TREE_SHA256" ]]; then
  exit 0
fi

# --- deb-src entries (see scripts/toolchain.sh for the same derivation) ----
SRC_LIST=/etc/apt/sources.list.d/slimline-deb-src.sources
SRC_LIST_CLASSIC=/etc/apt/sources.list.d/slimline-deb-src.list
derive_deb822() {
  awk 'BEGIN { RS = ""; ORS = "\n\n" }
       /(^|\n)Types:[^\n]*(^| )deb( |\n|$)/ && /(^|\n)URIs:[^\n]*debian/ &&
       !/(^|\n)Enabled: *no/ {
         sub(/(^|\n)Types:[^\n]*/, "\nTypes: deb-src"); sub(/^\n/, ""); print }'
}
derive_classic() {
  awk '$1 == "deb" && $0 ~ /debian/ { $1 = "deb-src"; print }'
}
# Not `apt-cache ... | grep -q`: grep stops early, apt-cache gets SIGPIPE and
# pipefail turns a hit into a failure.
have_sources() { [[ "$(apt-cache showsrc "$PKG" 2>/dev/null)" == *Package:* ]]; }

if ! have_sources; then
  [[ $(id -u) -eq 0 ]] ||
    die "apt has no deb-src entries and only root can add them: run as root once, or add deb-src lines for your Debian archive"
  shopt -s nullglob
  deb822="" classic=""
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ "$f" == "$SRC_LIST" ]] && continue
    deb822+=$(derive_deb822 <"$f")$'\n'
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f "$f" && "$f" != "$SRC_LIST_CLASSIC" ]] || continue
    classic+=$(derive_classic <"$f")$'\n'
  done
  shopt -u nullglob
  [[ -n "${deb822//[$'\n']/}" || -n "${classic//[$'\n']/}" ]] ||
    die "no Debian 'deb' entry found in /etc/apt/sources.list{,.d/}: cannot derive deb-src entries"
  if [[ -n "${deb822//[$'\n']/}" && ! -f "$SRC_LIST" ]]; then
    printf '# written by benchmarks/cri/cri-api.sh: deb-src twins of the deb entries\n%s' "$deb822" >"$SRC_LIST"
    say "added deb-src entries: $SRC_LIST"
  fi
  if [[ -n "${classic//[$'\n']/}" && ! -f "$SRC_LIST_CLASSIC" ]]; then
    printf '# written by benchmarks/cri/cri-api.sh: deb-src twins of the deb entries\n%s' "$classic" >"$SRC_LIST_CLASSIC"
    say "added deb-src entries: $SRC_LIST_CLASSIC"
  fi
  say "apt-get update (source indexes)"
  for try in 1 2 3 4 5 6; do
    apt-get update -qq && break
    [[ $try -lt 6 ]] || die "apt-get update failed (see above)"
    say "apt-get update failed (another apt running?), retrying in 5 s"
    sleep 5
  done
  have_sources || die "apt still knows no source package $PKG after adding deb-src entries"
fi

# --- fetch and verify ------------------------------------------------------
avail=$(apt-cache showsrc "$PKG" 2>/dev/null | sed -n 's/^Version: //p' | tr '\n' ' ')
[[ " $avail " == *" $VERSION "* ]] ||
  die "source package $PKG=$VERSION is not available from apt (available: ${avail:-none}); update the pins in $me after checking the new version"

work=$(mktemp -d "${TMPDIR:-/tmp}/slimline-cri-api.XXXXXX")
trap 'rm -rf "$work"' EXIT
# apt drops privileges to _apt for downloads; let it write here.
if [[ $(id -u) -eq 0 ]] && id _apt >/dev/null 2>&1; then chown _apt "$work"; fi

say "fetching $PKG=$VERSION (apt checks it against the signed Sources index)"
(cd "$work" && apt-get source -qq "$PKG=$VERSION" >/dev/null 2>"$work/apt.log") || {
  cat "$work/apt.log" >&2
  die "apt-get source $PKG=$VERSION failed"
}
file=${ORIG%%=*} sum=${ORIG#*=}
[[ -f "$work/$file" ]] || die "expected upstream tarball $file not fetched"
got=$(sha256sum "$work/$file" | cut -d' ' -f1)
[[ "$got" == "$sum" ]] || die "sha256 mismatch for $file: got $got, pinned $sum"
say "verified $file sha256 $sum"

src=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name "$PKG-*" | head -n1)
[[ -n "$src" && -d "$src/vendor/k8s.io/cri-api" ]] ||
  die "$PKG source has no vendor/k8s.io/cri-api (a repacked source without vendor tree?)"
got=$(tree_sum "$src/vendor/k8s.io" cri-api)
[[ "$got" == "$TREE_SHA256" ]] ||
  die "vendor/k8s.io/cri-api tree sha256 mismatch: got $got, pinned $TREE_SHA256"

rm -rf "$DEST"
cp -R "$src/vendor/k8s.io/cri-api" "$DEST"
echo "$fingerprint" >"$STAMP"
say "k8s.io/cri-api (tree sha256 $TREE_SHA256) from $PKG $VERSION in $DEST"
