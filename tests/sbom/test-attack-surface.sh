#!/usr/bin/env bash
# test-attack-surface.sh: scripts/attack-surface.sh on the real images,
# checked against what the images themselves say when asked another way
# (find and dpkg-query run inside naive images, docker cp of /licenses,
# docker inspect). The bug each check catches:
#   usage errors              a bad call that prints a table anyway
#   CSV and JSON agree        the two outputs of one run disagreeing
#   scratch, exact            a stray file, shell or tool in the scratch
#                             image, or the engine's placeholders counted
#   alpine                    a package manager, compiler or setuid file left
#                             in the alpine image; its shell not seen
#   naive, against the image  setuid/setgid files, ELF executables and
#                             packages miscounted (compared with find and
#                             dpkg-query run in the image)
#   order per service         naive > alpine > scratch in files and ELF files
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_images
cd "$SL_ROOT" || exit 1

scripts/attack-surface.sh >/dev/null 2>&1
result "$([[ $? == 2 ]]; echo $?)" "no image: usage, exit status 2"
scripts/attack-surface.sh --format xml "$(images | head -n 1)" >/dev/null 2>&1
result "$([[ $? == 2 ]]; echo $?)" "--format xml: usage, exit status 2"
scripts/attack-surface.sh slimline-no-such/image:none >"$TMPD/out" 2>"$TMPD/err"
rc=$?
[[ $rc == 1 && ! -s "$TMPD/out" ]] && grep -q 'image slimline-no-such/image:none not found' "$TMPD/err"
result $? "unknown image: named, exit status 1, no table" "exit $rc"

mapfile -t imgs < <(images)
t0=$SECONDS
scripts/attack-surface.sh -o "$TMPD/as.csv" -o "$TMPD/as.json" "${imgs[@]}" 2>"$TMPD/log"
result $? "attack-surface.sh over ${#imgs[@]} images in $((SECONDS - t0)) s" "$(tail -n 3 "$TMPD/log")"
header=$(head -n 1 "$TMPD/as.csv")
[[ "$header" == "image,variant,files,elf_executables,shells,interpreters,package_managers,compilers,setuid_setgid,packages,writable_paths,user,ports" ]]
result $? "CSV header names the 13 columns" "$header"
[[ $(jq length "$TMPD/as.json") == "${#imgs[@]}" && $(($(wc -l <"$TMPD/as.csv") - 1)) == "${#imgs[@]}" ]] &&
  diff <(tail -n +2 "$TMPD/as.csv") <(jq -r '.[] | [.[]] | map(tostring) | join(",")' "$TMPD/as.json") >/dev/null
result $? "JSON and CSV: one row per image, the same values"

row() { jq -c --arg i "$1" '.[] | select(.image == $i)' "$TMPD/as.json"; }
col() { jq -r ".$2" <<<"$1"; }
for img in "${imgs[@]}"; do
  s=$(service_of "$img") v=$(variant_of "$img") r=$(row "$img")
  case $v in
    scratch)
      nlic=$(cp_from "$img" /licenses | tar -tvf - | grep -c '^-')
      data=$([[ $s == notes ]] && echo 1 || echo 0)
      want="{\"files\":$((1 + nlic)),\"elf_executables\":1,\"shells\":0,\"interpreters\":0,\"package_managers\":0,\"compilers\":0,\"setuid_setgid\":0,\"packages\":0,\"writable_paths\":$data,\"user\":\"65532:65532\",\"ports\":\"8080/tcp\"}"
      [[ $(jq -c 'del(.image, .variant)' <<<"$r") == "$want" ]]
      result $? "$img: /service and $nlic licence files, 1 ELF file, no shell or tool, $data writable path(s), 65532, 8080/tcp" "$r"
      ;;
    alpine)
      [[ $(col "$r" package_managers) == 0 && $(col "$r" compilers) == 0 && $(col "$r" setuid_setgid) == 0 &&
         $(col "$r" packages) == 0 && $(col "$r" shells) -ge 1 && $(col "$r" elf_executables) -ge 2 &&
         $(col "$r" user) == 65532:65532 && $(col "$r" writable_paths) -ge 2 ]]
      result $? "$img: a shell and busybox, but no package manager, compiler, setuid file or package database; /tmp writable" "$r"
      ;;
    naive)
      sh=(docker run --rm --entrypoint sh "$img" -c)
      suid=$("${sh[@]}" 'find / -xdev -type f -perm /6000 | wc -l')
      pk=$("${sh[@]}" 'dpkg-query -W -f="\${Status}\n" | grep -c " installed$"')
      elf=$("${sh[@]}" 'find / -xdev -type f -perm /111 -exec sh -c '\''for f; do [ "$(head -c 4 "$f" | od -An -c | tr -d " ")" = "177ELF" ] && echo; done'\'' _ {} + | wc -l')
      [[ $(col "$r" setuid_setgid) == "$suid" && $(col "$r" packages) == "$pk" && $(col "$r" elf_executables) == "$elf" &&
         $(col "$r" compilers) -ge 1 && $(col "$r" package_managers) -ge 2 && -z $(col "$r" user) &&
         $(col "$r" writable_paths) -ge $(col "$r" files) ]]
      result $? "$img: $suid setuid/setgid files, $pk packages, $elf ELF executables as find/dpkg-query in the image say; compilers, apt/dpkg, root writes everything" "$r"
      ;;
  esac
done
for s in "${SERVICES_A[@]}"; do
  [[ " ${VARIANTS_A[*]} " == *" naive "* && " ${VARIANTS_A[*]} " == *" alpine "* && " ${VARIANTS_A[*]} " == *" scratch "* ]] || { skip "order for $s" "not all three variants under test"; continue; }
  n=$(row "$IMAGE_PREFIX/$s:naive") a=$(row "$IMAGE_PREFIX/$s:alpine") c=$(row "$IMAGE_PREFIX/$s:scratch")
  [[ $(col "$n" files) -gt $(col "$a" files) && $(col "$a" files) -gt $(col "$c" files) &&
     $(col "$n" elf_executables) -gt $(col "$a" elf_executables) && $(col "$a" elf_executables) -gt $(col "$c" elf_executables) ]]
  result $? "$s: files and ELF executables naive > alpine > scratch ($(col "$n" files)/$(col "$a" files)/$(col "$c" files) files)"
done
finish
