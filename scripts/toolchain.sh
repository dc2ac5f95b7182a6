#!/usr/bin/env bash
# toolchain.sh PREFIX: the static musl recipe, in one place.
#
# Builds static libraries with musl-gcc into PREFIX/lib and PREFIX/include:
#   libmicrohttpd  the HTTP server library every service links
#   SQLite         the amalgamation, for notes (JSON functions built in)
#   cmocka         only for the unit tests of the static build; never
#                  linked into a service
# Used by `make STATIC=1` (mk/static.mk) on the host and by the `toolchain`
# stage of docker/static.Dockerfile, so both build against the same bytes.
#
# Sources are Debian source packages (upstream tarball plus Debian's
# patches, e.g. CVE-2023-27371 for libmicrohttpd). apt checks every file
# against the signed Sources index; this script also pins the exact Debian
# version and the sha256 of each upstream .orig tarball, so a changed
# tarball or a new Debian revision stops the build with a precise message
# instead of slipping in. See docs/static-build.md.
#
# Idempotent: PREFIX/.done records a fingerprint of this recipe; when it
# matches, nothing is rebuilt. Needs root only to add deb-src entries to
# apt (derived from the machine's own apt configuration) the first time.
#
# Environment: JOBS (parallel make jobs, default 2), MUSL_CC (default
# musl-gcc), TMPDIR (scratch space, removed at the end).
set -euo pipefail

me=toolchain.sh
die() { echo "$me: $*" >&2; exit 1; }
say() { echo "$me: $*" >&2; }

# --- pins ------------------------------------------------------------------
# Debian source version, then the sha256 of every upstream .orig tarball it
# ships (format: file=sha256, space separated).
MHD_PKG=libmicrohttpd
MHD_VERSION=0.9.75-6
MHD_ORIG="libmicrohttpd_0.9.75.orig.tar.xz=796e7e217a4802679fcac667a4e98501c53185dcf50ca0583870e84192620131"

SQLITE_PKG=sqlite3
SQLITE_VERSION=3.40.1-2+deb12u2
SQLITE_ORIG="sqlite3_3.40.1.orig.tar.xz=aaa776260ab4dc976db34aa7891819484c8676b5b2783123ebc6301e2ca5d655
sqlite3_3.40.1.orig-www.tar.xz=a5e95a18d1b59729278860559ded78751b9163ffb5bb906c5cd24c015f71d5fd"

CMOCKA_PKG=cmocka
CMOCKA_VERSION=1.1.5-2.1
CMOCKA_ORIG="cmocka_1.1.5.orig.tar.xz=f0ccd8242d55e2fd74b16ba518359151f6f8383ff8aef4976e48393f77bba8b6"

# Size first; sections per function so the final link can drop unused code.
LIB_CFLAGS="-Os -ffunction-sections -fdata-sections -fno-asynchronous-unwind-tables -fno-unwind-tables"

# SQLite compile-time options (https://sqlite.org/compile.html). Behaviour
# stays that of Debian's shared libsqlite3 (the native build): no option
# here changes SQL semantics, they only drop unused machinery. TEMP_STORE=2
# keeps temporary tables in memory, so a read-only root (scratch image, no
# /tmp) is not needed for sorting or large queries; PRAGMA temp_store still
# overrides it.
SQLITE_DEFS="-DSQLITE_THREADSAFE=1 -DSQLITE_OMIT_LOAD_EXTENSION
  -DSQLITE_DEFAULT_MEMSTATUS=0 -DSQLITE_OMIT_DEPRECATED
  -DSQLITE_OMIT_SHARED_CACHE -DSQLITE_USE_ALLOCA -DSQLITE_TEMP_STORE=2
  -DHAVE_USLEEP=1 -DHAVE_FDATASYNC=1"

