#!/usr/bin/env bash
# attack-surface.sh [--format csv|json] [-o FILE]... IMAGE...: what an attacker
# who gets code execution in a container of IMAGE finds there, one row per
# image, computed from the image itself: its file system (`docker export`
# of a created, never started container, less the placeholders the engine
# adds to every container: /.dockerenv, /dev, /proc, /sys, /etc/hostname,
# /etc/hosts, /etc/resolv.conf, /etc/mtab) and its configuration.
#
# Columns (docs/sbom.md explains each):
#   image, variant          the image and its org.slimline.variant label
#   files                   regular files (hard links included)
#   elf_executables         regular files with an ELF header and an execute bit
#   shells                  paths named sh, bash, dash, ash, rbash, zsh, ksh,
#                           mksh, csh, tcsh, fish (files or links to one)
#   interpreters            perl, python, ruby, node, lua, tclsh, wish, php,
#                           awk/gawk/mawk/nawk (with version suffixes)
#   package_managers        apt, apt-get, dpkg, dpkg-deb, apk, rpm, yum, dnf,
#                           pip, npm, gem
#   compilers               gcc, g++, cc, c++, cpp, clang, tcc, musl-gcc, as,
#                           ld (also target-prefixed, version-suffixed)
#   setuid_setgid           files with the setuid or setgid bit
#   packages                entries of a package database (dpkg, apk)
#   writable_paths          files and directories the image's USER can write
#                           (owner, group or other write bit; all for root)
#   user                    USER (empty = root)
#   ports                   EXPOSE, space separated
# Output: CSV with a header line (default) or a JSON array, on stdout; or
# into each FILE given with -o, in the format its extension names (.csv,
# .json; any other: --format). Environment: ENGINE [docker], TMPDIR. Exit status: 0, 1 a failure
# (named on stderr), 2 usage.
set -euo pipefail

me=attack-surface.sh
say() { echo "$me: $*" >&2; }
die() { say "$*"; exit 1; }
usage() { echo "usage: $me [--format csv|json] [-o FILE]... IMAGE..." >&2; exit 2; }

