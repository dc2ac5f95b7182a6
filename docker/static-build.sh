#!/usr/bin/env bash
# docker/static-build.sh VARIANT: the builder stage's work for one runtime
# variant (scratch | alpine) of $SERVICE, in docker/static.Dockerfile.
#
#   1. build      the static binary with VARIANT baked in, and the linker's
#                 map of every input it used (/build/VARIANT/SERVICE.map)
#   2. smoke run  docker/smoke.sh: the exact binary that ships prints its
#                 variant, serves, answers --healthcheck, exits 0 on SIGTERM
#   3. root fs    /out/VARIANT/rootfs: /service (root-owned), /data (notes,
#                 owned by 65532) and /licenses: the licence folder of each
#                 component the map shows linked in, plus /licenses/SPDX,
#                 the expression that becomes the image's licenses label
#
# Environment (the stage's build arguments): SERVICE (checked by
# docker/check-args.sh first), REVISION, CREATED; TOOLCHAIN [/opt/toolchain],
# BUILD_ROOT [/build] and OUT_ROOT [/out] (to try it outside the image).
# Exit status: 0 done, 1 a step failed (named on stderr), 2 usage.
set -euo pipefail

variant=${1:-}
case "$variant" in scratch | alpine) ;; *) echo "usage: static-build.sh scratch|alpine" >&2; exit 2 ;; esac
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/licenses.sh"
toolchain=${TOOLCHAIN:-/opt/toolchain}
build=${BUILD_ROOT:-/build}/$variant
bin=$build/static/bin/$SERVICE
map=$build/$SERVICE.map
rootfs=${OUT_ROOT:-/out}/$variant/rootfs

# 1. build (LDFLAGS is the user's variable; the map does not change the binary)
make -j2 STATIC=1 TOOLCHAIN="$toolchain" BUILD="$build" WERROR=1 \
  VARIANT="$variant" REVISION="${REVISION:-unknown}" ${CREATED:+BUILD_DATE="$CREATED"} \
  LDFLAGS="-Wl,-Map=$map" "$bin"

# 2. smoke run
bash "$here/smoke.sh" "$bin" "$variant"

# 3. root file system
mkdir -p "$rootfs"
install -m 0755 "$bin" "$rootfs/service"
if [[ "$SERVICE" == notes ]]; then install -d -m 0750 -o 65532 -g 65532 "$rootfs/data"; fi

# Which component each linker input belongs to: archives only when one of
# their members was pulled in, object files always.
component_of() {
  case "$1" in
    "$toolchain"/lib/libmicrohttpd.a) echo libmicrohttpd ;;
    "$toolchain"/lib/libsqlite3.a) echo sqlite3 ;;
    /usr/lib/*-linux-musl/* | /usr/lib/musl/*) echo musl ;;
    /usr/lib/gcc/*) echo libgcc ;;
    "$build"/*) echo slimline ;;
    *) return 1 ;;
  esac
}
inputs=$(awk '/^Archive member included/ { a = 1; next }
  /^(Discarded input sections|Memory Configuration|Allocating common)/ { a = 0 }
  a && /^[^ ]+\(/ { sub(/\(.*/, ""); print }
  /^LOAD / && $2 !~ /\.a$/ { print $2 }' "$map" | sort -u)
[[ -n "$inputs" ]] || { echo "static-build.sh: no linker inputs found in $map" >&2; exit 1; }
found=()
for input in $inputs; do
  c=$(component_of "$input") || {
    echo "static-build.sh: $bin links $input, which belongs to no known component: add its licence to docker/static-build.sh" >&2
    exit 1
  }
  [[ " ${found[*]} " == *" $c "* ]] || found+=("$c")
done
components=(slimline)  # the project first, then the libraries, then the runtime
for c in libmicrohttpd sqlite3 musl libgcc; do
  [[ " ${found[*]} " != *" $c "* ]] || components+=("$c")
done

lic=$rootfs/licenses
mkdir -p "$lic/slimline"
install -m 0644 LICENSE "$lic/slimline/LICENSE"
lic_project_spdx LICENSE >"$lic/slimline/SPDX"
for c in "${components[@]}"; do
  case $c in
    slimline) ;;
    libgcc)
      # GCC's start/end files (crtbeginS.o, crtendS.o) or libgcc.a: GPL 3 or
      # later with the GCC Runtime Library Exception, which lets the binary
      # be conveyed under any terms. The exception's text is cut from the
      # copyright file of the Debian package that ships the files.
      gcc_input=$(grep -m1 '^/usr/lib/gcc/' <<<"$inputs")
      gcc_pkg=$(dpkg-query -S "$gcc_input" | cut -d: -f1)
      mkdir -p "$lic/libgcc"
      sed -n '/^GCC RUNTIME LIBRARY EXCEPTION$/,/^2\. No Weakening of GCC Copyleft\./{p;/^2\./{n;p;n;p;n;p;n;p}}' \
        "/usr/share/doc/$gcc_pkg/copyright" >"$lic/libgcc/GCC-exception-3.1"
      grep -q 'may then convey such a combination under terms of your choice' "$lic/libgcc/GCC-exception-3.1" ||
        { echo "static-build.sh: no GCC Runtime Library Exception text in /usr/share/doc/$gcc_pkg/copyright" >&2; exit 1; }
      echo "GPL-3.0-or-later WITH GCC-exception-3.1" >"$lic/libgcc/SPDX"
      echo "Debian binary package $gcc_pkg $(dpkg-query -W -f='${Version}' "$gcc_pkg") (source $(dpkg-query -W -f='${source:Package} ${source:Version}' "$gcc_pkg"))" >"$lic/libgcc/SOURCE"
      ;;
    *)
      [[ -s "$toolchain/share/licenses/$c/SPDX" ]] ||
        { echo "static-build.sh: $toolchain/share/licenses/$c/SPDX missing (toolchain.sh installs it)" >&2; exit 1; }
      # The upstream texts, SPDX and SOURCE; Debian's copyright files stay
      # in the toolchain (they repeat the upstream texts at length).
      mkdir -p "$lic/$c"
      find "$toolchain/share/licenses/$c" -maxdepth 1 -type f ! -name debian-copyright -exec cp {} "$lic/$c/" \;
      ;;
  esac
done
exprs=()
for c in "${components[@]}"; do exprs+=("$(cat "$lic/$c/SPDX")"); done
lic_combine "${exprs[@]}" >"$lic/SPDX"
printf '%s\n' "${components[@]}" >"$lic/COMPONENTS"
chmod -R a+rX,go-w "$lic"
echo "static-build.sh: $SERVICE:$variant links ${components[*]}: $(cat "$lic/SPDX")"
ls -lnR "$rootfs"
