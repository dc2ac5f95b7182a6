#!/usr/bin/env bash
# bases.sh [--rebuild] [--offline]: provide the base images the Dockerfiles
# name through build arguments, and record which ones were used.
#
#   role         build arg           upstream (default)      local stand-in
#   naive        DEBIAN_IMAGE        debian:bookworm         slimline-local/debian:bookworm
#   builder      DEBIAN_SLIM_IMAGE   debian:bookworm-slim    slimline-local/debian:bookworm-slim
#   alpine       ALPINE_IMAGE        alpine:3.20             slimline-local/alpine-standin:3.20
#
# For each role: the upstream image is used when the engine already has it
# or `docker pull` gets it (bounded by SL_PULL_TIMEOUT). Otherwise a local
# equivalent is built from Debian's archive and the machine's own apt
# sources: Debian with `mmdebstrap --variant=minbase` (slim: plus the dpkg
# path excludes of the upstream slim images), and for alpine a stand-in made
# of Debian's musl and busybox-static, which is NOT upstream Alpine and says
# so in its labels and /etc/os-release. Every local base carries the labels
# org.slimline.base.kind=local-standin and org.slimline.base.note.
#
# The result goes to $SL_BUILD_DIR/bases.env (default build/bases.env), a
# file both `make` and sh can include: NAME=value lines for each role
# (<ROLE>_IMAGE, _KIND, _ID, _DIGEST).
#
# Options:
#   --rebuild   rebuild the local stand-ins even if they exist
#   --offline   do not try `docker pull`
# Environment: SL_BUILD_DIR, SL_PULL_TIMEOUT [20], SL_DOCKER [docker],
#   SL_UPSTREAM_DEBIAN, SL_UPSTREAM_DEBIAN_SLIM, SL_UPSTREAM_ALPINE (upstream
#   names), SL_LOCAL_PREFIX [slimline-local] (repository of the local ones), SL_APT_SOURCES (apt source files for mmdebstrap; default: the
#   machine's own /etc/apt/sources.list and sources.list.d/*.{list,sources}).
# Exit status: 0 success, 1 failure, 2 usage.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$here/.." && pwd)
build_dir=${SL_BUILD_DIR:-$root/build}
pull_timeout=${SL_PULL_TIMEOUT:-20}
read -r -a docker <<<"${SL_DOCKER:-docker}"
suite=bookworm

declare -A UPSTREAM=(
  [DEBIAN]=${SL_UPSTREAM_DEBIAN:-debian:bookworm}
  [DEBIAN_SLIM]=${SL_UPSTREAM_DEBIAN_SLIM:-debian:bookworm-slim}
  [ALPINE]=${SL_UPSTREAM_ALPINE:-alpine:3.20}
)
local_prefix=${SL_LOCAL_PREFIX:-slimline-local}
declare -A LOCAL=(
  [DEBIAN]=$local_prefix/debian:bookworm
  [DEBIAN_SLIM]=$local_prefix/debian:bookworm-slim
  [ALPINE]=$local_prefix/alpine-standin:3.20
)
roles=(DEBIAN DEBIAN_SLIM ALPINE)
declare -A CHOICE KIND

rebuild=0
offline=0
for arg in "$@"; do
  case "$arg" in
    --rebuild) rebuild=1 ;;
    --offline) offline=1 ;;
    *)
      echo "usage: $0 [--rebuild] [--offline]" >&2
      exit 2
      ;;
  esac
done

say() { echo "bases.sh: $*" >&2; }
die() { say "$*"; exit 1; }
now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f s", b - a }'; }

[[ "$pull_timeout" =~ ^[1-9][0-9]*$ ]] || die "invalid SL_PULL_TIMEOUT '$pull_timeout': expected a positive whole number of seconds"
"${docker[@]}" info >/dev/null 2>&1 || die "cannot reach the Docker engine: run scripts/engine.sh ensure first"

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$build_dir"