format=csv outputs=()
while [[ $# -gt 0 ]]; do
  case "$1" in
    --format) [[ $# -ge 2 ]] || usage; format=$2; shift 2 ;;
    -o) [[ $# -ge 2 && -n "$2" ]] || usage; outputs+=("$2"); shift 2 ;;
    --) shift; break ;;
    -*) say "unknown option $1"; usage ;;
    *) break ;;
  esac
done
[[ $format == csv || $format == json ]] || { say "unknown format '$format' (csv or json)"; usage; }
[[ $# -ge 1 ]] || usage
engine=${ENGINE:-docker}
command -v jq >/dev/null || die "cannot find jq (scripts/deps.sh sbom)"
"$engine" info >/dev/null 2>&1 || die "no Docker engine answers: run scripts/engine.sh ensure"
for img in "$@"; do
  "$engine" image inspect "$img" >/dev/null 2>&1 || die "image $img not found in the engine (make images)"
done

tmp=$(mktemp -d "${TMPDIR:-/tmp}/slimline-surface.XXXXXX")
cid=
trap '[[ -z "$cid" ]] || "$engine" rm -f "$cid" >/dev/null 2>&1; rm -rf "$tmp"' EXIT

# Names, matched against the last path component (tar listing, no ./).
SHELLS='^(sh|bash|dash|ash|rbash|zsh|ksh|mksh|csh|tcsh|fish)$'
INTERPRETERS='^(perl|python|ruby|node|nodejs|lua|tclsh|wish|php|awk|gawk|mawk|nawk)([0-9.]*)$'
PKG_MANAGERS='^(apt|apt-get|dpkg|dpkg-deb|apk|rpm|yum|dnf|pip|pip[0-9.]+|npm|gem)$'
COMPILERS='^([a-z0-9_]+-linux-(gnu|musl)-)?(gcc|g\+\+|cc|c\+\+|cpp|clang|clang\+\+|tcc|musl-gcc|as|ld|ld\.bfd|ld\.gold)(-[0-9.]+)?$'

rows=$tmp/rows.jsonl
: >"$rows"
for img in "$@"; do
  say "$img: exporting its file system"
  cid=$("$engine" create "$img")
  fs=$tmp/fs
  rm -rf "$fs"
  mkdir -p "$fs"
  "$engine" export "$cid" >"$tmp/fs.tar"
  "$engine" rm "$cid" >/dev/null
  cid=
  # perms uid/gid size date time name [-> target]
  tar --numeric-owner -tvf "$tmp/fs.tar" >"$tmp/list"
  tar -C "$fs" -xf "$tmp/fs.tar" --no-same-owner --exclude='dev/*' 2>/dev/null || true
  rm -f "$tmp/fs.tar"

  user=$("$engine" image inspect -f '{{.Config.User}}' "$img")
  ports=$("$engine" image inspect -f '{{range $p, $_ := .Config.ExposedPorts}}{{$p}} {{end}}' "$img" | sed 's/ $//')
  variant=$("$engine" image inspect -f '{{index .Config.Labels "org.slimline.variant"}}' "$img")
  # The numeric uid/gid the USER runs as (a name is looked up in /etc/passwd).
  u=${user%%:*} g=
  [[ "$user" == *:* ]] && g=${user#*:}
  if [[ -z "$u" ]]; then u=0; fi
  if ! [[ "$u" =~ ^[0-9]+$ ]]; then
    entry=$(awk -F: -v n="$u" '$1 == n' "$fs/etc/passwd" 2>/dev/null)
    [[ -n "$entry" ]] || die "$img: USER $u is not in its /etc/passwd"
    u=$(cut -d: -f3 <<<"$entry")
    [[ -n "$g" ]] || g=$(cut -d: -f4 <<<"$entry")
  fi
  if [[ -z "$g" ]]; then
    g=$(awk -F: -v n="$u" '$3 == n { print $4; exit }' "$fs/etc/passwd" 2>/dev/null)
    g=${g:-$u}
  fi
  if ! [[ "$g" =~ ^[0-9]+$ ]]; then
    g=$(awk -F: -v n="$g" '$1 == n { print $3 }' "$fs/etc/group" 2>/dev/null)
    [[ -n "$g" ]] || die "$img: group of USER $user is not in its /etc/group"
  fi

  counts=$(awk -v uid="$u" -v gid="$g" -v sh="$SHELLS" -v ip="$INTERPRETERS" -v pm="$PKG_MANAGERS" -v cc="$COMPILERS" '
    {
      perm = $1; split($2, og, "/"); type = substr(perm, 1, 1)
      # A hard link ("h", "name link to target") is one more path to a
      # regular file: counted as a file.
      if (type == "h") type = "-"
      name = $6; for (i = 7; i <= NF && $i != "->" && $i != "link"; i++) name = name " " $i
      sub(/^\.?\//, "", name); sub(/\/$/, "", name)
      if (name == "" || name == ".") next
      # Placeholders and mount points the engine adds to every container;
      # at run time they are replaced by its own mounts.
      if (name ~ /^(\.dockerenv|dev|dev\/.*|proc|sys|etc\/(hostname|hosts|resolv\.conf|mtab))$/) next
      base = name; sub(/.*\//, "", base)
      if (type == "-") files++
      if (type == "-" || type == "l") {
        if (base ~ sh) shells++
        if (base ~ ip) interp++
        if (base ~ pm) pkgm++
        if (base ~ cc) comp++
      }
      if (type == "-" && (substr(perm, 4, 1) ~ /[sS]/ || substr(perm, 7, 1) ~ /[sS]/)) suid++
      if (type != "l") {
        if (uid == 0 || (og[1] == uid && substr(perm, 3, 1) == "w") ||
            (og[2] == gid && substr(perm, 6, 1) == "w") || substr(perm, 9, 1) == "w") writable++
      }
      if (type == "-" && perm ~ /x|s|t/) exe[name] = 1
    }
    END {
      printf "%d %d %d %d %d %d %d\n", files, shells, interp, pkgm, comp, suid, writable
      for (f in exe) print f > "/dev/stderr"
    }' "$tmp/list" 2>"$tmp/exe")
  read -r files shells interp pkgm comp suid writable <<<"$counts"
  elf=0
  while IFS= read -r f; do
    [[ -f "$fs/$f" ]] || continue
    [[ "$(head -c 4 "$fs/$f" | od -An -tx1 | tr -d ' \n')" == 7f454c46 ]] && elf=$((elf + 1))
  done <"$tmp/exe"
  packages=0
  if [[ -f "$fs/var/lib/dpkg/status" ]]; then
    packages=$(grep -c '^Status: install ok installed$' "$fs/var/lib/dpkg/status" || true)
  fi
  if [[ -f "$fs/lib/apk/db/installed" ]]; then
    packages=$((packages + $(grep -c '^P:' "$fs/lib/apk/db/installed" || true)))
  fi
  jq -nc --arg image "$img" --arg variant "$variant" --arg user "$user" --arg ports "$ports" \
    --argjson files "$files" --argjson elf "$elf" --argjson shells "$shells" --argjson interp "$interp" \
    --argjson pkgm "$pkgm" --argjson comp "$comp" --argjson suid "$suid" --argjson packages "$packages" \
    --argjson writable "$writable" '
    {image: $image, variant: $variant, files: $files, elf_executables: $elf, shells: $shells,
     interpreters: $interp, package_managers: $pkgm, compilers: $comp, setuid_setgid: $suid,
     packages: $packages, writable_paths: $writable, user: $user, ports: $ports}' >>"$rows"
  say "$img: $files files, $elf ELF executables, $shells shells, $interp interpreters, $pkgm package managers, $comp compilers, $suid setuid/setgid, $packages packages, $writable writable by '${user:-root}', ports '$ports'"
done

emit() {  # emit FORMAT
  if [[ $1 == json ]]; then
    jq -s . "$rows"
  else
    jq -rs '(.[0] | keys_unsorted | join(",")), (.[] | [.[]] | map(tostring | if test("[,\" ]") then "\"" + gsub("\""; "\"\"") + "\"" else . end) | join(","))' "$rows"
  fi
}
if [[ ${#outputs[@]} -eq 0 ]]; then
  emit "$format"
fi
for o in "${outputs[@]}"; do
  case "$o" in *.csv) f=csv ;; *.json) f=json ;; *) f=$format ;; esac
  emit "$f" >"$o.tmp" && mv "$o.tmp" "$o"
  say "wrote $o"
done
