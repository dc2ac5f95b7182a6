#!/usr/bin/env bash
# sbom.sh OUTDIR IMAGE...: one CycloneDX 1.6 JSON SBOM per image, written to
# OUTDIR/<service>-<variant>.cdx.json, each validated against the published
# schema before this script says it is done. Also OUTDIR/sboms.tsv: image,
# file, components, packages of the image's dpkg database (each one checked
# to be in the SBOM), project_components (the service and the components
# linked into it).
#
# How each SBOM is made (docs/sbom.md):
#   1. the image's file system (docker export of a created, never started
#      container) goes through cdxgen (@cyclonedx/cdxgen, tools/sbom, pinned
#      by its package-lock.json) in rootfs mode, offline (in a network
#      namespace of its own when run as root), keeping the OS packages it
#      finds: every Debian package of a dpkg database (naive), every apk
#      package (upstream alpine);
#   2. alpine: the base image named in org.opencontainers.image.base.name is
#      read the same way, since the alpine stage deletes apk's database; the
#      alpine stand-in has none, and its Debian musl and busybox-static come
#      from its /etc/os-release;
#   3. the project adds what no scanner can see: the service binary (sha256)
#      and, for static binaries, each component the linker map showed linked
#      in (/licenses/COMPONENTS in the image): libmicrohttpd and SQLite with
#      the pins of scripts/toolchain.sh (Debian source version, sha256 of
#      every .orig tarball), musl and GCC's start files from the Debian
#      packages recorded in /licenses/*/SOURCE (orig sha256 from apt-cache
#      showsrc); naive: the Debian packages of the libraries the binary
#      loads (/usr/share/doc/slimline/linked-libraries.tsv) become its
#      dependencies;
#   4. the image itself is metadata.component (image id, labels).
#
# Environment: ENGINE [docker], SL_SBOM_TOOLS [tools/sbom] (node_modules of
# `make sbom-tools`), TMPDIR. Exit status: 0 all written and valid, 1 a
# failure (named on stderr), 2 usage.
set -euo pipefail

me=sbom.sh
say() { echo "$me: $*" >&2; }
die() { say "$*"; exit 1; }
usage() { echo "usage: $me OUTDIR IMAGE..." >&2; exit 2; }