have_image() { "${docker[@]}" image inspect "$1" >/dev/null 2>&1; }
label_of() {
  "${docker[@]}" image inspect -f "{{index .Config.Labels \"$2\"}}" "$1" 2>/dev/null || true
}

# --- phase 1: decide, per role, upstream / reuse / build -------------------
declare -A NEED_BUILD=()
pull_failed=0
for role in "${roles[@]}"; do
  up=${UPSTREAM[$role]} loc=${LOCAL[$role]}
  if have_image "$up"; then
    kind=$(label_of "$up" org.slimline.base.kind)
    CHOICE[$role]=$up KIND[$role]=${kind:-upstream}
    say "$role: $up present in the engine (kind ${KIND[$role]})"
    continue
  fi
  if [[ $offline == 0 && $pull_failed == 0 ]]; then
    t0=$(now)
    if timeout "$pull_timeout" "${docker[@]}" pull -q "$up" >"$tmp/pull.log" 2>&1; then
      CHOICE[$role]=$up KIND[$role]=upstream
      say "$role: pulled $up ($(took "$t0"))"
      continue
    fi
    # One registry serves all three; do not wait for it again.
    pull_failed=1
    say "$role: cannot pull $up ($(took "$t0")): $(tail -n 1 "$tmp/pull.log"); using local stand-ins"
  fi
  CHOICE[$role]=$loc KIND[$role]=local-standin
  if [[ $rebuild == 0 ]] && have_image "$loc"; then
    say "$role: reusing $loc (kind $(label_of "$loc" org.slimline.base.kind); --rebuild to rebuild)"
  else
    NEED_BUILD[$role]=1
  fi
done

# --- phase 2: build the local stand-ins that are missing -------------------
apt_sources() {
  local f
  if [[ -n "${SL_APT_SOURCES:-}" ]]; then
    for f in $SL_APT_SOURCES; do
      [[ -r "$f" ]] || die "cannot read apt source file $f (SL_APT_SOURCES)"
      echo "$f"
    done
    return
  fi
  # The machine's own apt configuration: whatever archive it uses.
  if [[ -f /etc/apt/sources.list ]] && grep -Eq '^[[:space:]]*deb[[:space:]]' /etc/apt/sources.list; then
    echo /etc/apt/sources.list
  fi
  # Binary entries only: a deb-src file added for source builds has no
  # business in a base image.
  for f in /etc/apt/sources.list.d/*.list; do
    [[ -f "$f" ]] && grep -Eq '^[[:space:]]*deb[[:space:]]' "$f" && echo "$f"
  done
  for f in /etc/apt/sources.list.d/*.sources; do
    [[ -f "$f" ]] && awk 'tolower($1) == "types:" { for (i = 2; i <= NF; i++) if ($i == "deb") found = 1 }
      END { exit !found }' "$f" && echo "$f"
  done
  return 0
}

# mmdebstrap SUITE TARBALL EXTRA_ARGS...: a Debian minbase root file system.
debian_tarball() {
  local out=$1 log=$2
  shift 2
  local sources
  mapfile -t sources < <(apt_sources)
  [[ ${#sources[@]} -gt 0 ]] || die "cannot build a Debian base: no apt sources found on this machine (set SL_APT_SOURCES)"
  # merged-usr hook: the /usr symlinks set up the way debootstrap and the
  # upstream images do, instead of pulling in usrmerge and perl.
  mmdebstrap --variant=minbase --format=tar --quiet \
    --hook-dir=/usr/share/mmdebstrap/hooks/merged-usr \
    --aptopt='Acquire::Languages "none"' \
    "$@" "$suite" "$out" "${sources[@]}" </dev/null >"$log" 2>&1
}

# Upstream debian:*-slim drops documentation, manuals and locales through
# dpkg path excludes; the local slim does the same, at install time.
slim_opts=(
  --dpkgopt='path-exclude=/usr/share/doc/*'
  --dpkgopt='path-include=/usr/share/doc/*/copyright'
  --dpkgopt='path-exclude=/usr/share/man/*'
  --dpkgopt='path-exclude=/usr/share/groff/*'
  --dpkgopt='path-exclude=/usr/share/info/*'
  --dpkgopt='path-exclude=/usr/share/lintian/*'
  --dpkgopt='path-exclude=/usr/share/linda/*'
  --dpkgopt='path-exclude=/usr/share/locale/*'
)

