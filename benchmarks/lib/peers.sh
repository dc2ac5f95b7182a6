# peers.sh: build the reference peers, the runtime floor and the empty
# image in the main engine (tags IMAGE_PREFIX/NAME:peer|floor|empty).
# Host-built binaries: floor with musl-gcc -static, the Go hello with
# Debian's golang-go (CGO_ENABLED=0, no module download), busybox from
# busybox-static. nginx is installed from Debian's package in its
# Dockerfile on DEBIAN_SLIM_IMAGE (build/bases.env).

peer_ctx() { echo "$BENCH_BUILD/peers/$1"; }

# peer_build NAME: prints the tag on success; a reason on stderr otherwise.
peer_build() {
  local name=$1 src=$ROOT/benchmarks/peers/$1 ctx tag extra=()
  ctx=$(peer_ctx "$name")
  rm -rf "$ctx"
  mkdir -p "$ctx"
  cp -r "$src"/. "$ctx"/
  case "$name" in
    floor)
      tag=$IMAGE_PREFIX/floor:floor
      command -v musl-gcc >/dev/null || { echo "floor: musl-gcc missing (musl-tools)" >&2; return 1; }
      musl-gcc -std=c11 -D_POSIX_C_SOURCE=200809L -Os -static -s -Wall -Wextra -Werror \
        -o "$ctx/floor" "$src/floor.c" || return 1
      ;;
    busybox)
      tag=$IMAGE_PREFIX/busybox:peer
      [[ -x /bin/busybox ]] && ! ldd /bin/busybox >/dev/null 2>&1 ||
        { echo "busybox: no static /bin/busybox (busybox-static)" >&2; return 1; }
      cp /bin/busybox "$ctx/busybox"
      ;;
    go)
      tag=$IMAGE_PREFIX/go:peer
      command -v go >/dev/null || { echo "go: no go compiler (golang-go)" >&2; return 1; }
      (cd "$ctx" && CGO_ENABLED=0 GOTOOLCHAIN=local GOPROXY=off GOFLAGS='' GO111MODULE=off \
        GOCACHE=$BENCH_BUILD/gocache HOME=$BENCH_BUILD \
        go build -trimpath -ldflags='-s -w' -o hello-go main.go) || return 1
      ;;
    nginx)
      tag=$IMAGE_PREFIX/nginx:peer
      [[ -n "${BASES[DEBIAN_SLIM_IMAGE]:-}" ]] || { echo "nginx: DEBIAN_SLIM_IMAGE unknown (make bases)" >&2; return 1; }
      extra=(--build-arg "DEBIAN_SLIM_IMAGE=${BASES[DEBIAN_SLIM_IMAGE]}")
      ;;
    empty)
      tag=$IMAGE_PREFIX/empty:empty
      ;;
    *)
      echo "unknown peer '$name' (known: nginx busybox go floor empty)" >&2
      return 1
      ;;
  esac
  M build -q "${extra[@]}" -t "$tag" "$ctx" >>"$OUT/logs/peers.log" 2>&1 ||
    { echo "$name: image build failed (logs/peers.log)" >&2; return 1; }
  echo "$tag"
}

peers_build() {
  local p tag
  for p in "${PEERS[@]}"; do
    say "peer $p: building"
    if tag=$(peer_build "$p" 2> >(tee -a "$OUT/logs/peers.log" >&2)); then
      case "$p" in
        floor)
          add_image "$tag" floor floor floor /readyz /
          IMG_NOTE[$tag]="closes every connection: one TCP connection per request"
          ;;
        empty) add_image "$tag" empty empty empty '' '' ;;
        busybox)
          add_image "$tag" busybox peer peer / /
          IMG_NOTE[$tag]="busybox httpd forks per connection and closes it: one connection and process per request"
          ;;
        *) add_image "$tag" "$p" peer peer /readyz / ;;
      esac
    else
      PEER_FAILURES+=("$p")
      say "peer $p: not measured (build failed)"
    fi
  done
}