[[ $# -ge 2 && -n "$1" ]] || usage
out=$1
shift
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
engine=${ENGINE:-docker}
tools=${SL_SBOM_TOOLS:-$root/tools/sbom}
cdxgen=$tools/node_modules/.bin/cdxgen
validate=$tools/validate.js

for t in jq node tar sha256sum; do command -v "$t" >/dev/null || die "cannot find $t (scripts/deps.sh sbom)"; done
[[ -x "$cdxgen" && -d "$tools/node_modules/@cyclonedx/cyclonedx-library" ]] ||
  die "cdxgen is not installed in $tools/node_modules: run make sbom-tools"
"$engine" info >/dev/null 2>&1 || die "no Docker engine answers: run scripts/engine.sh ensure"
for img in "$@"; do
  "$engine" image inspect "$img" >/dev/null 2>&1 || die "image $img not found in the engine (make images)"
done
mkdir -p "$out" || die "cannot create $out"
out=$(cd "$out" && pwd)

# The pins of the static recipe, read from the recipe itself.
eval "$(sed -n '/^# --- pins/,/^# Size first/{/^[A-Z_]*=/,/"$/p}' "$root/scripts/toolchain.sh")"
for v in MHD_PKG MHD_VERSION MHD_ORIG SQLITE_PKG SQLITE_VERSION SQLITE_ORIG; do
  [[ -n "${!v:-}" ]] || die "cannot read $v from scripts/toolchain.sh"
done
version=$(sed -n 's/^VERSION *:= *//p' "$root/Makefile")

tmp=$(mktemp -d "${TMPDIR:-/tmp}/slimline-sbom.XXXXXX")
cids=()
cleanup() {
  local c
  for c in "${cids[@]}"; do "$engine" rm -f "$c" >/dev/null 2>&1 || true; done
  rm -rf "$tmp"
}
trap cleanup EXIT

label() { "$engine" image inspect -f "{{index .Config.Labels \"$2\"}}" "$1"; }

# export IMAGE DIR: the image's file system, unpacked (device nodes skipped).
export_fs() {
  local cid
  cid=$("$engine" create "$1") || return 1
  cids+=("$cid")
  mkdir -p "$2"
  "$engine" export "$cid" | tar -C "$2" -xf - --no-same-owner --exclude='dev/*' 2>"$tmp/tar.err" ||
    { cat "$tmp/tar.err" >&2; return 1; }
  "$engine" rm "$cid" >/dev/null
}

# os_packages DIR JSON: cdxgen over a root file system, OS packages only.
os_packages() {
  local run=()
  if [[ $(id -u) -eq 0 ]] && unshare -n true 2>/dev/null; then run=(unshare -n); fi
  (cd "$tmp" && "${run[@]}" "$cdxgen" -t rootfs --spec-version 1.6 --no-install-deps \
    --only pkg:deb --only pkg:apk -o "$2" "$1") >"$2.log" 2>&1 ||
    { tail -n 20 "$2.log" >&2; return 1; }
  jq -e '.components | type == "array"' "$2" >/dev/null ||
    { say "cdxgen wrote no component list to $2 (log $2.log)"; return 1; }
  # cdxgen also lists executables that no package owns, by file name and
  # without a version (pkg:generic): the project lists where those files
  # come from itself (the service; the stand-in's Debian packages).
  jq '.components |= map(select((.purl // "") | test("^pkg:(deb|apk)/")))' "$2" >"$2.tmp" && mv "$2.tmp" "$2"
}

# orig_hashes PKG VERSION: "file sha256" of each .orig tarball apt knows of.
orig_hashes() {
  apt-cache showsrc "$1" 2>/dev/null | awk -v v="$2" '
    /^Package:/ { keep = 0 } /^Version:/ { keep = ($2 == v) }
    /^Checksums-Sha256:/ { sums = keep; next } /^[^ ]/ { sums = 0 }
    sums && $3 ~ /\.orig[^ ]*\.tar\.[a-z0-9]+$/ { print $3, $1 }' | sort -u
}

upstream_of() { local v=${1#*:}; echo "${v%-*}"; }

# component NAME DEBIAN-SRC-PKG DEBIAN-VERSION SPDX "file sha256"... : one
# statically linked component as CycloneDX JSON.
component() {
  local name=$1 src=$2 dver=$3 spdx=$4
  shift 4
  printf '%s\n' "$@" | jq -R 'select(length > 0) | split(" ") |
      {type: "source-distribution", url: .[0], comment: "Debian source package upstream tarball",
       hashes: [{alg: "SHA-256", content: .[1]}]}' |
    jq -s --arg name "$name" --arg src "$src" --arg dver "$dver" --arg up "$(upstream_of "$dver")" --arg spdx "$spdx" '
      "pkg:deb/debian/\($src)@\($dver | gsub("\\+"; "%2B"))?arch=source&distro=debian-12" as $purl |
      {type: "library", "bom-ref": $purl, name: $name, version: $up, purl: $purl,
       licenses: [{expression: $spdx}],
       properties: [{name: "slimline:linkage", value: "static"},
                    {name: "slimline:debian-source", value: "\($src) \($dver)"}]}
      + (if length > 0 then {externalReferences: .} else {} end)'
}

# project_components ROOTFS VARIANT SERVICE: the service and what it links.
static_components() {
  local fs=$1 c src line pkg dver pins=()
  while read -r c; do
    [[ -n "$c" && "$c" != slimline ]] || continue
    line=$(cat "$fs/licenses/$c/SOURCE")
    case $c in
      libmicrohttpd)
        [[ "$line" == *"$MHD_PKG $MHD_VERSION"* ]] ||
          die "$c in the image ('$line') is not scripts/toolchain.sh's $MHD_PKG $MHD_VERSION: rebuild the images"
        mapfile -t pins < <(tr ' ' '\n' <<<"$MHD_ORIG" | grep . | tr '=' ' ')
        component libmicrohttpd "$MHD_PKG" "$MHD_VERSION" "$(cat "$fs/licenses/$c/SPDX")" "${pins[@]}"
        ;;
      sqlite3)
        [[ "$line" == *"$SQLITE_PKG $SQLITE_VERSION"* ]] ||
          die "$c in the image ('$line') is not scripts/toolchain.sh's $SQLITE_PKG $SQLITE_VERSION: rebuild the images"
        mapfile -t pins < <(tr ' \n' '\n\n' <<<"$SQLITE_ORIG" | grep . | tr '=' ' ')
        component sqlite "$SQLITE_PKG" "$SQLITE_VERSION" "$(cat "$fs/licenses/$c/SPDX")" "${pins[@]}"
        ;;
      musl | libgcc)
        # "Debian source package musl 1.2.3-1 (...)" or
        # "Debian binary package libgcc-12-dev V (source gcc-12 V)"
        local re_src='^Debian source package ([^ ]+) ([^ ]+)' re_bin='\(source ([^ ]+) ([^ )]+)\)'
        if [[ "$line" =~ $re_src ]] || [[ "$line" =~ $re_bin ]]; then
          pkg=${BASH_REMATCH[1]} dver=${BASH_REMATCH[2]}
        else
          die "cannot read the Debian source of $c from '$line'"
        fi
        mapfile -t pins < <(orig_hashes "$pkg" "$dver")
        [[ ${#pins[@]} -gt 0 ]] || say "note: apt knows no source $pkg=$dver here: no orig tarball hash for $c"
        component "$([[ $c == musl ]] && echo musl || echo "gcc runtime start files ($pkg)")" \
          "$pkg" "$dver" "$(cat "$fs/licenses/$c/SPDX")" "${pins[@]}"
        ;;
      *) die "unknown component '$c' in $fs/licenses/COMPONENTS" ;;
    esac
  done <"$fs/licenses/COMPONENTS"
}

# standin_components ROOTFS: the alpine stand-in's Debian packages.
standin_components() {
  local pretty
  pretty=$(sed -n 's/^PRETTY_NAME="\(.*\)"$/\1/p' "$1/etc/os-release")
  local re='musl ([^,]+), busybox-static ([^)]+)\)'
  [[ "$pretty" =~ $re ]] ||
    die "cannot read the stand-in's musl and busybox-static versions from its /etc/os-release: $pretty"
  jq -n --arg musl "${BASH_REMATCH[1]}" --arg bb "${BASH_REMATCH[2]}" '
    [["musl", $musl, "MIT"], ["busybox-static", $bb, "GPL-2.0-only"]][] |
    "pkg:deb/debian/\(.[0])@\(.[1] | gsub("\\+"; "%2B") | sub("^(?<e>[0-9]+):"; ""))?arch=amd64&distro=debian-12\(.[1] | if test("^[0-9]+:") then "&epoch=" + capture("^(?<e>[0-9]+):").e else "" end)" as $purl |
    {type: "library", "bom-ref": $purl, name: .[0], version: .[1], purl: $purl,
     licenses: [{expression: .[2]}],
     properties: [{name: "slimline:origin", value: "alpine stand-in base (files copied from the Debian package)"}]}'
}

tsv=$out/sboms.tsv
printf 'image\tfile\tcomponents\tdpkg_packages\tproject_components\n' >"$tsv.tmp"
for img in "$@"; do
  variant=$(label "$img" org.slimline.variant)
  title=$(label "$img" org.opencontainers.image.title)
  service=${title#slimline-}
  case "$variant" in naive | alpine | scratch) ;; *) die "$img has no org.slimline.variant label (not a slimline image?)" ;; esac
  [[ -n "$service" && "$service" != "$title" ]] || die "$img: title label '$title' does not name a slimline service"
  file=$out/$service-$variant.cdx.json
  work=$tmp/${service}-${variant}
  fs=$work/rootfs
  t0=$SECONDS
  say "$img: exporting its file system"
  export_fs "$img" "$fs" || die "cannot export the file system of $img"
  os_packages "$fs" "$work/os.json" || die "cdxgen failed on $img (log $work/os.json.log)"
  echo '[]' >"$work/base.json"
  echo '[]' >"$work/project.json"
  deps='[]'

  if [[ $variant == alpine ]]; then
    base=$(label "$img" org.opencontainers.image.base.name)
    if grep -q '^ID=slimline-alpine-standin$' "$fs/etc/os-release" 2>/dev/null; then
      standin_components "$fs" >"$work/standin.json"
      jq -s . "$work/standin.json" >"$work/base.json"
    elif [[ -n "$base" ]] && "$engine" image inspect "$base" >/dev/null 2>&1; then
      export_fs "$base" "$work/base" || die "cannot export the base image $base"
      os_packages "$work/base" "$work/base-os.json" || die "cdxgen failed on the base $base"
      jq --arg base "$base" '[.components[] | .properties = ((.properties // []) +
          [{name: "slimline:origin", value: "base image \($base) (package database removed in the image)"}])]' \
        "$work/base-os.json" >"$work/base.json"
    else
      say "note: base image '$base' of $img is not in the engine: its packages are not listed"
    fi
  fi

  # Every package of a dpkg database must be in the SBOM, name and version.
  ndeb=0
  if [[ -s "$fs/var/lib/dpkg/status" ]]; then
    awk '/^Package:/ { p = $2 } /^Version:/ { v = $2 }
         /^Status:/ { ok = ($0 ~ / installed$/) }
         /^$/ { if (ok) print p "\t" v; p = v = ""; ok = 0 }
         END { if (ok) print p "\t" v }' "$fs/var/lib/dpkg/status" | sort -u >"$work/dpkg.tsv"
    ndeb=$(wc -l <"$work/dpkg.tsv")
    missing=$(jq -R -s -r --slurpfile os "$work/os.json" '
      ([$os[0].components[] | "\(.name)\t\(.version)"] | map({(.): 1}) | add // {}) as $have |
      split("\n")[] | select(length > 0) | select($have[.] | not)' "$work/dpkg.tsv" | tr '\t' '=' | tr '\n' ' ')
    [[ -z "$missing" ]] || die "$img: cdxgen missed packages of the image's dpkg database: $missing"
  fi

  if [[ $variant == naive ]]; then
    bin=$fs/usr/local/bin/service
    linked=$fs/usr/share/doc/slimline/linked-libraries.tsv
    [[ -s "$linked" ]] || die "$img has no /usr/share/doc/slimline/linked-libraries.tsv (built before licences were added?)"
    # The packages the binary loads, as bom-refs of cdxgen's components.
    deps=$(awk -F'\t' 'NR > 1 { print $2 "\t" $3 }' "$linked" | sort -u |
      jq -R -s --slurpfile os "$work/os.json" '
        [split("\n")[] | select(length > 0) | split("\t") as [$p, $v] |
         ($os[0].components[] | select(.name == $p and .version == $v and ((.purl // "") | test("arch=source") | not)) | ."bom-ref")]
        | unique')
    want=$(awk -F'\t' 'NR > 1 { print $2 }' "$linked" | sort -u | wc -l)
    [[ $(jq length <<<"$deps") -eq $want ]] ||
      die "$img: of the $want packages whose libraries the binary loads, cdxgen listed only $(jq length <<<"$deps")"
  else
    bin=$fs/service
    [[ -s "$fs/licenses/COMPONENTS" ]] || die "$img has no /licenses/COMPONENTS (built before licences were added?)"
    static_components "$fs" | jq -s . >"$work/project.json"
    deps=$(jq '[.[]."bom-ref"]' "$work/project.json")
  fi
  [[ -f "$bin" ]] || die "$img: service binary ${bin#"$fs"} missing"
  sha=$(sha256sum "$bin" | cut -d' ' -f1)

  jq -n --slurpfile os "$work/os.json" --slurpfile base "$work/base.json" --slurpfile proj "$work/project.json" \
    --argjson deps "$deps" --arg img "$img" --arg service "$service" --arg variant "$variant" \
    --arg version "$version" --arg sha "$sha" --arg binpath "${bin#"$fs"}" \
    --arg id "$("$engine" image inspect -f '{{.Id}}' "$img")" \
    --argjson labels "$("$engine" image inspect -f '{{json .Config.Labels}}' "$img")" '
    ($os[0]) as $cdx |
    ("pkg:generic/slimline/\($service)@\($version)?variant=\($variant)") as $svcref |
    ("slimline-image:\($img)") as $imgref |
    {type: "application", "bom-ref": $svcref, name: "slimline-\($service)", version: $version,
     description: "the \($service) service binary (\($binpath)), \(if $variant == "naive" then "dynamically linked against the Debian packages it depends on" else "statically linked with musl" end)",
     purl: $svcref, hashes: [{alg: "SHA-256", content: $sha}],
     licenses: [{license: {id: "MIT"}}],
     properties: [{name: "slimline:path", value: $binpath},
                  {name: "slimline:revision", value: ($labels["org.opencontainers.image.revision"] // "unknown")}]}
      as $svc |
    ($cdx.components + $base[0] + $proj[0]) as $others |
    {bomFormat: "CycloneDX", specVersion: "1.6", serialNumber: $cdx.serialNumber, version: 1,
     metadata: {
       timestamp: $cdx.metadata.timestamp,
       lifecycles: [{phase: "post-build"}],
       tools: {components: (($cdx.metadata.tools.components // []) + [
         {type: "application", name: "slimline scripts/sbom.sh", version: $version,
          description: "adds the components linked into the service binary and the image metadata"}])},
       component: {type: "container", "bom-ref": $imgref, name: ($img | sub(":[^:/]*$"; "")),
         version: ($img | capture(":(?<t>[^:/]*)$").t // "latest"),
         description: "\($labels["org.opencontainers.image.title"]) image, \($variant) variant",
         hashes: [{alg: "SHA-256", content: ($id | sub("^sha256:"; ""))}],
         licenses: [{expression: $labels["org.opencontainers.image.licenses"]}],
         properties: ([{name: "slimline:image-id", value: $id}] +
           [$labels | to_entries[] | select(.key | startswith("org.")) | {name: .key, value: .value}])}},
     components: ([$svc] + $others),
     dependencies: ([{ref: $imgref, dependsOn: ([$svcref] + [$others[]."bom-ref"] | unique)},
                     {ref: $svcref, dependsOn: $deps}])}' >"$file.tmp" ||
    die "cannot assemble the SBOM of $img"
  if ! node "$validate" "$file.tmp" >"$work/validate.log"; then
    cat "$work/validate.log" >&2
    die "the SBOM of $img is not valid CycloneDX 1.6 (kept as $file.tmp)"
  fi
  mv "$file.tmp" "$file"
  n=$(jq '.components | length' "$file")
  nproj=$(jq 'length' "$work/project.json")
  printf '%s\t%s\t%s\t%s\t%s\n' "$img" "${file##*/}" "$n" "$ndeb" "$((nproj + 1))" >>"$tsv.tmp"
  dpkgnote="no dpkg database"
  [[ $ndeb == 0 ]] || dpkgnote="all $ndeb packages of its dpkg database"
  say "$img: $file: $n components ($dpkgnote, $((nproj + 1)) added by the project), valid, $((SECONDS - t0)) s"
  rm -rf "$work"
done
mv "$tsv.tmp" "$tsv"
say "wrote $# SBOM(s) and $tsv"
