# engine.sh: the two engines the harness talks to.
#
#   M ...  the main engine (the user's, DOCKER_HOST as set): holds the images
#          built by `make images`; sizes, pushes and builds happen there.
#   E ...  the measuring engine. In `private` mode (default with docker as
#          root) a second dockerd started by the harness with its own data
#          root, exec root and socket, so that a cold pull is truly cold
#          (no other image can share its layers) and nobody else's images
#          are touched. In `shared` mode (podman, or --engine-mode shared) E
#          is the main engine and only images the harness tagged are removed.

M() { "$ENGINE" "$@"; }
E() {
  if [[ -n "${PRIV_SOCK:-}" ]]; then
    DOCKER_HOST="unix://$PRIV_SOCK" "$ENGINE" "$@"
  else
    "$ENGINE" "$@"
  fi
}

# E_timeit ARGS: `timeit -- ENGINE ARGS` against the measuring engine.
E_timeit() {
  if [[ -n "${PRIV_SOCK:-}" ]]; then
    DOCKER_HOST="unix://$PRIV_SOCK" "$TIMEIT" -- "$ENGINE" "$@"
  else
    "$TIMEIT" -- "$ENGINE" "$@"
  fi
}

# E_probe PROBE_ARGS -- ENGINE_ARGS: startprobe against the measuring engine.
E_probe() {
  if [[ -n "${PRIV_SOCK:-}" ]]; then
    DOCKER_HOST="unix://$PRIV_SOCK" "$STARTPROBE" "$@"
  else
    "$STARTPROBE" "$@"
  fi
}

PRIV_SOCK='' PRIV_PID='' PRIV_ROOT='' PRIV_EXEC='' BENCH_NET=''

PRIV_BRIDGE=''

# bridge_make NAME: a bridge interface for the measuring engine on a /24 of
# 10.231.0.0/16 that no route uses yet. Its own bridge, never docker0: a
# dockerd started with --bridge=none deletes docker0 at start-up, which would
# cut the main engine's containers off.
bridge_make() {
  local name=$1 n
  for n in $(shuf -i 1-254); do
    ip route | grep -q "^10\.231\.$n\." && continue
    ip link add "$name" type bridge || return 1
    ip addr add "10.231.$n.1/24" dev "$name" || { ip link del "$name"; return 1; }
    ip link set "$name" up
    return 0
  done
  return 1
}

engine_private_start() {
  local tag="slb$$" i
  command -v dockerd >/dev/null || die "private engine: dockerd not found (install docker.io, or use --engine-mode shared)"
  PRIV_ROOT=${SL_BENCH_ENGINE_ROOT:-/var/lib/slimline-bench}/$tag
  PRIV_EXEC=/run/$tag
  PRIV_SOCK=/run/$tag.sock
  mkdir -p "$PRIV_ROOT" "$PRIV_EXEC"
  bridge_make "$tag" || die "private engine: cannot create bridge $tag"
  PRIV_BRIDGE=$tag
  on_exit engine_private_stop
  # Its own bridge and no iptables rules, so this engine cannot disturb the
  # main one; published ports go through docker-proxy on 127.0.0.1, which
  # is what a loopback publish uses on the main engine as well.
  dockerd --data-root "$PRIV_ROOT" --exec-root "$PRIV_EXEC" \
    --pidfile "$PRIV_EXEC/dockerd.pid" -H "unix://$PRIV_SOCK" \
    --bridge="$PRIV_BRIDGE" --iptables=false --ip6tables=false --ip-masq=false --log-level=warn \
    >"$OUT/logs/bench-engine.log" 2>&1 &
  PRIV_PID=$!
  for i in $(seq 1 120); do
    if E info >/dev/null 2>&1; then break; fi
    kill -0 "$PRIV_PID" 2>/dev/null || { tail -n 20 "$OUT/logs/bench-engine.log" >&2; die "private engine: dockerd exited at start"; }
    sleep 0.5
  done
  E info >/dev/null 2>&1 || die "private engine: no answer on $PRIV_SOCK after 60 s"
  say "private engine up (pid $PRIV_PID, socket $PRIV_SOCK, bridge $PRIV_BRIDGE)"
}

