#!/usr/bin/env bash
# docker/naive-licenses.sh BIN: the licences of a dynamically linked binary
# in a Debian image (the naive variant), for docker/naive.Dockerfile.
#
# ldd BIN -> every shared library it loads -> the Debian package that owns
# it (dpkg) -> that package's /usr/share/doc/<pkg>/copyright, which must be
# there, and the library's SPDX expression from docker/naive-licenses.tsv.
# Writes /usr/share/doc/slimline/ (DOC_DIR):
#   copyright              the project's LICENSE
#   linked-libraries.tsv   library, package, version, SPDX, copyright file
#   SPDX                   the project's and every library's expression in
#                          one (the image's licenses label)
# Exit status: 0 done, 1 a library without owner, copyright file or table
# entry (named on stderr), 2 usage.
set -euo pipefail
bin=${1:-}
[[ -n "$bin" && -x "$bin" ]] || { echo "usage: naive-licenses.sh BIN (an executable)" >&2; exit 2; }
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
. "$here/licenses.sh"
table=$here/naive-licenses.tsv
doc=${DOC_DIR:-/usr/share/doc/slimline}
license_file=${LICENSE_FILE:-LICENSE}

# owner PATH: the package that installed PATH; merged /usr means dpkg may
# know it under /lib or /usr/lib, before or after symlinks.
owner() {
  local p=$1 c real
  real=$(readlink -f "$p")
  for c in "$p" "$real" "/usr$p" "/usr$real" "${p#/usr}" "${real#/usr}"; do
    dpkg-query -S "$c" 2>/dev/null | awk -F': ' '!/^diversion/ { sub(/:.*/, "", $1); print $1; exit }' | grep . && return 0
  done
  return 1
}

libs=$(ldd "$bin" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }' | sort -u)
[[ -n "$libs" ]] || { echo "naive-licenses.sh: ldd lists no shared library for $bin" >&2; exit 1; }
mkdir -p "$doc"
install -m 0644 "$license_file" "$doc/copyright"
exprs=("$(lic_project_spdx "$license_file")")
printf 'library\tpackage\tversion\tspdx\tcopyright\n' >"$doc/linked-libraries.tsv"
for lib in $libs; do
  pkg=$(owner "$lib") || { echo "naive-licenses.sh: no Debian package owns $lib (loaded by $bin)" >&2; exit 1; }
  copyright=/usr/share/doc/$pkg/copyright
  [[ -s "$copyright" ]] || { echo "naive-licenses.sh: $pkg ships no $copyright" >&2; exit 1; }
  spdx=$(awk -F'\t' -v p="$pkg" '$1 == p { print $2; exit }' "$table")
  [[ -n "$spdx" ]] || {
    echo "naive-licenses.sh: $bin loads $lib from package $pkg, which has no line in docker/naive-licenses.tsv: read $copyright and add the library's SPDX expression" >&2
    exit 1
  }
  printf '%s\t%s\t%s\t%s\t%s\n' "$lib" "$pkg" "$(dpkg-query -W -f='${Version}' "$pkg")" "$spdx" "$copyright" >>"$doc/linked-libraries.tsv"
  exprs+=("$spdx")
done
lic_combine "${exprs[@]}" >"$doc/SPDX"
echo "naive-licenses.sh: ${bin##*/} loads $(($(wc -l <"$doc/linked-libraries.tsv") - 1)) libraries: $(cat "$doc/SPDX")"
