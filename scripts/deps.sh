#!/usr/bin/env bash
# deps.sh GROUP...: make sure the Debian packages a job needs are installed.
#
# The one place that lists what each part of the project needs. As root on
# Debian or Ubuntu it installs what is missing; otherwise it stops with the
# exact apt-get command to run. Groups:
#   build   native build of the services
#   static  static musl build (toolchain from Debian source packages)
#   test    unit and integration tests
#   san     tests under AddressSanitizer + UndefinedBehaviorSanitizer
#   images  Docker engine, local bases, image tests
#   bench   benchmark harness
#   fuzz    libFuzzer targets
#   cri     pods through containerd's CRI: private containerd, crun, the Go
#           CRI client's build (gRPC, gogo protobuf), the pause program
#   sbom    SBOMs, scan, attack surface, licence lint (cdxgen itself comes
#           from npm: make sbom-tools, with the machine's Node.js 20)
#   labs    the training labs' own tools (tests/labs/run.sh; docs/labs/)
#   browser headless Chromium for the report.html test (tests/bench/report-html.sh)
set -euo pipefail

declare -A PKGS=(
  [build]="gcc make pkg-config libc6-dev libmicrohttpd-dev libsqlite3-dev"
  [static]="gcc libc6-dev make cmake musl-tools tcl dpkg-dev xz-utils ca-certificates"
  [test]="libcmocka-dev curl jq sqlite3 python3 python3-yaml valgrind clang-format"
  [san]="gcc libcmocka-dev"
  [images]="docker.io mmdebstrap busybox-static musl dpkg-dev curl iproute2"
  [bench]="docker.io docker-registry wrk gnuplot-nox jq curl libjansson-dev libcmocka-dev iproute2 golang-go busybox-static nginx-light python3"
  [fuzz]="clang libfuzzer-14-dev libclang-rt-14-dev"
  [cri]="containerd runc crun golang-go golang-google-grpc-dev golang-github-gogo-protobuf-dev dpkg-dev xz-utils musl-tools docker-registry skopeo curl util-linux python3 python3-yaml"
  [sbom]="jq reuse util-linux"
  [labs]="python3 jq curl iproute2 util-linux tar sqlite3 docker-registry"
  [browser]="chromium"
)

want=()
for group in "$@"; do
  if [[ -z "${PKGS[$group]+x}" ]]; then
    echo "deps.sh: unknown group '$group' (known: ${!PKGS[*]})" >&2
    exit 2
  fi
  for p in ${PKGS[$group]}; do want+=("$p"); done
done
[[ ${#want[@]} -gt 0 ]] || exit 0

missing=()
for p in $(printf '%s\n' "${want[@]}" | sort -u); do
  status=$(dpkg-query -W -f='${Status}' "$p" 2>/dev/null || true)
  [[ "$status" == "install ok installed" ]] || missing+=("$p")
done
[[ ${#missing[@]} -gt 0 ]] || exit 0

if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
  echo "missing packages: ${missing[*]}" >&2
  echo "install them with: apt-get install -y --no-install-recommends ${missing[*]}" >&2
  exit 1
fi

echo "deps.sh: installing ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
# One update per boot is enough; apt's lists are fresh for this run.
if [[ ! -e /run/slimline-apt-updated ]]; then
  apt-get update -qq
  touch /run/slimline-apt-updated
fi
apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