# The alpine stand-in: Debian's musl (the runtime loader and libc) and
# busybox-static (applets as symlinks), a minimal /etc, no package manager.
alpine_tarball() {
  local out=$1 r=$tmp/alpine p applet libc
  for p in musl busybox-static; do
    [[ "$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null)" == "install ok installed" ]] ||
      die "cannot build the alpine stand-in: Debian package $p not installed (scripts/deps.sh images)"
  done
  libc=$(readlink -f /lib/ld-musl-x86_64.so.1)
  [[ -f "$libc" ]] || die "cannot build the alpine stand-in: musl loader /lib/ld-musl-x86_64.so.1 missing"
  mkdir -p "$r"/{bin,sbin,lib,etc,root,tmp,home,mnt,opt,srv,run,proc,sys,dev,var/tmp,var/log,var/empty} \
    "$r"/usr/{bin,sbin,lib,local/bin,share/licenses/musl,share/licenses/busybox-static}
  chmod 1777 "$r/tmp" "$r/var/tmp"
  chmod 700 "$r/root"
  # Same layout as Alpine: the libc is the loader.
  install -m 0755 "$libc" "$r/lib/ld-musl-x86_64.so.1"
  ln -s ld-musl-x86_64.so.1 "$r/lib/libc.musl-x86_64.so.1"
  install -m 0755 /bin/busybox "$r/bin/busybox"
  # Package-manager applets left out: the stand-in has no package manager.
  while read -r applet; do
    case "${applet##*/}" in busybox | dpkg | dpkg-deb | rpm | rpm2cpio) continue ;; esac
    [[ -e "$r/$applet" || -L "$r/$applet" ]] || ln -s /bin/busybox "$r/$applet"
  done < <(/bin/busybox --list-full)
  [[ -L "$r/bin/sh" ]] || die "cannot build the alpine stand-in: busybox has no sh applet"
  cp /usr/share/doc/musl/copyright "$r/usr/share/licenses/musl/copyright"
  cp /usr/share/doc/busybox-static/copyright "$r/usr/share/licenses/busybox-static/copyright"
  printf '%s\n' 'root:x:0:0:root:/root:/bin/sh' \
    'nobody:x:65534:65534:nobody:/:/sbin/nologin' >"$r/etc/passwd"
  printf '%s\n' 'root:x:0:root' 'nobody:x:65534:' >"$r/etc/group"
  printf '%s\n' 'root:*::0:::::' 'nobody:!::0:::::' >"$r/etc/shadow"
  chmod 0640 "$r/etc/shadow"
  printf '%s\n' /bin/sh >"$r/etc/shells"
  cat >"$r/etc/os-release" <<EOF
NAME="slimline alpine stand-in"
ID=slimline-alpine-standin
VERSION_ID=3.20-standin
PRETTY_NAME="alpine stand-in built from Debian packages (musl $(dpkg-query -W -f='${Version}' musl), busybox-static $(dpkg-query -W -f='${Version}' busybox-static)), not upstream Alpine Linux"
EOF
  tar -C "$r" --numeric-owner --owner=0 --group=0 -cf "$out" .
}

declare -A PIDS TARBALL LOGS
if [[ ${#NEED_BUILD[@]} -gt 0 ]]; then
  # mmdebstrap, musl, busybox-static: installed if missing (root), else the
  # command to run is printed.
  "$here/deps.sh" images || die "cannot build the local bases: packages missing"
fi
t_build=$(now)
for role in "${roles[@]}"; do
  [[ -n "${NEED_BUILD[$role]:-}" ]] || continue
  TARBALL[$role]=$tmp/${role,,}.tar
  LOGS[$role]=$build_dir/bases-${role,,}.log
  case $role in
    DEBIAN) debian_tarball "${TARBALL[$role]}" "${LOGS[$role]}" & ;;
    DEBIAN_SLIM) debian_tarball "${TARBALL[$role]}" "${LOGS[$role]}" "${slim_opts[@]}" & ;;
    ALPINE) alpine_tarball "${TARBALL[$role]}" >"${LOGS[$role]}" 2>&1 & ;;
  esac
  PIDS[$role]=$!
  say "$role: building root file system for ${LOCAL[$role]} (log ${LOGS[$role]})"
