#!/usr/bin/env bash
# test-sbom.sh: scripts/sbom.sh over every image, then each SBOM checked
# against the image itself. The bug each check catches:
#   usage / unknown image         a bad call that writes nothing but exits 0
#   one schema-valid SBOM each    a missing image, a document the published
#                                 CycloneDX 1.6 schema rejects (validated
#                                 again here, independently of sbom.sh)
#   the validator rejects         a validator that passes anything
#   naive: every dpkg package     packages dropped (cdxgen read only the base
#                                 layer of a docker-save archive: see docs)
#   naive: the binary's deps      the loaded libraries not tied to the service
#   static: linked components     libmicrohttpd / SQLite / musl / GCC start
#                                 files missing, with versions or orig sha256
#                                 that are not scripts/toolchain.sh's pins
#   service sha256, image id      an SBOM of another build than the image's
#   licences match the label      SBOM and label telling different stories
#   alpine stand-in packages      the stand-in's musl and busybox unlisted
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_images
cd "$SL_ROOT" || exit 1
validate=(node tools/sbom/validate.js)
[[ -d tools/sbom/node_modules/ajv ]] || { not_ok "tools/sbom installed" "not installed: run make sbom-tools"; finish; }

pin() { sed -n "s/^$1=\"\\{0,1\\}\\([^\"]*\\)\"\\{0,1\\}\$/\\1/p" scripts/toolchain.sh | head -n 1; }
mhd_version=$(pin MHD_VERSION) sqlite_version=$(pin SQLITE_VERSION)
mhd_orig_sha=$(pin MHD_ORIG | sed 's/.*=//')
sqlite_orig_shas=$(sed -n '/^SQLITE_ORIG=/,/"$/p' scripts/toolchain.sh | grep -o '[0-9a-f]\{64\}' | sort | tr '\n' ' ')

# --- usage ---------------------------------------------------------------
scripts/sbom.sh >/dev/null 2>"$TMPD/err"
rc=$?
[[ $rc == 2 ]] && grep -q '^usage: sbom.sh OUTDIR IMAGE' "$TMPD/err"
result $? "sbom.sh without arguments: usage, exit status 2" "exit $rc: $(head -c 200 "$TMPD/err")"
scripts/sbom.sh "$TMPD/none" slimline-no-such/image:none >/dev/null 2>"$TMPD/err"
rc=$?
[[ $rc == 1 ]] && grep -q 'image slimline-no-such/image:none not found' "$TMPD/err" && [[ ! -e "$TMPD/none/sboms.tsv" ]]
result $? "sbom.sh on an unknown image: named, exit status 1, nothing written" "exit $rc: $(head -c 200 "$TMPD/err")"

