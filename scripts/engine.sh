#!/usr/bin/env bash
# engine.sh {start|stop|status|ensure}: the Docker engine the image tests use.
#
#   ensure  make sure an engine answers `docker info`; start one only if none
#           answers (an engine started by someone else is reused, untouched)
#   start   the same as ensure, but says what it found
#   stop    stop the engine this script started (found by its pid file);
#           an engine that this script did not start is never stopped
#   status  print whether an engine answers, and whether it is ours
#
# Installs Debian's docker.io first when dockerd is missing (scripts/deps.sh
# images). Environment (defaults in brackets):
#   SL_DOCKERD_PIDFILE  [/run/slimline/dockerd.pid]
#   SL_DOCKERD_LOG      [/var/log/slimline-dockerd.log]
#   SL_DOCKERD_ARGS     extra dockerd arguments (a second engine for testing:
#                       --data-root DIR --exec-root DIR --iptables=false ...;
#                       never --bridge=none beside a running engine: dockerd
#                       then deletes the host's docker0 bridge, which the
#                       other engine's containers need)
#   SL_ENGINE_TIMEOUT   seconds to wait for the engine to answer or stop [60]
#   DOCKER_HOST         when set to unix://PATH, dockerd listens there too
# Exit status: 0 success, 1 failure (with the log tail), 2 usage.
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
pidfile=${SL_DOCKERD_PIDFILE:-/run/slimline/dockerd.pid}
logfile=${SL_DOCKERD_LOG:-/var/log/slimline-dockerd.log}
timeout=${SL_ENGINE_TIMEOUT:-60}
read -r -a extra_args <<<"${SL_DOCKERD_ARGS:-}"

say() { echo "engine.sh: $*" >&2; }
die() { say "$*"; exit 1; }

[[ "$timeout" =~ ^[1-9][0-9]*$ ]] || die "invalid SL_ENGINE_TIMEOUT '$timeout': expected a positive whole number of seconds"

# Any docker client will do for `docker info`; prefer the one on PATH.
client() {
  if command -v docker >/dev/null; then
    command -v docker
  elif [[ -x /usr/bin/docker ]]; then
    echo /usr/bin/docker
  fi
}

engine_answers() {
  local c
  c=$(client)
  [[ -n "$c" ]] || return 1
  timeout 10 "$c" info >/dev/null 2>&1
}

# The pid in our pid file, if that process is alive and is a dockerd.
our_pid() {
  local pid comm
  [[ -s "$pidfile" ]] || return 1
  pid=$(tr -dc '0-9' <"$pidfile")
  [[ -n "$pid" ]] || return 1
  comm=$(cat "/proc/$pid/comm" 2>/dev/null) || return 1
  [[ "$comm" == dockerd ]] || return 1
  echo "$pid"
}

log_tail() {
  if [[ -s "$logfile" ]]; then
    say "last lines of $logfile:"
    tail -n 25 "$logfile" >&2
  else
    say "no log at $logfile"
  fi
}

# A second dockerd started with --bridge=none deletes the host's docker0
# on start-up (moby removeDefaultBridgeInterface), after which every
# `docker run` and every RUN step of the running engine fails with "could
# not find bridge docker0". Put the bridge back as the engine configured it.
heal_bridge() {
  local c name subnet gw mtu
  c=$(client)
  name=$("$c" network inspect bridge -f '{{index .Options "com.docker.network.bridge.name"}}' 2>/dev/null) || return 0
  [[ -n "$name" ]] || return 0
  ip link show "$name" >/dev/null 2>&1 && return 0
  subnet=$("$c" network inspect bridge -f '{{range .IPAM.Config}}{{.Subnet}}{{end}}')
  gw=$("$c" network inspect bridge -f '{{range .IPAM.Config}}{{.Gateway}}{{end}}')
  mtu=$("$c" network inspect bridge -f '{{index .Options "com.docker.network.driver.mtu"}}')
  [[ "$subnet" =~ ^([0-9]+\.[0-9]+\.[0-9]+)\.([0-9]+)/([0-9]+)$ ]] || {
    say "warning: bridge $name missing and its subnet '$subnet' unknown; containers cannot start"
    return 0
  }
  [[ -n "$gw" ]] || gw=${BASH_REMATCH[1]}.$((BASH_REMATCH[2] + 1))
  say "warning: the engine's bridge $name was deleted (a dockerd started with --bridge=none?); recreating it as $gw/${BASH_REMATCH[3]}"
  ip link add "$name" type bridge &&
    ip link set "$name" mtu "${mtu:-1500}" &&
    ip addr add "$gw/${BASH_REMATCH[3]}" dev "$name" &&
    ip link set "$name" up || say "warning: cannot recreate bridge $name"
  # Containers that were running lost their port on the bridge: the host
  # ends of their veth pairs are left without a master. Put them back.
  local veth
  for veth in $(ip -o link show type veth 2>/dev/null | awk '!/ master / { sub(/@.*/, "", $2); print $2 }'); do
    ip link set "$veth" master "$name" && say "reattached $veth to $name"
  done
}