done

for role in "${roles[@]}"; do
  [[ -n "${PIDS[$role]:-}" ]] || continue
  if ! wait "${PIDS[$role]}"; then
    tail -n 20 "${LOGS[$role]}" >&2
    die "cannot build the root file system for ${LOCAL[$role]} (see ${LOGS[$role]})"
  fi
  say "$role: root file system ready ($(took "$t_build") since the builds started)"
done

# --- phase 3: import with labels -------------------------------------------
created=$(date -u +%Y-%m-%dT%H:%M:%SZ)
for role in "${roles[@]}"; do
  [[ -n "${NEED_BUILD[$role]:-}" ]] || continue
  t0=$(now)
  up=${UPSTREAM[$role]}
  case $role in
    DEBIAN | DEBIAN_SLIM)
      ver=$(tar -xOf "${TARBALL[$role]}" ./etc/debian_version 2>/dev/null || echo unknown)
      slim=
      if [[ $role == DEBIAN_SLIM ]]; then slim=', docs/man/locales excluded like upstream slim'; fi
      note="local equivalent of $up: Debian $suite $ver minbase built with mmdebstrap from Debian's archive$slim, not the upstream image"
      cmd='CMD ["bash"]'
      ;;
    ALPINE)
      note="alpine stand-in, not upstream alpine: musl $(dpkg-query -W -f='${Version}' musl) and busybox-static $(dpkg-query -W -f='${Version}' busybox-static) from Debian packages, no package manager"
      cmd='CMD ["/bin/sh"]'
      ;;
  esac
  "${docker[@]}" import \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin' \
    --change "$cmd" \
    --change 'LABEL org.slimline.base.kind=local-standin' \
    --change "LABEL org.slimline.base.note=\"$note\"" \
    --change "LABEL org.slimline.base.standin-for=\"$up\"" \
    --change "LABEL org.slimline.base.created=\"$created\"" \
    -m "slimline local base: $note" \
    "${TARBALL[$role]}" "${LOCAL[$role]}" >/dev/null
  say "$role: imported ${LOCAL[$role]} ($(took "$t0")): $note"
done

# --- phase 4: record what was used -----------------------------------------
env_tmp=$build_dir/bases.env.tmp
{
  echo "# written by scripts/bases.sh at $(date -u +%Y-%m-%dT%H:%M:%SZ); do not edit"
  echo "# sh: . build/bases.env   make: include build/bases.env"
  for role in "${roles[@]}"; do
    img=${CHOICE[$role]}
    id=$("${docker[@]}" image inspect -f '{{.Id}}' "$img")
    digest=$("${docker[@]}" image inspect -f '{{range .RepoDigests}}{{.}} {{end}}' "$img" | awk '{ print $1 }')
    echo "${role}_IMAGE=$img"
    echo "${role}_IMAGE_KIND=${KIND[$role]}"
    echo "${role}_IMAGE_ID=$id"
    echo "${role}_IMAGE_DIGEST=${digest:-none}"
  done
} >"$env_tmp"
mv "$env_tmp" "$build_dir/bases.env"
say "wrote $build_dir/bases.env"
for role in "${roles[@]}"; do
  extra=
  if [[ $role == ALPINE && ${KIND[$role]} != upstream ]]; then extra=" (alpine stand-in, not upstream alpine)"; fi
  printf '  %-18s %-40s %s%s\n' "${role}_IMAGE" "${CHOICE[$role]}" "${KIND[$role]}" "$extra" >&2
done
