#!/usr/bin/env bash
# engine.sh: a private, empty Docker engine for the labs' cold pulls.
#
#   engine.sh start DIR   start a second dockerd whose data, exec root,
#                         socket, pid file and config live under DIR; wait
#                         until it answers; print its address
#                         (unix://DIR/docker.sock) on stdout
#   engine.sh stop DIR    stop it, unmount whatever it left mounted under
#                         DIR, delete its bridge and its data (DIR itself
#                         and any other file in it stay)
#
# Why: the engine you build with already holds every layer of the images
# you built, so a pull there fetches nothing ("Already exists"). A cold pull
# needs an engine that has never seen them.
# It never touches the main engine: its own bridge (a /24 of 10.232.0.0/16
# that no route uses yet, never docker0: a dockerd without a bridge of its
# own would take docker0 down), no iptables rules, its own containerd
# (started by dockerd under DIR), an empty config file (not
# /etc/docker/daemon.json). Needs root, dockerd and ip.
# Exit status: 0, 1 a failure (named on stderr), 2 usage.
set -euo pipefail

me=engine.sh
die() { echo "$me: $*" >&2; exit 1; }
usage() { echo "usage: $me start|stop DIR" >&2; exit 2; }
[[ $# -eq 2 && -n "$2" ]] || usage
cmd=$1
case $cmd in start | stop) ;; *) usage ;; esac
[[ $(id -u) -eq 0 ]] || die "needs root (dockerd, a bridge)"
mkdir -p "$2" 2>/dev/null || die "cannot create $2"
DIR=$(cd "$2" && pwd)
DATA=$DIR/data
EXEC=$DIR/x
SOCK=$DIR/docker.sock
PIDFILE=$EXEC/dockerd.pid
LOG=$DIR/dockerd.log
BRIDGE=sl$(printf '%s' "$DIR" | sha256sum | cut -c1-10)
# unix socket paths must fit in 108 bytes, containerd's is the longest
((${#EXEC} + 40 < 108)) || die "directory path too long for the engine's sockets: $DIR"

running_pid() {
  local pid
  [[ -s "$PIDFILE" ]] || return 1
  pid=$(cat "$PIDFILE")
  [[ "$pid" =~ ^[0-9]+$ && -r /proc/$pid/cmdline ]] || return 1
  tr '\0' ' ' <"/proc/$pid/cmdline" | grep -qF -- "--exec-root $EXEC" || return 1
  echo "$pid"
}

start() {
  local n i pid
  command -v dockerd >/dev/null || die "dockerd not found (Debian package docker.io)"
  command -v ip >/dev/null || die "ip not found (Debian package iproute2)"
  if running_pid >/dev/null; then die "an engine already runs for $DIR (stop it first)"; fi
  mkdir -p "$DATA" "$EXEC"
  echo '{}' >"$DIR/daemon.json"
  if ! ip link show "$BRIDGE" >/dev/null 2>&1; then
    for n in $(shuf -i 1-254); do
      ip route | grep -q "^10\.232\.$n\." && continue
      ip link add "$BRIDGE" type bridge || die "cannot create bridge $BRIDGE"
      ip addr add "10.232.$n.1/24" dev "$BRIDGE" || { ip link del "$BRIDGE"; die "cannot address bridge $BRIDGE"; }
      ip link set "$BRIDGE" up
      break
    done
    ip link show "$BRIDGE" >/dev/null 2>&1 || die "no free /24 in 10.232.0.0/16 for bridge $BRIDGE"
  fi
  dockerd --config-file "$DIR/daemon.json" --data-root "$DATA" --exec-root "$EXEC" \
    --pidfile "$PIDFILE" -H "unix://$SOCK" --bridge="$BRIDGE" \
    --iptables=false --ip6tables=false --ip-masq=false --log-level=warn \
    </dev/null >"$LOG" 2>&1 &
  pid=$!
  for i in $(seq 1 120); do
    if docker -H "unix://$SOCK" info >/dev/null 2>&1; then
      echo "unix://$SOCK"
      return 0
    fi
    kill -0 "$pid" 2>/dev/null || { tail -n 20 "$LOG" >&2; stop >/dev/null 2>&1 || true; die "dockerd exited at start (log: $LOG)"; }
    sleep 0.25
  done
  stop >/dev/null 2>&1 || true
  die "dockerd did not answer on $SOCK within 30 s (log: $LOG)"
}

stop() {
  local pid i left
  if pid=$(running_pid); then
    docker -H "unix://$SOCK" ps -aq 2>/dev/null | xargs -r docker -H "unix://$SOCK" rm -f -v >/dev/null 2>&1 || true
    kill "$pid" 2>/dev/null || true
    for i in $(seq 1 120); do
      [[ -e /proc/$pid ]] || break
      sleep 0.25
    done
    if [[ -e /proc/$pid ]]; then
      kill -KILL "$pid" 2>/dev/null || true
      sleep 0.5
    fi
  fi
  ip link del "$BRIDGE" 2>/dev/null || true
  # dockerd leaves its network namespace files (and, when killed, layer
  # mounts) under its roots: unmount them, deepest first.
  awk -v d="$DIR/" 'index($2, d) == 1 { print $2 }' /proc/mounts | sort -r | xargs -r -n1 umount -l 2>/dev/null || true
  left=$(awk -v d="$DIR/" 'index($2, d) == 1 { print $2 }' /proc/mounts)
  [[ -z "$left" ]] || die "mounts left under $DIR: $left"
  rm -rf "$DATA" "$EXEC" "$SOCK" "$DIR/daemon.json"
}

"$cmd"