# --- all images ----------------------------------------------------------
mapfile -t imgs < <(images)
out=$TMPD/sbom
t0=$SECONDS
scripts/sbom.sh "$out" "${imgs[@]}" >"$TMPD/sbom.log" 2>&1
rc=$?
result $rc "sbom.sh wrote SBOMs for ${#imgs[@]} images in $((SECONDS - t0)) s" "$(tail -n 5 "$TMPD/sbom.log")"
n=$(find "$out" -name '*.cdx.json' | wc -l)
[[ $n == "${#imgs[@]}" ]]
result $? "one SBOM per image: $n of ${#imgs[@]}"
if "${validate[@]}" "$out"/*.cdx.json >"$TMPD/valid.log"; then
  ok "all $n SBOMs valid against CycloneDX's published 1.6 schema (validated again here)"
else
  not_ok "schema validation: $(grep -v '^valid' "$TMPD/valid.log" | head -n 5)"
fi

# The validator must be able to fail.
f=$(find "$out" -name '*.cdx.json' | head -n 1)
jq '.components[0].type = "not-a-type"' "$f" >"$TMPD/bad1.json"
jq 'del(.specVersion) | .specVersion = "1.6" | .components[0].hashes = [{alg: "SHA-256", content: "xyz"}]' "$f" >"$TMPD/bad2.json"
for bad in bad1 bad2; do
  "${validate[@]}" "$TMPD/$bad.json" >"$TMPD/$bad.log"
  rc=$?
  [[ $rc == 1 ]] && grep -q '^invalid' "$TMPD/$bad.log"
  result $? "the validator rejects a broken SBOM ($bad: $(head -n 1 "$TMPD/$bad.log" | cut -c1-120))"
done

for img in "${imgs[@]}"; do
  s=$(service_of "$img") v=$(variant_of "$img")
  f=$out/$s-$v.cdx.json
  [[ -s "$f" ]] || { not_ok "$img: no SBOM $f"; continue; }
  label=$(docker image inspect -f '{{index .Config.Labels "org.opencontainers.image.licenses"}}' "$img")
  id=$(docker image inspect -f '{{.Id}}' "$img")

  [[ "$(jq -r '.metadata.component.licenses[0].expression' "$f")" == "$label" &&
     "sha256:$(jq -r '.metadata.component.hashes[0].content' "$f")" == "$id" ]]
  result $? "$img: metadata.component carries the image id and its licenses label"

  # The service binary's sha256.
  path=$([[ $v == naive ]] && echo /usr/local/bin/service || echo /service)
  want=$(cat_from "$img" "$path" | sha256sum | cut -d' ' -f1)
  got=$(jq -r --arg s "slimline-$s" '.components[] | select(.name == $s) | .hashes[0].content' "$f")
  [[ -n "$want" && "$got" == "$want" ]]
  result $? "$img: the service component's sha256 is that of $path" "SBOM '$got', image '$want'"

  # Every licence term of every component is in the label (naive: the
  # service's own and its linked libraries are; Debian packages of the
  # image carry no licence data from cdxgen here).
  terms=$(jq -r '[.components[] | select((.properties // []) | any(.name == "slimline:linkage"))
      | .licenses[]?.expression] + [.components[] | select(.name | startswith("slimline-")) | .licenses[]?.license.id]
      | .[]' "$f" | sed 's/ AND /\n/g' | sort -u)
  missing=""
  while IFS= read -r t; do
    [[ -z "$t" ]] && continue
    [[ " AND $label AND " == *" AND $t AND "* || " AND $label AND " == *" AND ($t) AND "* ]] || missing+="$t; "
  done <<<"$terms"
  [[ -z "$missing" ]]
  result $? "$img: every licence term of the service and its static components is in the label" "not in '$label': $missing"

  case $v in
    naive)
      docker run --rm --entrypoint dpkg-query "$img" -W -f '${Package}\t${Version}\n' >"$TMPD/dpkg.tsv" 2>/dev/null
      total=$(wc -l <"$TMPD/dpkg.tsv")
      missing=$(jq -R -s -r --slurpfile b "$f" '([$b[0].components[] | "\(.name)\t\(.version)"] | map({(.): 1}) | add) as $have
        | split("\n")[] | select(length > 0) | select($have[.] | not)' "$TMPD/dpkg.tsv" | head -n 5 | tr '\t\n' '= ')
      [[ $total -gt 100 && -z "$missing" ]]
      result $? "$img: all $total packages that dpkg-query lists in the image are components, name and version" "missing: $missing"
      deps=$(jq -r --arg s "slimline-$s" '(.components[] | select(.name == $s) | ."bom-ref") as $r
        | .dependencies[] | select(.ref == $r) | .dependsOn[]' "$f")
      want="libmicrohttpd12 libc6"
      [[ $s == notes ]] && want+=" libsqlite3-0"
      miss=""
      for p in $want; do grep -q "^pkg:deb/debian/$p@" <<<"$deps" || miss+="$p "; done
      [[ -z "$miss" ]]
      result $? "$img: the service depends on the packages whose libraries it loads ($want)" "missing: $miss"
      ;;
    alpine | scratch)
      c=$(jq -c '[.components[] | select((.properties // []) | any(.name == "slimline:linkage" and .value == "static"))]' "$f")
      mhd=$(jq -c '.[] | select(.name == "libmicrohttpd")' <<<"$c")
      [[ $(jq -r .version <<<"$mhd") == "${mhd_version%-*}" && $(jq -r .purl <<<"$mhd") == *"@$mhd_version?arch=source"* &&
         $(jq -r '.externalReferences[].hashes[].content' <<<"$mhd") == "$mhd_orig_sha" ]]
      result $? "$img: libmicrohttpd ${mhd_version%-*}, Debian source $mhd_version, orig sha256 as pinned in toolchain.sh" "$mhd"
      sql=$(jq -c '.[] | select(.name == "sqlite")' <<<"$c")
      if [[ $s == notes ]]; then
        got=$(jq -r '.externalReferences[].hashes[].content' <<<"$sql" | sort | tr '\n' ' ')
        [[ $(jq -r .version <<<"$sql") == "${sqlite_version%%-*}" && $(jq -r .purl <<<"$sql") == *"@${sqlite_version//+/%2B}?arch=source"* &&
           "$got" == "$sqlite_orig_shas" ]]
        result $? "$img: SQLite ${sqlite_version%%-*}, Debian source $sqlite_version, both orig sha256 as pinned" "$sql"
      else
        [[ -z "$sql" ]]
        result $? "$img: no SQLite component (only notes links it)" "$sql"
      fi
      src=$(cat_from "$img" /licenses/musl/SOURCE)
      musl=$(jq -c '.[] | select(.name == "musl")' <<<"$c")
      mver=$(jq -r '.properties[] | select(.name == "slimline:debian-source") | .value' <<<"$musl")
      [[ -n "$mver" && "$src" == "Debian source package $mver "* && $(jq '.externalReferences | length' <<<"$musl") -ge 1 ]]
      result $? "$img: musl from Debian source $mver, as the builder recorded it, with its orig sha256 (apt-cache showsrc)" "SBOM '$musl', image '$src'"
      [[ $(jq '[.[] | select(.name | startswith("gcc runtime"))] | length' <<<"$c") == 1 ]]
      result $? "$img: GCC's start files (crtbeginS.o, crtendS.o) listed as a linked component"
      if [[ $v == alpine ]]; then
        note=$(docker image inspect -f '{{index .Config.Labels "org.slimline.base.note"}}' "$img")
        if [[ "$note" == *"alpine stand-in"* ]]; then
          for p in musl busybox-static; do
            pv=$(sed -n "s/.*$p \\([^ ,]*\\).*/\\1/p" <<<"$note")
            jq -e --arg p "$p" --arg v "$pv" '.components[] | select(.name == $p and .version == $v and (.purl | test("arch=amd64")))' "$f" >/dev/null
            result $? "$img: the stand-in's Debian package $p $pv (as its base label says) is listed"
          done
        else
          skip "$img" "upstream alpine base: its apk packages are checked only on a machine that has it"
        fi
      fi
      ;;
  esac
done
finish