engine_private_stop() {
  local i
  if [[ -n "$PRIV_PID" ]]; then
    E ps -aq 2>/dev/null | xargs -r env DOCKER_HOST="unix://$PRIV_SOCK" "$ENGINE" rm -f -v >/dev/null 2>&1
    kill "$PRIV_PID" 2>/dev/null
  fi
  for i in $(seq 1 60); do
    kill -0 "$PRIV_PID" 2>/dev/null || break
    sleep 0.5
  done
  if [[ -n "$PRIV_PID" ]]; then
    kill -9 "$PRIV_PID" 2>/dev/null
    wait "$PRIV_PID" 2>/dev/null
  fi
  [[ -z "$PRIV_BRIDGE" ]] || ip link del "$PRIV_BRIDGE" 2>/dev/null
  PRIV_BRIDGE=''
  [[ -n "$PRIV_ROOT" ]] || return 0
  # dockerd leaves its network namespace file (and, when it was killed,
  # container mounts) mounted under its roots: unmount them, deepest first.
  awk -v a="$PRIV_ROOT" -v b="$PRIV_EXEC" 'index($2, a) == 1 || index($2, b) == 1 { print $2 }' /proc/mounts |
    sort -r | xargs -r -n1 umount -l 2>/dev/null
  # Only remove the data root when nothing is mounted below it any more.
  if ! grep -q " $PRIV_ROOT" /proc/mounts; then
    rm -rf "$PRIV_ROOT" "$PRIV_EXEC" "$PRIV_SOCK"
  else
    say "private engine: mounts left under $PRIV_ROOT, not removed"
  fi
  PRIV_PID='' PRIV_ROOT=''
}

# engine_wipe: no container and no image left in the measuring engine
# (private mode), or none of the harness's registry-qualified images (shared
# mode). Returns 1 when something could not be removed.
engine_wipe() {
  if [[ "$ENGINE_MODE" == private ]]; then
    E ps -aq | xargs -r env DOCKER_HOST="unix://$PRIV_SOCK" "$ENGINE" rm -f -v >/dev/null 2>&1
    E images -aq | sort -u | xargs -r env DOCKER_HOST="unix://$PRIV_SOCK" "$ENGINE" rmi -f >/dev/null 2>&1
    [[ -z "$(E images -aq)" ]]
  else
    # Only references through this run's registry and link ports.
    local refs ports
    ports=$(printf '%s|' "$REG_PORT" "${PROF_PORT[@]}")
    ports="^(127\.0\.0\.1|${REG_HOST//./\\.}):(${ports%|})/"
    refs=$(E images --format '{{.Repository}}:{{.Tag}}' | grep -E "$ports" || true)
    [[ -z "$refs" ]] || E rmi -f $refs >/dev/null 2>&1
    [[ -z "$(E images --format '{{.Repository}}' | grep -E "$ports" || true)" ]]
  fi
}

# engine_wipe_except REF: like engine_wipe (private mode), but the image REF
# (when present) stays. Falls back to engine_wipe in shared mode.
engine_wipe_except() {
  local keep
  [[ "$ENGINE_MODE" == private ]] || { engine_wipe; return; }
  keep=$(E image inspect -f '{{.Id}}' "$1" 2>/dev/null | sed 's/^sha256://' | cut -c1-12)
  E ps -aq | xargs -r env DOCKER_HOST="unix://$PRIV_SOCK" "$ENGINE" rm -f -v >/dev/null 2>&1
  E images -aq | sort -u | grep -v "^${keep:-none}" |
    xargs -r env DOCKER_HOST="unix://$PRIV_SOCK" "$ENGINE" rmi -f >/dev/null 2>&1
  [[ -z "$(E images -aq | sort -u | grep -v "^${keep:-none}")" ]]
}

# container_name: one per harness run, reused after each removal.
CNAME="slb$$-run"

# run_args: the docker run arguments shared by start and load phases.
run_args() {
  local port=$1 ref=$2
  local net=()
  [[ -z "$BENCH_NET" ]] || net=(--network "$BENCH_NET")
  printf '%s\n' run -d --name "$CNAME" "${net[@]}" -p "127.0.0.1:$port:8080" "$ref"
}

container_rm() { E rm -f -v "$CNAME" >/dev/null 2>&1 || true; }