start_engine() {
  local verbose=$1 t0 pid i host_args=()
  if engine_answers; then
    heal_bridge
    if [[ "$verbose" == 1 ]]; then
      if pid=$(our_pid); then
        say "engine already running (pid $pid, started by this script)"
      else
        say "engine already running (not started by this script; left as it is)"
      fi
    fi
    return 0
  fi
  if ! command -v dockerd >/dev/null; then
    say "dockerd missing: installing the images packages"
    "$here/deps.sh" images
  fi
  command -v dockerd >/dev/null || die "cannot start the engine: dockerd not installed"
  [[ -n "$(client)" ]] || die "cannot start the engine: no docker client installed"
  if pid=$(our_pid); then
    die "cannot start the engine: dockerd pid $pid (from $pidfile) runs but does not answer; see $logfile or run '$0 stop'"
  fi
  if [[ "${DOCKER_HOST:-}" == unix://* ]]; then
    host_args=(-H "$DOCKER_HOST")
  elif [[ -n "${DOCKER_HOST:-}" ]]; then
    die "cannot start the engine: DOCKER_HOST '$DOCKER_HOST' is not a unix:// socket"
  fi
  mkdir -p "$(dirname "$pidfile")" "$(dirname "$logfile")"
  t0=$SECONDS
  say "starting dockerd (pid file $pidfile, log $logfile)"
  # setsid: the engine must outlive this script and the make that ran it.
  setsid dockerd --pidfile "$pidfile" "${host_args[@]}" "${extra_args[@]}" \
    </dev/null >>"$logfile" 2>&1 &
  for ((i = 0; i < timeout * 2; i++)); do
    if engine_answers; then
      say "engine answers after $((SECONDS - t0)) s"
      return 0
    fi
    # A dockerd that died early (bad flag, pid file in use) will never answer.
    if ((i > 4)) && ! our_pid >/dev/null && ! kill -0 $! 2>/dev/null; then
      log_tail
      die "cannot start the engine: dockerd exited"
    fi
    sleep 0.5
  done
  log_tail
  die "cannot start the engine: no answer to 'docker info' within ${timeout} s"
}

stop_engine() {
  local pid i
  if ! pid=$(our_pid); then
    if engine_answers; then
      say "not stopping: the running engine was not started by this script (no live dockerd in $pidfile)"
    else
      say "no engine started by this script is running"
    fi
    return 0
  fi
  say "stopping dockerd pid $pid"
  kill -TERM "$pid"
  for ((i = 0; i < timeout * 2; i++)); do
    if ! kill -0 "$pid" 2>/dev/null; then
      say "engine stopped"
      rm -f "$pidfile"
      return 0
    fi
    sleep 0.5
  done
  log_tail
  die "cannot stop the engine: dockerd pid $pid still runs after ${timeout} s"
}

status_engine() {
  local pid
  if engine_answers; then
    if pid=$(our_pid); then
      echo "running (pid $pid, started by this script, log $logfile)"
    else
      echo "running (not started by this script)"
    fi
  else
    if pid=$(our_pid); then
      echo "not answering (dockerd pid $pid from $pidfile runs; see $logfile)"
      return 1
    fi
    echo "stopped"
    return 3
  fi
}

case "${1:-}" in
  start) start_engine 1 ;;
  ensure) start_engine 0 ;;
  stop) stop_engine ;;
  status) status_engine ;;
  *)
    echo "usage: $0 {start|stop|status|ensure}" >&2
    exit 2
    ;;
esac
