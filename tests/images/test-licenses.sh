#!/usr/bin/env bash
# test-licenses.sh: every image carries the licence texts of what its
# binary links, and its org.opencontainers.image.licenses label says the
# same as the image's own SPDX file. The bug each check catches:
#   label = the image's SPDX file      a label typed by hand, left at
#                                      NOASSERTION, or from another build
#   MIT, LGPL, blessing where linked   a licence dropped from the label, or
#                                      SQLite's named where it is not linked
#   static: a folder per component     a linked library without its licence
#     with SPDX and its text           text in /licenses (LGPL-2.1 text for
#                                      libmicrohttpd, musl's COPYRIGHT,
#                                      SQLite's blessing, the project's own)
#   musl's SPDX covers its COPYRIGHT   a musl whose COPYRIGHT names a licence
#                                      the expression lacks
#   naive: every loaded library        a library that ldd shows but the list
#     listed, its copyright file there misses, or whose package's copyright
#                                      file the image lacks
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_images

# file_of IMAGE PATH: one file of the image, without running it.
file_of() {
  local c=$RUN_ID-lic-${1//[\/:]/-}-$RANDOM
  docker create --name "$c" "$1" >/dev/null || return 1
  docker cp "$c:$2" - 2>/dev/null | tar -xOf -
  docker rm "$c" >/dev/null
}

worker() {
  local img=$1 d s v label spdx
  d=$(describe "$img")
  s=$(service_of "$img") v=$(variant_of "$img")
  label=$(docker image inspect -f '{{index .Config.Labels "org.opencontainers.image.licenses"}}' "$img")
  if [[ $v == naive ]]; then spdx=$(file_of "$img" /usr/share/doc/slimline/SPDX); else spdx=$(file_of "$img" /licenses/SPDX); fi
  [[ -n "$spdx" && "$label" == "$spdx" && "$label" != NOASSERTION ]] &&
    ok "$d: licenses label equals the image's SPDX file: $label" ||
    not_ok "$d: licenses label '$label' but the image's SPDX file says '$spdx'"
  local t want=(MIT LGPL-2.1-or-later) missing=()
  [[ $s == notes ]] && want+=(blessing)
  [[ $v != naive ]] && want+=(BSD-2-Clause SunPro)
  for t in "${want[@]}"; do [[ " $label " == *" $t "* ]] || missing+=("$t"); done
  [[ ${#missing[@]} == 0 ]] && ok "$d: the label names ${want[*]}" ||
    not_ok "$d: the label lacks ${missing[*]}: $label"
  if [[ $s != notes ]]; then
    [[ " $label " != *" blessing "* ]] && ok "$d: no SQLite licence in the label (not linked)" ||
      not_ok "$d: SQLite's blessing in the label, but $s does not link SQLite"
  fi

  if [[ $v == naive ]]; then
    local c=$RUN_ID-lic-run-${img//[\/:]/-} out
    out=$(docker run --rm --name "$c" --entrypoint sh "$img" -c '
      set -e
      cmp -s /usr/share/doc/slimline/copyright /src/LICENSE || { echo "no project LICENSE"; exit 1; }
      list=/usr/share/doc/slimline/linked-libraries.tsv
      for lib in $(ldd /usr/local/bin/service | awk "\$2 == \"=>\" && \$3 ~ /^\\// { print \$3 } \$1 ~ /^\\// { print \$1 }"); do
        grep -q "^$lib	" "$list" || { echo "ldd shows $lib, not in $list"; exit 1; }
      done
      awk -F"\t" "NR > 1 { print \$2 }" "$list" | sort -u | while read -r p; do
        test -s "/usr/share/doc/$p/copyright" || { echo "no /usr/share/doc/$p/copyright"; exit 1; }
        echo "$p"
      done' 2>&1)
    local rc=$? pk
    pk=$(tr '\n' ' ' <<<"$out")
    [[ $rc == 0 && "$pk" == *libmicrohttpd12* && "$pk" == *libc6* && ($s != notes || "$pk" == *libsqlite3-0*) ]] &&
      ok "$d: every library ldd shows is listed, and each package's copyright file is in the image ($pk)" ||
      not_ok "$d: licences of the loaded libraries: $out"
    return
  fi

  local comps c txt
  comps=$(file_of "$img" /licenses/COMPONENTS | tr '\n' ' ')
  local first="slimline libmicrohttpd"
  [[ $s == notes ]] && first+=" sqlite3"
  first+=" musl"
  [[ "$comps" == "$first "* ]] && ok "$d: /licenses/COMPONENTS lists $comps" ||
    not_ok "$d: /licenses/COMPONENTS is '$comps', expected it to start with '$first'"
  for c in $comps; do
    [[ -n "$(file_of "$img" "/licenses/$c/SPDX")" ]] && ok "$d: /licenses/$c/SPDX" || not_ok "$d: /licenses/$c/SPDX missing or empty"
  done
  txt=$(file_of "$img" /licenses/libmicrohttpd/COPYING)
  [[ "$txt" == *"GNU LESSER GENERAL PUBLIC LICENSE"* && "$txt" == *"Version 2.1, February 1999"* ]] &&
    ok "$d: the LGPL 2.1 text is in /licenses/libmicrohttpd/COPYING" || not_ok "$d: no LGPL 2.1 text in /licenses/libmicrohttpd/COPYING"
  [[ "$(file_of "$img" /licenses/slimline/LICENSE)" == "$(cat "$SL_ROOT/LICENSE")" ]] &&
    ok "$d: the project's LICENSE is /licenses/slimline/LICENSE" || not_ok "$d: /licenses/slimline/LICENSE differs from LICENSE"
  if [[ $s == notes ]]; then
    [[ "$(file_of "$img" /licenses/sqlite3/LICENSE.md)" == *"May you do good and not evil"* ]] &&
      ok "$d: SQLite's blessing in /licenses/sqlite3/LICENSE.md" || not_ok "$d: no SQLite blessing in /licenses/sqlite3"
  fi
  # musl's expression against the licences its COPYRIGHT names.
  local cr ms phrase id miss=""
  cr=$(file_of "$img" /licenses/musl/COPYRIGHT | tr '\n' ' ')
  ms=$(file_of "$img" /licenses/musl/SPDX)
  for pair in "standard MIT license=MIT" "2-clause BSD=BSD-2-Clause" "licensed under a BSD license=BSD-3-Clause" \
              "Sun Microsystems=SunPro" "Stephen L. Moshier=ISC" "placed into the public domain=LicenseRef-musl-public-domain"; do
    phrase=${pair%=*} id=${pair##*=}
    if [[ "$cr" == *"$phrase"* && " $ms " != *" $id "* ]]; then miss+="$id ($phrase) "; fi
  done
  [[ "$cr" == "musl as a whole is licensed"* && -z "$miss" ]] &&
    ok "$d: musl's SPDX ($ms) covers every licence its COPYRIGHT names" ||
    not_ok "$d: musl's COPYRIGHT names licences its SPDX lacks: ${miss:-no COPYRIGHT}"
}

echo "image licence tests: $(images | wc -l) images, run id $RUN_ID"
run_workers
finish
