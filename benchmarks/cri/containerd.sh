#!/usr/bin/env bash
# containerd.sh: a PRIVATE containerd (Debian's 1.6, CRI plugin built in) for
# pod samples through the Kubernetes runtime API. Never the system one: its
# own root, state, sockets, runtime state dirs and config, all under DIR.
#
#   containerd.sh start DIR --sandbox-image REF [--registry HOST:PORT]...
#                           [--log-level LEVEL] [--timeout SECONDS]
#       Write DIR/config.toml, start containerd in its own mount namespace,
#       wait until the CRI answers, pull the sandbox image (REF, pinned by
#       digest: HOST:PORT/slimline/pause@sha256:...) and print the socket
#       path. Each --registry gets a hosts.toml (plain HTTP to itself); the
#       sandbox image's registry always gets one.
#   containerd.sh stop DIR [--purge]
#       Remove every pod sandbox (CRI), stop containerd, end what it left
#       (shims started with "-address DIR/containerd.sock", processes in
#       its pods' cgroup parent; nothing found by name), so the mounts of
#       its private mount namespace go with them.
#       --purge also deletes DIR's image store and state (logs are kept).
#   containerd.sh status DIR
#       "running pid N socket PATH cri VERSION", exit 0; "stopped", exit 3.
#   containerd.sh route DIR HOST:PORT [VIA_HOST:PORT]
#       Pulls of images named HOST:PORT/... go over plain HTTP to VIA (a link
#       emulator in front of the registry), or to HOST:PORT itself when VIA
#       is omitted. Read by containerd at every pull: no restart needed.
#       There is no fallback to HOST:PORT when VIA fails.
#   containerd.sh sock DIR
#       Print the CRI socket path (DIR/containerd.sock).
#   containerd.sh cgroup DIR
#       Print the cgroup parent podbench gives this instance's pods by
#       default: /slimline-pods-<first 12 hex of sha256(socket path)>.
#       `stop` removes it.
#
# Runtime handlers: "runc" (default) and "crun", both io.containerd.runc.v2
# shims of this ONE containerd, crun through BinaryName=/usr/bin/crun.
# Debian's crun 1.8 refuses a hybrid cgroup layout (v1 controllers plus a
# v2 "unified" hierarchy), so on such a machine containerd starts in its own
# mount namespace with /sys/fs/cgroup/unified hidden under a tmpfs; runc
# runs the same way. No CNI (empty private conf dir): pods use the host's
# network (NamespaceMode NODE). restrict_oom_score_adj = true (without it
# runc cannot start a sandbox on these machines).
#
# Environment: PODBENCH (default build/bench/bin/podbench, for the CRI
# checks), CONTAINERD (default containerd), RUNC, CRUN (binary paths).
# Exit: 0 ok, 1 failure (message names the cause), 2 usage, 3 (status) not
# running. Needs root.
set -euo pipefail