# --- arguments and tools ---------------------------------------------------
[[ $# -eq 1 && -n "$1" ]] || { echo "usage: $me PREFIX" >&2; exit 2; }
mkdir -p "$1" || die "cannot create $1"
PREFIX=$(cd "$1" && pwd)
[[ "$PREFIX" != / ]] || die "refusing to install into /"
STAMP=$PREFIX/.done
JOBS=${JOBS:-2}
MUSL_CC=${MUSL_CC:-musl-gcc}

for tool in "$MUSL_CC" gcc make cmake tclsh apt-get dpkg-source sha256sum xz; do
  command -v "${tool%% *}" >/dev/null ||
    die "cannot find $tool: install the static group with scripts/deps.sh static"
done

# One build per PREFIX at a time: a second run (e.g. two `make check` in
# the same tree) waits here, then finds the stamp up to date.
command -v flock >/dev/null || die "cannot find flock (util-linux)"
exec 9>"$PREFIX/.lock"
if ! flock -n 9; then
  say "another toolchain.sh is building into $PREFIX; waiting for it"
  flock 9
fi

# The fingerprint covers the recipe (this file) and the compiler.
fingerprint=$( { sha256sum < "${BASH_SOURCE[0]}"; "$MUSL_CC" -dumpversion;
  dpkg-query -W -f='${Version}' musl-tools 2>/dev/null || true; } |
  sha256sum | cut -d' ' -f1)
if [[ -f "$STAMP" && "$(cat "$STAMP")" == "$fingerprint" ]]; then
  say "up to date in $PREFIX (stamp $STAMP)"
  exit 0
fi

started=$(date +%s)
say "building static libraries with $MUSL_CC ($("$MUSL_CC" -dumpversion)) into $PREFIX"

# --- deb-src entries, derived from the machine's apt configuration ---------
# Copies every enabled Debian "deb" entry as "deb-src" (same URIs, suites,
# components, keys). No host name is written by hand: whatever archive this
# machine already trusts is the one sources come from.
SRC_LIST=/etc/apt/sources.list.d/slimline-deb-src.sources
SRC_LIST_CLASSIC=/etc/apt/sources.list.d/slimline-deb-src.list

derive_deb822() {  # deb822 stanzas from stdin -> deb-src stanzas on stdout
  awk 'BEGIN { RS = ""; ORS = "\n\n" }
       /(^|\n)Types:[^\n]*(^| )deb( |\n|$)/ && /(^|\n)URIs:[^\n]*debian/ &&
       !/(^|\n)Enabled: *no/ {
         sub(/(^|\n)Types:[^\n]*/, "\nTypes: deb-src"); sub(/^\n/, ""); print }'
}
derive_classic() {  # one-line entries from stdin -> deb-src lines on stdout
  awk '$1 == "deb" && $0 ~ /debian/ { $1 = "deb-src"; print }'
}

have_sources() {
  apt-cache showsrc "$MHD_PKG" 2>/dev/null | grep -q '^Package:'
}

if ! have_sources; then
  [[ $(id -u) -eq 0 ]] ||
    die "apt has no deb-src entries and only root can add them: run as root once, or add deb-src lines for your Debian archive"
  shopt -s nullglob
  deb822=""; classic=""
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ "$f" == "$SRC_LIST" ]] && continue
    deb822+=$(derive_deb822 < "$f")$'\n'
  done
  for f in /etc/apt/sources.list /etc/apt/sources.list.d/*.list; do
    [[ -f "$f" && "$f" != "$SRC_LIST_CLASSIC" ]] || continue
    classic+=$(derive_classic < "$f")$'\n'
  done
  shopt -u nullglob
  [[ -n "${deb822//[$'\n']/}" || -n "${classic//[$'\n']/}" ]] ||
    die "no Debian 'deb' entry found in /etc/apt/sources.list{,.d/}: cannot derive deb-src entries"
  if [[ -n "${deb822//[$'\n']/}" ]]; then
    printf '# written by scripts/toolchain.sh: deb-src twins of the deb entries\n%s' "$deb822" > "$SRC_LIST"
    say "added deb-src entries: $SRC_LIST"
  fi
  if [[ -n "${classic//[$'\n']/}" ]]; then
    printf '# written by scripts/toolchain.sh: deb-src twins of the deb entries\n%s' "$classic" > "$SRC_LIST_CLASSIC"
    say "added deb-src entries: $SRC_LIST_CLASSIC"
  fi
  say "apt-get update (source indexes)"
  for try in 1 2 3 4 5 6; do
    apt-get update -qq && break
    [[ $try -lt 6 ]] || die "apt-get update failed (see above)"
    say "apt-get update failed (another apt running?), retrying in 5 s"
    sleep 5
  done
  have_sources || die "apt still knows no source package $MHD_PKG after adding deb-src entries"
fi

# --- fetch and verify ------------------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/slimline-toolchain.XXXXXX")
trap 'rm -rf "$work"' EXIT
# apt drops privileges to _apt for downloads; let it write here.
if [[ $(id -u) -eq 0 ]] && id _apt >/dev/null 2>&1; then chown _apt "$work"; fi

fetch() {  # fetch PKG VERSION "file=sha256 ..." -> source tree path on stdout
  local pkg=$1 version=$2 pins=$3 avail pin file sum got dir
  avail=$(apt-cache showsrc "$pkg" 2>/dev/null | sed -n 's/^Version: //p' | tr '\n' ' ')
  [[ " $avail " == *" $version "* ]] ||
    die "source package $pkg=$version is not available from apt (available: ${avail:-none}); update the pin in $me after checking the new version"
  say "fetching $pkg=$version (apt checks it against the signed Sources index)"
  (cd "$work" && apt-get source -qq "$pkg=$version" >/dev/null) ||
    die "apt-get source $pkg=$version failed"
  for pin in $pins; do
    file=${pin%%=*}; sum=${pin#*=}
    [[ -f "$work/$file" ]] || die "$pkg: expected upstream tarball $file not fetched"
    got=$(sha256sum "$work/$file" | cut -d' ' -f1)
    [[ "$got" == "$sum" ]] ||
      die "$pkg: sha256 mismatch for $file: got $got, pinned $sum"
    say "verified $file sha256 $sum"
  done
  dir=$(find "$work" -mindepth 1 -maxdepth 1 -type d -name "$pkg-*" | head -n1)
  [[ -n "$dir" ]] || die "$pkg: source tree not unpacked"
  echo "$dir"
}

mhd_src=$(fetch "$MHD_PKG" "$MHD_VERSION" "$MHD_ORIG")
sqlite_src=$(fetch "$SQLITE_PKG" "$SQLITE_VERSION" "$SQLITE_ORIG")
cmocka_src=$(fetch "$CMOCKA_PKG" "$CMOCKA_VERSION" "$CMOCKA_ORIG")
mkdir -p "$PREFIX/lib" "$PREFIX/include"

# The build steps run at top level under errexit (no subshell whose status
# is tested, which would switch errexit off); the ERR trap names the step.
step=""
trap 'die "failure while building $step (exit status $?)"' ERR

# --- libmicrohttpd ---------------------------------------------------------
# Lean: plain HTTP only (TLS terminates in front of the service), no auth,
# no HTTP Upgrade, no PostProcessor (the services never parse form bodies;
# leaving it out also leaves out the code CVE-2023-27371 was in), no epoll
# (thread-per-connection mode polls each socket itself); error messages
# kept (MHD_USE_ERROR_LOG explains failures such as a thread that could not
# be created). No unwind tables: C code, stripped binaries.
step="libmicrohttpd $MHD_VERSION"
say "$step: configure and build"
cd "$mhd_src"
./configure -q CC="$MUSL_CC" CFLAGS="$LIB_CFLAGS" \
  --prefix="$PREFIX" --libdir="$PREFIX/lib" \
  --disable-shared --enable-static --with-pic=no \
  --disable-https --without-gnutls --disable-dauth --disable-bauth \
  --disable-httpupgrade --disable-postprocessor --disable-epoll \
  --disable-doc --disable-examples --disable-curl \
  --disable-nls --enable-messages --with-threads=posix >/dev/null
make -s -j"$JOBS" -C src/microhttpd >/dev/null
make -s -C src/microhttpd install >/dev/null
make -s -C src/include install >/dev/null
rm -f "$PREFIX/lib/libmicrohttpd.la"

# --- SQLite ----------------------------------------------------------------
# Debian ships SQLite's full source tree; the single-file amalgamation is
# generated with the host compiler and tclsh, then compiled with musl-gcc.
step="sqlite3 $SQLITE_VERSION"
say "$step: generate the amalgamation (tclsh) and compile it"
mkdir -p "$sqlite_src/bld"
cd "$sqlite_src/bld"
../configure -q --disable-shared --disable-tcl >/dev/null
make -s sqlite3.c >/dev/null
# shellcheck disable=SC2086  # word splitting of the flag lists is wanted
"$MUSL_CC" $LIB_CFLAGS $SQLITE_DEFS -c sqlite3.c -o sqlite3.o
rm -f "$PREFIX/lib/libsqlite3.a"
ar rcs "$PREFIX/lib/libsqlite3.a" sqlite3.o
install -m 0644 sqlite3.h sqlite3ext.h "$PREFIX/include/"

# --- cmocka ----------------------------------------------------------------
step="cmocka $CMOCKA_VERSION"
say "$step: build the static library (unit tests only)"
cd "$cmocka_src"
cmake -S . -B bld -DCMAKE_C_COMPILER="$MUSL_CC" -DCMAKE_BUILD_TYPE=MinSizeRel \
  -DCMAKE_INSTALL_PREFIX="$PREFIX" -DCMAKE_INSTALL_LIBDIR=lib \
  -DWITH_STATIC_LIB=ON -DWITH_EXAMPLES=OFF -DUNIT_TESTING=OFF \
  -DPICKY_DEVELOPER=OFF >/dev/null
cmake --build bld -j "$JOBS" >/dev/null
install -m 0644 bld/src/libcmocka-static.a "$PREFIX/lib/libcmocka.a"
install -m 0644 include/cmocka.h "$PREFIX/include/"
cd /
trap - ERR

# --- licence texts ---------------------------------------------------------
# PREFIX/share/licenses/<component>/ for every library a service links
# statically: the upstream licence file, Debian's copyright file, SPDX (the
# component's SPDX expression, one line) and SOURCE (where its complete
# source is). The image builder copies the folders of what a binary really
# links into /licenses (docker/static-rootfs.sh); docs/dockerfiles.md says
# how each expression was read from its text. musl's texts come from the
# source package of the musl-dev that musl-gcc links (apt verifies it
# against the signed Sources index, as above) and from its Debian package.
install_licences() {
  local lic=$PREFIX/share/licenses musl_pkg musl_version musl_src
  rm -rf "$lic"
  mkdir -p "$lic/libmicrohttpd" "$lic/sqlite3" "$lic/musl"
  # libmicrohttpd: every source file says LGPL 2.1 or later; COPYING also
  # offers the eCos licence for builds without HTTPS (see the docs).
  install -m 0644 "$mhd_src/COPYING" "$lic/libmicrohttpd/COPYING"
  install -m 0644 "$mhd_src/debian/copyright" "$lic/libmicrohttpd/debian-copyright"
  echo "LGPL-2.1-or-later" > "$lic/libmicrohttpd/SPDX"
  echo "Debian source package $MHD_PKG $MHD_VERSION: ${MHD_ORIG//=/ sha256 }" > "$lic/libmicrohttpd/SOURCE"
  # SQLite: public domain, with the blessing that SPDX names "blessing".
  install -m 0644 "$sqlite_src/LICENSE.md" "$lic/sqlite3/LICENSE.md"
  install -m 0644 "$sqlite_src/debian/copyright" "$lic/sqlite3/debian-copyright"
  echo "blessing" > "$lic/sqlite3/SPDX"
  echo "Debian source package $SQLITE_PKG $SQLITE_VERSION: $(echo ${SQLITE_ORIG//=/ sha256 })" > "$lic/sqlite3/SOURCE"
  # musl: MIT as a whole; COPYRIGHT names the third-party parts: TRE regex
  # and FreeBSD math (BSD-2-Clause), Sun math (SunPro), Moshier math (ISC),
  # DES crypt (BSD-3-Clause), blowfish crypt (public domain).
  musl_pkg=$(dpkg-query -W -f='${source:Package}' musl-dev)
  musl_version=$(dpkg-query -W -f='${source:Version}' musl-dev)
  musl_src=$(fetch "$musl_pkg" "$musl_version" "")
  install -m 0644 "$musl_src/COPYRIGHT" "$lic/musl/COPYRIGHT"
  install -m 0644 /usr/share/doc/musl/copyright "$lic/musl/debian-copyright"
  echo "MIT AND BSD-2-Clause AND BSD-3-Clause AND ISC AND SunPro AND LicenseRef-musl-public-domain" > "$lic/musl/SPDX"
  echo "Debian source package $musl_pkg $musl_version (binary package musl-dev $(dpkg-query -W -f='${Version}' musl-dev))" > "$lic/musl/SOURCE"
  local f
  for f in libmicrohttpd/COPYING sqlite3/LICENSE.md musl/COPYRIGHT \
           {libmicrohttpd,sqlite3,musl}/{debian-copyright,SPDX,SOURCE}; do
    [[ -s "$lic/$f" ]] || die "missing after installing the licence texts: $lic/$f"
  done
}
install_licences

# --- check and stamp -------------------------------------------------------
for f in lib/libmicrohttpd.a lib/libsqlite3.a lib/libcmocka.a \
         include/microhttpd.h include/sqlite3.h include/cmocka.h; do
  [[ -s "$PREFIX/$f" ]] || die "missing after build: $PREFIX/$f"
done
cat > "$PREFIX/VERSIONS" <<EOF
# scripts/toolchain.sh: what is in $PREFIX
compiler $MUSL_CC $("$MUSL_CC" -dumpversion), musl-tools $(dpkg-query -W -f='${Version}' musl-tools 2>/dev/null || echo unknown)
$MHD_PKG $MHD_VERSION
$SQLITE_PKG $SQLITE_VERSION
$CMOCKA_PKG $CMOCKA_VERSION
EOF
echo "$fingerprint" > "$STAMP"
say "built libmicrohttpd $MHD_VERSION, sqlite3 $SQLITE_VERSION, cmocka $CMOCKA_VERSION in $(( $(date +%s) - started )) s"
