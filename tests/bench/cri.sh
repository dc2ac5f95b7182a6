#!/usr/bin/env bash
# cri.sh: pods through containerd's CRI, end to end, in quick form.
#
# Real parts only: Debian's docker-registry on a free loopback port, the
# project's pause image and $IMAGE_PREFIX/hello:scratch pushed to it, a
# private containerd (benchmarks/cri/containerd.sh), the podbench CRI
# client. Checks:
#   - the pause program as PID 1 of a PID namespace reaps orphans and exits
#     0 on SIGTERM;
#   - benchmarks/cri/pods.json matches deploy/k8s, and a changed manifest
#     makes podspec.py --check fail;
#   - the private containerd: own mount namespace and socket, CRI v1;
#   - one COLD pod (runc): no blob of the image before, pulled during
#     (pull=pulled, image_bytes = the registry's manifest + config +
#     layers), every field of the sample line present and ordered
#     (sandbox <= pulled <= created <= started <= ready), the CRI's own
#     CreatedAt/StartedAt inside the client's clock window; the restricted
#     security context applied, read from /proc of the container's process
#     (uid 65532, read-only root, no_new_privs, seccomp filter, no
#     capabilities); the service answers on the host network;
#   - one WARM pod (pull=present) with the same checks of the line;
#   - a crun pod in the same containerd (runtime binary /usr/bin/crun);
#   - "image" mode differs (writable root, no seccomp filter);
#   - --until started samples a process that serves no HTTP;
#   - a failing pull exits 1, names PullImage and leaves no sandbox;
#   - rmi removes the image and no blob or snapshot of it is left, the
#     sandbox image stays;
#   - a cold pull routed through the link emulator takes its round trips;
#     routed to a dead port it fails (no fallback around the emulator);
#   - stop leaves no process, mount, cgroup or socket behind; after a crash
#     (containerd killed with a pod running) start refuses and stop ends
#     the leftovers.
# Ends with the closing line of tests/lib/test-lib.sh. A missing package is a
# failure naming it; a missing kernel feature is a skip naming it.
#
# Environment: PODBENCH, PAUSE_DIR, LINKEMU (make check-cri sets them), IMAGE_PREFIX
# (default slimline), TL_KEEP=1 keeps the work directory (kept anyway when
# a check failed).
set -uo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PODBENCH=${PODBENCH:-$ROOT/build/bench/bin/podbench}
PAUSE_DIR=${PAUSE_DIR:-$ROOT/build/cri/pause}
LINKEMU=${LINKEMU:-$ROOT/build/bench/bin/linkemu}
IMAGE_PREFIX=${IMAGE_PREFIX:-slimline}
CTD=$ROOT/benchmarks/cri/containerd.sh
SPEC=$ROOT/benchmarks/cri/pods.json

# shellcheck source=tests/lib/test-lib.sh
. "$ROOT/tests/lib/test-lib.sh"
not() { ! "$@"; }

# --- preconditions ----------------------------------------------------------
if [[ $(id -u) -ne 0 ]]; then
  skip "cri" "needs root (containerd, mounts, cgroups); run make check-cri as root"
  finish
fi
missing=()
for c in containerd containerd-shim-runc-v2 ctr runc crun docker-registry skopeo curl unshare nsenter findmnt python3 docker; do
  command -v "$c" >/dev/null || missing+=("$c")