# The header above, up to its first non-comment line, is the help text.
help_text() { awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"; }

me=containerd.sh
die() { echo "$me: $*" >&2; exit 1; }
say() { echo "$me: $*" >&2; }
usage() { help_text >&2; exit 2; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PODBENCH=${PODBENCH:-$ROOT/build/bench/bin/podbench}
CONTAINERD=${CONTAINERD:-containerd}

[[ $# -ge 1 ]] || usage
cmd=$1
shift
case $cmd in -h | --help) help_text; exit 0 ;; esac
[[ $# -ge 1 && -n "$1" && "$1" != -* ]] || usage
DIR=$1
shift

# Absolute DIR for everything written into the config.
if [[ "$cmd" == start ]]; then
  mkdir -p "$DIR" || die "cannot create $DIR"
fi
[[ -d "$DIR" ]] || die "no such directory: $DIR"
DIR=$(cd "$DIR" && pwd)
SOCK=$DIR/containerd.sock
PIDFILE=$DIR/containerd.pid
NSFILE=$DIR/containerd.mntns
LOG=$DIR/containerd.log
CONF=$DIR/config.toml
HOSTS=$DIR/certs.d

pid_alive() {  # the recorded pid is a containerd started with our config
  local pid
  [[ -s "$PIDFILE" ]] || return 1
  pid=$(cat "$PIDFILE")
  [[ "$pid" =~ ^[0-9]+$ ]] || return 1
  [[ -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "--config $CONF" || return 1
  echo "$pid"
}

cri_version() {  # prints "RuntimeName RuntimeVersion CRI api"; 1 when silent
  [[ -x "$PODBENCH" ]] || return 1
  "$PODBENCH" version --socket "$SOCK" --timeout 2s 2>/dev/null
}

# The cgroup parent podbench gives this instance's pods by default.
cgroup_parent() {
  printf '/slimline-pods-%s' "$(printf '%s' "$SOCK" | sha256sum | cut -c1-12)"
}

check_hostport() {
  [[ "$1" =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+:[0-9]+$ ]] ||
    die "invalid address '$1': expected 127.x.y.z:PORT (loopback only)"
}

route() {  # route HOST:PORT [VIA]
  local host=$1 via=${2:-$1}
  check_hostport "$host"
  check_hostport "$via"
  mkdir -p "$HOSTS/$host"
  # containerd 1.6 rejects a hosts.toml without a [host] table, and always
  # appends `server` as the last endpoint to try: both name VIA, so a
  # failing link emulator is never bypassed. Written to a temporary file and
  # renamed: a pull never reads half a file.
  cat >"$HOSTS/$host/hosts.toml.tmp" <<EOF
# written by benchmarks/cri/containerd.sh: pulls of $host/... go to $via
server = "http://$via"
capabilities = ["pull", "resolve"]

[host."http://$via"]
  capabilities = ["pull", "resolve"]
EOF
  mv "$HOSTS/$host/hosts.toml.tmp" "$HOSTS/$host/hosts.toml"
}

write_config() {  # write_config SANDBOX_IMAGE LOG_LEVEL
  local runc crun
  runc=${RUNC:-$(command -v runc || true)}
  crun=${CRUN:-$(command -v crun || true)}
  [[ -n "$runc" && -x "$runc" ]] || die "cannot find runc (Debian package runc; scripts/deps.sh cri)"
  if [[ -z "$crun" || ! -x "$crun" ]]; then
    say "warning: crun not found (Debian package crun): the crun handler will fail"
    crun=/usr/bin/crun
  fi
  cat >"$CONF.tmp" <<EOF
# written by benchmarks/cri/containerd.sh: a private containerd for pod
# samples through the CRI. Nothing here is shared with the system containerd.
version = 2
root = "$DIR/root"
state = "$DIR/state"
disabled_plugins = ["io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]

[grpc]
  address = "$SOCK"

[ttrpc]
  address = "$SOCK.ttrpc"

[debug]
  address = ""
  level = "$2"

[metrics]
  address = ""

[plugins]
  [plugins."io.containerd.internal.v1.opt"]
    path = "$DIR/opt"
  [plugins."io.containerd.grpc.v1.cri"]
    sandbox_image = "$1"
    restrict_oom_score_adj = true
    disable_tcp_service = true
    stream_server_address = "127.0.0.1"
    stream_server_port = "0"
    max_concurrent_downloads = 3
    [plugins."io.containerd.grpc.v1.cri".containerd]
      snapshotter = "overlayfs"
      default_runtime_name = "runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
          BinaryName = "$runc"
          Root = "$DIR/runtime/runc"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.crun]
        runtime_type = "io.containerd.runc.v2"
        [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.crun.options]
          BinaryName = "$crun"
          Root = "$DIR/runtime/crun"
    [plugins."io.containerd.grpc.v1.cri".cni]
      bin_dir = "$DIR/cni/bin"
      conf_dir = "$DIR/cni/net.d"
    [plugins."io.containerd.grpc.v1.cri".registry]
      config_path = "$HOSTS"
EOF
  mv "$CONF.tmp" "$CONF"
}

start() {
  local sandbox='' level=info timeout=30 regs=() pid i ver host hide
  while [[ $# -gt 0 ]]; do
    case $1 in
      --sandbox-image) [[ $# -ge 2 ]] || usage; sandbox=$2; shift 2 ;;
      --registry) [[ $# -ge 2 ]] || usage; check_hostport "$2"; regs+=("$2"); shift 2 ;;
      --log-level) [[ $# -ge 2 ]] || usage; level=$2; shift 2 ;;
      --timeout) [[ $# -ge 2 && "$2" =~ ^[0-9]+$ ]] || usage; timeout=$2; shift 2 ;;
      *) echo "$me: unknown option '$1'" >&2; usage ;;
    esac
  done
  [[ -n "$sandbox" ]] || { echo "$me: start needs --sandbox-image REF (benchmarks/cri/pause.sh push prints it)" >&2; exit 2; }
  [[ "$sandbox" == *@sha256:* ]] || die "sandbox image '$sandbox' is not pinned by digest (expected HOST:PORT/NAME@sha256:...)"
  host=${sandbox%%/*}
  check_hostport "$host"
  case $level in trace | debug | info | warn | error) ;; *) die "invalid --log-level '$level' (trace, debug, info, warn, error)" ;; esac

  [[ $(id -u) -eq 0 ]] || die "must run as root (containerd, mounts, cgroups)"
  command -v "$CONTAINERD" >/dev/null || die "cannot find $CONTAINERD (Debian package containerd; scripts/deps.sh cri)"
  command -v containerd-shim-runc-v2 >/dev/null || die "cannot find containerd-shim-runc-v2 (Debian package containerd)"
  command -v unshare >/dev/null || die "cannot find unshare (util-linux)"
  [[ -x "$PODBENCH" ]] || die "cannot find $PODBENCH (make cri-tools)"
  # sun_path holds 108 bytes; the shim sockets live elsewhere.
  [[ ${#SOCK} -le 100 ]] || die "socket path too long for a unix socket (${#SOCK} > 100 bytes): $SOCK; use a shorter DIR"
  if pid=$(pid_alive); then die "already running (pid $pid, socket $SOCK); stop it first"; fi
  [[ -z "$(leftovers | tr -d ' ')" ]] ||
    die "processes of an earlier containerd in $DIR are still running ($(leftovers)); run '$me stop $DIR' first"
  grep -qw overlay /proc/filesystems || modprobe overlay 2>/dev/null || true
  grep -qw overlay /proc/filesystems || die "the kernel has no overlay filesystem (module overlay): the overlayfs snapshotter needs it"

  mkdir -p "$DIR/root" "$DIR/state" "$DIR/opt" "$DIR/cni/bin" "$DIR/cni/net.d" "$DIR/runtime" "$HOSTS"
  write_config "$sandbox" "$level"
  route "$host"
  for r in "${regs[@]}"; do route "$r"; done

  # Hide the v2 "unified" hierarchy of a hybrid layout (see the header).
  # crun still writes a directory and its cgroup.procs there for every
  # container and leaves them (about 8 KiB each): 1 MiB ran out after
  # about 130 containers ("No space left on device" from crun in
  # results/20261201T015431Z), 64 MiB holds some 8000 per containerd start.
  hide=''
  if [[ -d /sys/fs/cgroup/unified && "$(stat -f -c %T /sys/fs/cgroup/unified 2>/dev/null)" == cgroup2fs ]]; then
    hide='mount -t tmpfs -o size=64m,mode=755 slimline-cgroup-hide /sys/fs/cgroup/unified && '
  fi
  rm -f "$PIDFILE" "$NSFILE"
  : >"$LOG"
  # setsid: its own session, so a ^C in the caller's terminal does not kill
  # containerd behind `stop`'s back. unshare and sh exec: the pid stays.
  setsid unshare -m --propagation private \
    sh -c "${hide}exec \"\$0\" --config \"\$1\"" "$CONTAINERD" "$CONF" \
    </dev/null >>"$LOG" 2>&1 &
  pid=$!
  echo "$pid" >"$PIDFILE"
  for ((i = 0; i < timeout * 10; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      tail -n 20 "$LOG" >&2
      die "containerd exited during start-up (log: $LOG)"
    fi
    if [[ -S "$SOCK" ]] && ver=$(cri_version); then
      break
    fi
    sleep 0.1
  done
  if [[ -z "${ver:-}" ]]; then
    tail -n 20 "$LOG" >&2
    stop_all
    die "the CRI did not answer on $SOCK within $timeout s (log: $LOG)"
  fi
  readlink "/proc/$pid/ns/mnt" >"$NSFILE"
  [[ "$(cat "$NSFILE")" != "$(readlink /proc/self/ns/mnt)" ]] ||
    { stop_all; die "containerd did not get its own mount namespace"; }
  say "running, pid $pid, socket $SOCK, CRI: $ver${hide:+, cgroup v2 'unified' hidden}"
  if ! "$PODBENCH" pull --socket "$SOCK" --image "$sandbox" --timeout "${timeout}s" >&2; then
    stop_all
    die "cannot pull the sandbox image $sandbox (log: $LOG)"
  fi
  echo "$SOCK"
}

# leftovers: processes this instance started that outlived it, found by
# marks no other process has: a shim started with "-address SOCK", or a
# process in this instance's cgroup parent (its pods' containers). Never a
# search by name.
our_shims() {
  local p args i
  for p in /proc/[0-9]*; do
    mapfile -d '' args <"$p/cmdline" 2>/dev/null || continue
    for ((i = 0; i + 1 < ${#args[@]}; i++)); do
      if [[ "${args[i]}" == -address && "${args[i + 1]}" == "$SOCK" ]]; then
        echo "${p#/proc/}"
        break
      fi
    done
  done
  return 0
}

our_pod_procs() {
  local parent d
  parent=$(cgroup_parent)
  for d in /sys/fs/cgroup/pids"$parent" /sys/fs/cgroup"$parent"; do
    [[ -d "$d" ]] || continue
    find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null
    return 0
  done
  return 0
}

leftovers() { { our_shims; our_pod_procs; } | sort -un | tr '\n' ' '; }

end_leftovers() {  # TERM, then KILL what is left after 5 s
  local left i
  left=$(leftovers)
  [[ -n "${left// /}" ]] || return 0
  say "ending processes left by this containerd (shims, pod processes): $left"
  # shellcheck disable=SC2086
  kill -TERM $left 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do [[ -z "$(leftovers | tr -d ' ')" ]] && return 0; sleep 0.1; done
  left=$(leftovers)
  # shellcheck disable=SC2086
  [[ -z "${left// /}" ]] || kill -KILL $left 2>/dev/null || true
  for ((i = 0; i < 50; i++)); do [[ -z "$(leftovers | tr -d ' ')" ]] && return 0; sleep 0.1; done
  return 1
}

stop_all() {
  local pid i
  if pid=$(pid_alive); then
    if [[ -S "$SOCK" && -x "$PODBENCH" ]]; then
      "$PODBENCH" rm --socket "$SOCK" --all --timeout 60s >&2 ||
        say "warning: could not remove every pod through the CRI; ending its processes"
    fi
    kill -TERM "$pid" 2>/dev/null || true
    for ((i = 0; i < 100; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    if kill -0 "$pid" 2>/dev/null; then
      say "containerd (pid $pid) ignored SIGTERM for 10 s: SIGKILL"
      kill -KILL "$pid" 2>/dev/null || true
      for ((i = 0; i < 50; i++)); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
    fi
  fi
  # After a clean removal nothing is left; after a crash the shims (in
  # containerd's mount namespace, which lives as long as they do) and the
  # pods' processes are.
  end_leftovers || die "processes left by this containerd do not end: $(leftovers)"
  rm -f "$PIDFILE" "$NSFILE" "$SOCK" "$SOCK.ttrpc"
}

stop() {
  local purge=0
  while [[ $# -gt 0 ]]; do
    case $1 in
      --purge) purge=1; shift ;;
      *) echo "$me: unknown option '$1'" >&2; usage ;;
    esac
  done
  [[ $(id -u) -eq 0 ]] || die "must run as root"
  stop_all
  # Mounts of the private namespace went with it; a mount under DIR in the
  # host's namespace would mean a leak (none is expected).
  if findmnt -rn -o TARGET | grep -qF "$DIR/"; then
    die "mounts left under $DIR: $(findmnt -rn -o TARGET | grep -F "$DIR/" | tr '\n' ' ')"
  fi
  # Cgroups: runc removes a pod's own; a failed create (crun) can leave
  # empty ones behind. This instance's parent (see `cgroup`) holds only its
  # pods, all ended now: remove it, deepest first. rmdir never removes a
  # cgroup that still has processes.
  local d parent
  parent=$(cgroup_parent)
  for d in /sys/fs/cgroup/*"$parent" /sys/fs/cgroup"$parent"; do
    [[ -d "$d" ]] || continue
    find "$d" -depth -type d -exec rmdir {} + 2>/dev/null || true
    [[ ! -d "$d" ]] || say "warning: cgroup $d is still in use"
  done
  if [[ $purge -eq 1 ]]; then
    rm -rf "$DIR/root" "$DIR/state" "$DIR/opt" "$DIR/runtime" "$DIR/cni" "$HOSTS" "$CONF"
  fi
  say "stopped ($DIR)"
}

status() {
  local pid ver
  [[ $# -eq 0 ]] || usage
  if pid=$(pid_alive); then
    ver=$(cri_version) || ver='not answering'
    echo "running pid $pid socket $SOCK cri $ver"
    return 0
  fi
  echo "stopped"
  exit 3
}

case $cmd in
  start) start "$@" ;;
  stop) stop "$@" ;;
  status) status "$@" ;;
  route) [[ $# -ge 1 && $# -le 2 ]] || usage; route "$@" ;;
  sock) [[ $# -eq 0 ]] || usage; echo "$SOCK" ;;
  cgroup) [[ $# -eq 0 ]] || usage; cgroup_parent; echo ;;
  *) echo "$me: unknown command '$cmd'" >&2; usage ;;
esac
