#!/usr/bin/env bash
# proof.sh BIN...: the proof that each static service binary is fully
# static and runs alone (make check-static, after the static build):
#  1. readelf: ELF executable with no program interpreter and no dynamic
#     section (nothing for a loader to resolve);
#  2. as root: copied alone into an empty directory, it runs --version under
#     chroot (no /lib, no /etc, no loader), then serves in a private network
#     namespace, answers its own --healthcheck from inside the same empty
#     root, and exits 0 on SIGTERM. Not root: step 2 is a skip, shown.
# VERSION (make sets it): the version --version must print.
set -uo pipefail
# shellcheck source=tests/lib/test-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/test-lib.sh"
[[ $# -gt 0 ]] || { not_ok "static binaries" "no service binaries to check"; finish; }
: "${VERSION:=$(sed -n 's/^VERSION *:= *//p' "$TL_ROOT/Makefile")}"

for bin in "$@"; do
  svc=${bin##*/}
  hdr=$(LC_ALL=C readelf -lW "$bin" 2>&1)
  dyn=$(LC_ALL=C readelf -dW "$bin" 2>&1)
  name="$svc: static ELF, no interpreter, no dynamic section"
  if grep -q 'INTERP\|DYNAMIC' <<<"$hdr"; then not_ok "$name" "has a program interpreter or dynamic segment"
  elif ! grep -q 'no dynamic section' <<<"$dyn"; then not_ok "$name" "readelf -d: $dyn"
  else ok "$name ($(stat -c %s "$bin") bytes)"; fi
  if [[ $(id -u) -ne 0 ]]; then
    skip "$svc: runs in an empty root" "chroot and unshare need root"
    continue
  fi
  root=$TL_TMP/$svc
  mkdir -p "$root"
  cp "$bin" "$root/svc"
  extra=; [[ $svc == notes ]] && extra="--db /notes.db"
  if out=$(chroot "$root" /svc --version 2>&1) && grep -q "$VERSION" <<<"$out"; then
    ok "$svc: --version in an empty root: $(head -n1 <<<"$out")"
  else not_ok "$svc: --version in an empty root" "$out"; fi
  # shellcheck disable=SC2016 # expanded by the inner sh
  if unshare --net sh -c '
       ip link set lo up || exit 3
       chroot "$1" /svc --listen 127.0.0.1 --port 8080 $2 >"$1.log" 2>&1 & pid=$!
       i=0; until chroot "$1" /svc --healthcheck --port 8080 >/dev/null 2>&1; do
         i=$((i+1)); [ $i -lt 50 ] || { kill -KILL $pid; exit 4; }; sleep 0.1; done
       kill -TERM $pid; wait $pid' sh "$root" "$extra"; then
    ok "$svc: serves and passes --healthcheck in an empty root, exits 0 on SIGTERM"
  else not_ok "$svc: serves and passes --healthcheck in an empty root, exits 0 on SIGTERM" \
    "status $?: $(tail -n3 "$root.log" 2>/dev/null)"; fi
done
finish