done
if [[ ${#missing[@]} -gt 0 ]]; then
  not_ok "cri: commands missing: ${missing[*]} (install the cri group: bash scripts/deps.sh cri)"
  finish
fi
[[ -x "$PODBENCH" ]] || { not_ok "cri: $PODBENCH not built (make cri-tools)"; finish; }
[[ -s "$PAUSE_DIR/digest" ]] || { not_ok "cri: no pause image in $PAUSE_DIR (make cri-tools)"; finish; }
if ! grep -qw overlay /proc/filesystems && ! modprobe overlay 2>/dev/null; then
  skip "cri" "the kernel has no overlay filesystem (CONFIG_OVERLAY_FS): containerd's overlayfs snapshotter cannot work"
  finish
fi
if ! unshare -m --propagation private true 2>/dev/null; then
  skip "cri" "cannot create a mount namespace (unshare -m): the kernel or the sandbox forbids it"
  finish
fi
HELLO=$IMAGE_PREFIX/hello:scratch
if ! docker image inspect "$HELLO" >/dev/null 2>&1; then
  not_ok "cri: image $HELLO not in the engine (make images SERVICES=hello VARIANTS=scratch IMAGE_PREFIX=$IMAGE_PREFIX)"
  finish
fi

# --- work directory and cleanup --------------------------------------------
# Short path: containerd's socket path must fit a sockaddr_un. test-lib.sh
# keeps it when a check failed (logs: c/containerd.log, registry.log).
tmp=$TL_TMP
D=$tmp/c
REG_PID='' LE_PID=''
cleanup() {
  [[ -z "$LE_PID" ]] || kill "$LE_PID" 2>/dev/null
  [[ ! -d "$D" ]] || bash "$CTD" stop "$D" --purge >/dev/null 2>&1
  [[ -z "$REG_PID" ]] || { kill "$REG_PID" 2>/dev/null; wait "$REG_PID" 2>/dev/null; }
}
at_exit cleanup

# kv LINE KEY: the value of KEY in a podbench key=value line.
kv() { tr ' ' '\n' <<<"$1" | sed -n "s/^$2=//p"; }

# --- 1. the pause program ----------------------------------------------------
pause_bin=$PAUSE_DIR/pause
check "pause -v prints its version" bash -c "[[ \"\$('$pause_bin' -v)\" == slimline-pause* ]]"
"$pause_bin" extra 2>/dev/null
check "pause with an unknown argument exits 2" test $? -eq 2
if unshare --pid --fork true 2>/dev/null; then
  unshare --pid --fork "$pause_bin" &
  upid=$!
  ppid=''
  for _ in $(seq 1 50); do
    ppid=$(cat "/proc/$upid/task/$upid/children" 2>/dev/null | awk '{print $1}')
    [[ -n "$ppid" ]] && break
    sleep 0.02
  done
  if [[ -n "$ppid" ]]; then
    # An orphan in the namespace: its parent shell exits at once, so the
    # sleep is re-parented to PID 1 (pause), which must reap it.
    nsenter -t "$ppid" -p -- sh -c 'sleep 0.2 & exit 0'
    zombie=1
    for _ in $(seq 1 50); do
      sleep 0.05
      kids=$(cat "/proc/$ppid/task/$ppid/children" 2>/dev/null)
      if [[ -z "$kids" ]]; then zombie=0; break; fi
    done
    check "pause as PID 1 reaps an orphan (no zombie left)" test "$zombie" -eq 0
    kill -TERM "$ppid"
    wait "$upid"
    check "pause exits 0 on SIGTERM" test $? -eq 0
  else
    not_ok "pause did not start under unshare --pid --fork"
    kill "$upid" 2>/dev/null
  fi
else
  skip "pause reaping" "cannot create a PID namespace (unshare --pid)"
fi

# --- 2. pods.json against the manifests --------------------------------------
check "podspec.py --check: pods.json matches deploy/k8s" python3 "$ROOT/benchmarks/cri/podspec.py" --root "$ROOT" --check
sr=$tmp/specroot
mkdir -p "$sr/deploy/k8s" "$sr/benchmarks/cri"
cp "$ROOT"/deploy/k8s/*.yaml "$sr/deploy/k8s/"
cp "$SPEC" "$sr/benchmarks/cri/"
sed -i '0,/runAsUser: 65532/s//runAsUser: 1000/' "$sr/deploy/k8s/hello.yaml"
out=$(python3 "$ROOT/benchmarks/cri/podspec.py" --root "$sr" --check 2>&1)
check "podspec.py --check fails when a manifest's runAsUser changes" \
  bash -c '[[ $1 -ne 0 && $2 == *runAsUser*1000* ]]' _ $? "$out"
cp "$ROOT/deploy/k8s/hello.yaml" "$sr/deploy/k8s/"
sed -i 's/^\( *\)allowPrivilegeEscalation: false/&\n\1procMount: Default/' "$sr/deploy/k8s/hello.yaml"
out=$(python3 "$ROOT/benchmarks/cri/podspec.py" --root "$sr" --check 2>&1)
check "podspec.py refuses a securityContext field it does not handle" \
  bash -c '[[ $1 -ne 0 && $2 == *"not handled"*procMount* ]]' _ $? "$out"

# --- 3. registry, pushes ------------------------------------------------------
RP=$(free_port)
mkdir -p "$tmp/registry"
cat >"$tmp/registry/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: true
storage:
  filesystem:
    rootdirectory: $tmp/registry/data
  delete:
    enabled: true
http:
  addr: 127.0.0.1:$RP
EOF
docker-registry serve "$tmp/registry/config.yml" >"$tmp/registry.log" 2>&1 &
REG_PID=$!
for _ in $(seq 1 100); do curl -fsS -o /dev/null "http://127.0.0.1:$RP/v2/" 2>/dev/null && break; sleep 0.05; done
if ! curl -fsS -o /dev/null "http://127.0.0.1:$RP/v2/"; then
  not_ok "docker-registry did not answer on 127.0.0.1:$RP (log: $tmp/registry.log)"
  finish
fi
SANDBOX=$(bash "$ROOT/benchmarks/cri/pause.sh" push "$PAUSE_DIR" "127.0.0.1:$RP" 2>"$tmp/push.log")
check "pause image pushed and pinned by digest ($SANDBOX)" \
  bash -c '[[ $1 == "127.0.0.1:'"$RP"'/slimline/pause@$(cat "$2")" ]]' _ "$SANDBOX" "$PAUSE_DIR/digest"
REF=127.0.0.1:$RP/slimline/hello:scratch
if ! skopeo copy --quiet --dest-tls-verify=false "docker-daemon:$HELLO" "docker://$REF" >>"$tmp/push.log" 2>&1; then
  not_ok "skopeo copy $HELLO to the registry (log: $tmp/push.log)"
  finish
fi
# What a pull must fetch, as the registry serves it: manifest, config,
# layers, their sizes, and the layer's chain ID (one layer: its diff ID).
manifest=$(curl -fsS -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
  -D "$tmp/manifest.headers" "http://127.0.0.1:$RP/v2/slimline/hello/manifests/scratch")
man_digest=$(tr -d '\r' <"$tmp/manifest.headers" | sed -n 's/^[Dd]ocker-[Cc]ontent-[Dd]igest: //p')
read -r -a blobs <<<"$(python3 -c 'import json,sys; m=json.loads(sys.argv[1]); print(m["config"]["digest"], *[l["digest"] for l in m["layers"]])' "$manifest")"
wire=$(python3 -c 'import json,sys; m=json.loads(sys.argv[1]); print(len(sys.argv[1].encode()) + m["config"]["size"] + sum(l["size"] for l in m["layers"]))' "$manifest")
chain=$(curl -fsS "http://127.0.0.1:$RP/v2/slimline/hello/blobs/${blobs[0]}" |
  python3 -c 'import json,sys; d=json.load(sys.stdin)["rootfs"]["diff_ids"]; print(d[0] if len(d) == 1 else "")')
check "hello:scratch in the registry (manifest $man_digest, one layer, $wire bytes)" \
  test -n "$man_digest" -a "${#blobs[@]}" -eq 2 -a -n "$chain"

# --- 4. private containerd ----------------------------------------------------
if ! SOCK=$(bash "$CTD" start "$D" --sandbox-image "$SANDBOX" 2>"$tmp/start.log"); then
  cat "$tmp/start.log" | sed 's/^/    /'
  not_ok "containerd.sh start"
  finish
fi
ok "containerd.sh start: $(tail -n 2 "$tmp/start.log" | head -n 1)"
cpid=$(cat "$D/containerd.pid")
check "containerd runs in its own mount namespace" \
  test "$(readlink "/proc/$cpid/ns/mnt")" != "$(readlink /proc/self/ns/mnt)"
check "its socket is under the work directory, not the system's" test "$SOCK" = "$D/containerd.sock"
ver=$("$PODBENCH" version --socket "$SOCK")
check "CRI Version answers containerd, API v1 ($ver)" bash -c '[[ $1 == containerd\ * && $1 == *\ v1 ]]' _ "$ver"
check "config sets restrict_oom_score_adj and both runtime handlers" \
  bash -c 'grep -q "restrict_oom_score_adj = true" "$1" && grep -q "runtimes.runc\]" "$1" && grep -q "BinaryName = \"/usr/bin/crun\"" "$1"' _ "$D/config.toml"
st=$(bash "$CTD" status "$D")
check "containerd.sh status: running" bash -c '[[ $1 == running\ pid\ * ]]' _ "$st"

ctr_content() { ctr -a "$SOCK" -n k8s.io content ls -q; }
all_absent() { local c d; c=$(ctr_content); for d in "$man_digest" "${blobs[@]}"; do grep -qx "$d" <<<"$c" && return 1; done; return 0; }
all_present() { local c d; c=$(ctr_content); for d in "$man_digest" "${blobs[@]}"; do grep -qx "$d" <<<"$c" || return 1; done; return 0; }

# check_line NAME LINE PULL: every field of a sample line
check_line() {
  local name=$1 line=$2 pull=$3 k missing=() t0
  for k in runtime image pod sandbox_id container_id port security pull sandbox_ms pulled_ms \
    created_ms started_ms ready_ms probe_attempts t0_ns create_return_ns start_return_ns \
    ready_ns cri_created_ns cri_started_ns cri_started_ms image_id image_bytes; do
    [[ -n "$(kv "$line" "$k")" && "$(kv "$line" "$k")" != - ]] || missing+=("$k")
  done
  check "$name: every field present" test ${#missing[@]} -eq 0 || echo "    missing: ${missing[*]}"
  check "$name: pull=$pull" test "$(kv "$line" pull)" = "$pull"
  check "$name: 0 < sandbox <= pulled <= created <= started <= ready ($(kv "$line" sandbox_ms) $(kv "$line" pulled_ms) $(kv "$line" created_ms) $(kv "$line" started_ms) $(kv "$line" ready_ms) ms)" \
    bash -c 'awk -v a="$1" -v b="$2" -v c="$3" -v d="$4" -v e="$5" "BEGIN { exit !(a > 0 && a <= b && b <= c && c <= d && d <= e) }"' _ \
    "$(kv "$line" sandbox_ms)" "$(kv "$line" pulled_ms)" "$(kv "$line" created_ms)" "$(kv "$line" started_ms)" "$(kv "$line" ready_ms)"
  check "$name: probe attempts >= 1 ($(kv "$line" probe_attempts))" test "$(kv "$line" probe_attempts)" -ge 1
  # Both clocks are the host's CLOCK_REALTIME: containerd stamps CreatedAt
  # before CreateContainer returns and StartedAt before StartContainer
  # returns, both after the client's t0.
  t0=$(kv "$line" t0_ns)
  check "$name: t0 <= CRI CreatedAt <= create return, CRI StartedAt <= start return" \
    bash -c '(( $1 <= $2 && $2 <= $3 && $2 <= $4 && $4 <= $5 ))' _ \
    "$t0" "$(kv "$line" cri_created_ns)" "$(kv "$line" create_return_ns)" "$(kv "$line" cri_started_ns)" "$(kv "$line" start_return_ns)"
  check "$name: image_bytes = the registry's manifest + config + layers ($wire)" test "$(kv "$line" image_bytes)" = "$wire"
  check "$name: runtime recorded" test "$(kv "$line" runtime)" = "${4:-runc}"
}

snapshot_listed() { ctr -a "$SOCK" -n k8s.io snapshots ls | awk -v k="$chain" '$1 == k { f = 1 } END { exit !f }'; }

# check_proc NAME POD: the restricted context, read from /proc; sets PROC_PID
check_proc() {
  local name=$1 pod=$2 insp pid
  PROC_PID=''
  insp=$("$PODBENCH" inspect --socket "$SOCK" --name "$pod")
  pid=$(sed -n 's/^container.pid=//p' <<<"$insp")
  if [[ -z "$pid" || ! -r /proc/$pid/status ]]; then
    not_ok "$name: container pid from inspect (${pid:-none})"
    return
  fi
  PROC_PID=$pid
  check "$name: process runs as 65532 (real, effective, saved, fs)" \
    bash -c '[[ "$(awk "/^Uid:/ {print \$2,\$3,\$4,\$5}" /proc/$1/status)" == "65532 65532 65532 65532" && "$(awk "/^Gid:/ {print \$2}" /proc/$1/status)" == 65532 ]]' _ "$pid"
  check "$name: root filesystem mounted read-only" \
    bash -c 'awk "\$5 == \"/\" { o = \$6 } END { exit !(o ~ /^ro(,|$)/) }" /proc/$1/mountinfo' _ "$pid"
  check "$name: no_new_privs, seccomp filter, no effective capabilities" \
    bash -c 'grep -q "^NoNewPrivs:[[:space:]]*1$" /proc/$1/status && grep -q "^Seccomp:[[:space:]]*2$" /proc/$1/status && grep -q "^CapEff:[[:space:]]*0000000000000000$" /proc/$1/status' _ "$pid"
  check "$name: inspect reports the same (user, read-only root)" \
    bash -c '[[ $1 == *"container.user=65532:65532"* && $1 == *"container.readonly_root=true"* ]]' _ "$insp"
}

# --- 5. cold pod --------------------------------------------------------------
check "before the cold pod: no blob of hello:scratch in the content store" all_absent
check "before the cold pod: no snapshot of its layer" not snapshot_listed
P1=$(free_port)
line=$("$PODBENCH" run --socket "$SOCK" --image "$REF" --port "$P1" --spec "$SPEC" --service hello \
  --runtime runc --name cold1 --timeout 60s 2>"$tmp/run.err")
rc=$?
if [[ $rc -ne 0 ]]; then
  not_ok "cold pod: podbench run exit $rc: $(cat "$tmp/run.err")"
else
  echo "     cold: $line"
  check_line "cold pod" "$line" pulled runc
  check "cold pod: the content store now holds every blob of the image" all_present
  check "cold pod: its layer is unpacked (snapshot $chain)" snapshot_listed
  check "cold pod: security recorded as the manifest's" \
    bash -c '[[ $1 == manifest:hello,uid=65532,gid=65532,nonroot,ro-root,no-new-privs,drop=ALL,seccomp=RuntimeDefault ]]' _ "$(kv "$line" security)"
  body=$(curl -fsS --max-time 5 "http://127.0.0.1:$P1/" 2>&1)
  check "cold pod: the service answers on the host network ($body)" bash -c '[[ $1 == *"variant scratch"* ]]' _ "$body"
  check_proc "cold pod" cold1
fi
out=$("$PODBENCH" rm --socket "$SOCK" --name cold1)
check "rm cold1: $out" test "$out" = "removed sandboxes=1 containers=1"
check "rm cold1: its process is gone" bash -c '[[ -n $1 && ! -e /proc/$1 ]]' _ "${PROC_PID:-}"

# --- 6. warm pod ---------------------------------------------------------------
P2=$(free_port)
line=$("$PODBENCH" run --socket "$SOCK" --image "$REF" --port "$P2" --spec "$SPEC" --service hello \
  --runtime runc --name warm1 --rm --timeout 60s 2>"$tmp/run.err")
rc=$?
if [[ $rc -ne 0 ]]; then
  not_ok "warm pod: podbench run exit $rc: $(cat "$tmp/run.err")"
else
  echo "     warm: $line"
  check_line "warm pod" "$line" present runc
fi

# --- 7. crun, image mode ----------------------------------------------------------
P3=$(free_port)
line=$("$PODBENCH" run --socket "$SOCK" --image "$REF" --port "$P3" --spec "$SPEC" --service hello \
  --runtime crun --name crun1 --timeout 60s 2>"$tmp/run.err")
rc=$?
if [[ $rc -ne 0 ]]; then
  not_ok "crun pod: podbench run exit $rc: $(cat "$tmp/run.err")"
else
  echo "     crun: $line"
  check "crun pod: runtime=crun, ready after start" \
    bash -c '[[ $1 == *" runtime=crun "* || $1 == runtime=crun\ * ]]' _ "$line"
  insp=$("$PODBENCH" inspect --socket "$SOCK" --name crun1)
  check "crun pod: the container was started by /usr/bin/crun" \
    bash -c '[[ $1 == *"container.runtime_binary=/usr/bin/crun"* && $1 == *"sandbox.runtime_handler=crun"* ]]' _ "$insp"
  "$PODBENCH" rm --socket "$SOCK" --name crun1 >/dev/null
fi
P4=$(free_port)
line=$("$PODBENCH" run --socket "$SOCK" --image "$REF" --port "$P4" --security image \
  --name img1 --timeout 60s 2>"$tmp/run.err")
rc=$?
if [[ $rc -ne 0 ]]; then
  not_ok "image-mode pod: podbench run exit $rc: $(cat "$tmp/run.err")"
else
  insp=$("$PODBENCH" inspect --socket "$SOCK" --name img1)
  ipid=$(sed -n 's/^container.pid=//p' <<<"$insp")
  check "image mode: image's user (65532), writable root, no seccomp filter, PORT by env" \
    bash -c '[[ "$(awk "/^Uid:/ {print \$2}" /proc/$1/status)" == 65532 ]] &&
      awk "\$5 == \"/\" { o = \$6 } END { exit !(o ~ /^rw(,|$)/) }" /proc/$1/mountinfo &&
      grep -q "^Seccomp:[[:space:]]*0$" /proc/$1/status && [[ $2 == *"PORT=$3"* ]]' _ "$ipid" "$insp" "$P4"
  "$PODBENCH" rm --socket "$SOCK" --name img1 >/dev/null
fi

line=$("$PODBENCH" run --socket "$SOCK" --image "$SANDBOX" --security image --until started \
  --name until1 --rm --timeout 30s 2>"$tmp/run.err")
rc=$?
check "--until started: a process without HTTP (pause) samples up to started, ready reads -" \
  bash -c '[[ $1 -eq 0 && $2 =~ \ started_ms=[0-9.]+\  && $2 == *" ready_ms=- "* && $2 == *" probe_attempts=0 "* ]]' _ "$rc" "$line"
[[ $rc -eq 0 ]] || sed 's/^/    /' "$tmp/run.err"

# --- 8. a failing pull ------------------------------------------------------------
"$PODBENCH" run --socket "$SOCK" --image "127.0.0.1:$RP/slimline/nosuch:image" --port "$(free_port)" \
  --name bad1 --timeout 30s >/dev/null 2>"$tmp/run.err"
rc=$?
check "a missing image: exit 1, the message names PullImage" \
  bash -c '[[ $1 -eq 1 && $2 == *"podbench run: PullImage 127.0.0.1:"*nosuch* ]]' _ "$rc" "$(cat "$tmp/run.err")"
out=$("$PODBENCH" rm --socket "$SOCK" --all)
check "a failed run leaves no sandbox ($out)" test "$out" = "removed sandboxes=0 containers=0"
"$PODBENCH" run --socket "$SOCK" --image "$REF" --port 0 >/dev/null 2>&1
check "a usage error exits 2" test $? -eq 2

# --- 9. rmi: cold means cold -------------------------------------------------------
out=$("$PODBENCH" rmi --socket "$SOCK" --image "$REF" 2>&1)
check "rmi: $out" bash -c '[[ $1 == "removed images=1 blobs=3 bytes='"$wire"' left=0 kept=1" ]]' _ "$out"
check "after rmi: no blob of hello:scratch in the content store (ctr)" all_absent
check "after rmi: the sandbox image's manifest is still there (pinned)" \
  bash -c 'ctr -a "$1" -n k8s.io content ls -q | grep -qx "$(cat "$2")"' _ "$SOCK" "$PAUSE_DIR/digest"
check "after rmi: no snapshot of its layer" not snapshot_listed
out=$("$PODBENCH" rmi --socket "$SOCK" --image "$SANDBOX" 2>&1)
check "rmi refuses the sandbox image" bash -c '[[ $1 == *"refusing to remove"*"sandbox image"* ]]' _ "$out"

# --- 10. pulls through the link emulator, and no way around it -----------------
# The image keeps its name (127.0.0.1:$RP/...); containerd.sh route sends
# its pulls elsewhere. Through linkemu at 50 ms RTT a pull needs at least
# two round trips (connect, then manifest, config, layer requests): the
# emulator is in the path when the pull takes that long. Through a port
# nobody listens on, the pull must fail: containerd may not fall back to the
# registry itself.
if [[ -x "$LINKEMU" ]]; then
  "$LINKEMU" --listen 127.0.0.1:0 --target "127.0.0.1:$RP" --rate 100mbit --rtt 50ms \
    --ready-file "$tmp/linkemu.port" >"$tmp/linkemu.log" 2>&1 &
  LE_PID=$!
  for _ in $(seq 1 100); do [[ -s "$tmp/linkemu.port" ]] && break; sleep 0.02; done
  LP=$(tr -dc '0-9' <"$tmp/linkemu.port" 2>/dev/null)
  if [[ -z "$LP" ]]; then
    not_ok "linkemu did not start (log: $tmp/linkemu.log)"
  else
    bash "$CTD" route "$D" "127.0.0.1:$RP" "127.0.0.1:$LP"
    line=$("$PODBENCH" run --socket "$SOCK" --image "$REF" --port "$(free_port)" --spec "$SPEC" --service hello \
      --name link1 --rm --timeout 60s 2>"$tmp/run.err")
    rc=$?
    pull_ms=$(awk -v a="$(kv "$line" pulled_ms)" -v b="$(kv "$line" sandbox_ms)" 'BEGIN { printf "%.1f", a - b }')
    check "cold pod through linkemu (rtt 50 ms): pulled, pull took >= 2 RTT ($pull_ms ms)" \
      bash -c '[[ $1 -eq 0 && $2 == pulled ]] && awk -v p="$3" "BEGIN { exit !(p >= 100) }"' _ "$rc" "$(kv "$line" pull)" "$pull_ms"
    [[ $rc -eq 0 ]] || sed 's/^/    /' "$tmp/run.err"
    "$PODBENCH" rmi --socket "$SOCK" --image "$REF" >/dev/null 2>&1
  fi
  kill "$LE_PID" 2>/dev/null
  wait "$LE_PID" 2>/dev/null
  bash "$CTD" route "$D" "127.0.0.1:$RP" "127.0.0.1:$(free_port)"
  "$PODBENCH" run --socket "$SOCK" --image "$REF" --port "$(free_port)" --name dead1 --timeout 30s >/dev/null 2>"$tmp/run.err"
  rc=$?
  check "routed to a dead port: the pull fails (no fallback to the registry)" \
    bash -c '[[ $1 -eq 1 && $2 == *PullImage* ]]' _ "$rc" "$(cat "$tmp/run.err")"
  bash "$CTD" route "$D" "127.0.0.1:$RP"
  check "after the routed pulls: no blob of hello:scratch left" all_absent
else
  not_ok "linkemu not built ($LINKEMU; make benchtools): pulls through the link emulator untested"
fi

# --- 11. stop, and a crash --------------------------------------------------------
# in_ns NS: pids whose mount namespace is NS; ours_left: processes naming
# the socket (shims) or in the cgroup parent.
in_ns() { local p; for p in /proc/[0-9]*; do [[ "$(readlink "$p/ns/mnt" 2>/dev/null)" == "$1" ]] && echo "${p#/proc/}"; done; return 0; }
ours_left() {
  local p a args
  for p in /proc/[0-9]*; do
    mapfile -d '' args <"$p/cmdline" 2>/dev/null || continue
    for a in "${args[@]}"; do [[ "$a" == "$SOCK" ]] && { echo "${p#/proc/}"; break; }; done
  done
  ls -d /sys/fs/cgroup/*"$cg" 2>/dev/null
  return 0
}
gone() { local _; for _ in $(seq 1 50); do [[ ! -e /proc/$1 ]] && return 0; sleep 0.1; done; return 1; }
check_stopped() {  # LABEL
  check "$1: no process left in containerd's mount namespace" bash -c '[[ -z "$1" ]]' _ "$(in_ns "$mntns")"
  check "$1: no shim, no pod process, no cgroup of this containerd left" bash -c '[[ -z "$1" ]]' _ "$(ours_left)"
  check "$1: no mount left under the work directory" bash -c '! findmnt -rn -o TARGET | grep -qF "$1/"' _ "$tmp"
  check "$1: no socket left" test ! -e "$SOCK"
  bash "$CTD" status "$D" >/dev/null
  check "$1: containerd.sh status exits 3" test $? -eq 3
}
cg=$(bash "$CTD" cgroup "$D")
mntns=$(cat "$D/containerd.mntns")
out=$(bash "$CTD" stop "$D" 2>&1)
rc=$?
check "containerd.sh stop ($(tail -n 1 <<<"$out"))" test "$rc" -eq 0
check_stopped "after stop"

# A crash: containerd killed with a pod running. start refuses while its
# leftovers live; stop ends them (the shim, the container) and their mounts.
if SOCK=$(bash "$CTD" start "$D" --sandbox-image "$SANDBOX" 2>"$tmp/start.log"); then
  mntns=$(cat "$D/containerd.mntns")
  "$PODBENCH" run --socket "$SOCK" --image "$SANDBOX" --security image --until started \
    --name crash1 --timeout 30s >/dev/null 2>"$tmp/run.err"
  cpid=$(cat "$D/containerd.pid")
  ppid=$("$PODBENCH" inspect --socket "$SOCK" --name crash1 | sed -n 's/^container.pid=//p')
  kill -KILL "$cpid"
  gone "$cpid"
  out=$(bash "$CTD" start "$D" --sandbox-image "$SANDBOX" 2>&1)
  rc=$?
  check "after a crash: start refuses while the shim and pod live" \
    bash -c '[[ $1 -eq 1 && $2 == *"still running"*"stop"* ]]' _ "$rc" "$out"
  out=$(bash "$CTD" stop "$D" --purge 2>&1)
  rc=$?
  check "after a crash: stop --purge ends what was left" bash -c '[[ $1 -eq 0 && $2 == *"ending processes left"* ]]' _ "$rc" "$out"
  if [[ -n "$ppid" ]]; then
    check "after a crash: the pod's process (pid $ppid) is gone" gone "$ppid"
  else
    not_ok "after a crash: no container pid from inspect ($(cat "$tmp/run.err"))"
  fi
  check_stopped "after a crash"
else
  not_ok "containerd.sh start (again): $(tail -n 1 "$tmp/start.log")"
fi

finish
