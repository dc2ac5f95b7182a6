# registry.sh: the local registry (Debian's docker-registry), pushes, and one
# link emulator (linkemu) per non-loopback profile in front of it.

REG_PID='' REG_DIR='' REG_HOST='' REG_PORT=''
declare -A PROF_RATE=() PROF_RTT=() PROF_PORT=() LINK_PID=()

registry_start() {
  local addr=$1 i
  REG_HOST=${addr%:*} REG_PORT=${addr##*:}
  [[ "$REG_HOST" =~ ^127\.[0-9]+\.[0-9]+\.[0-9]+$ ]] || die "invalid --registry '$addr': expected 127.x.y.z:PORT (loopback only)"
  [[ "$REG_PORT" =~ ^[0-9]+$ ]] || die "invalid --registry '$addr': bad port"
  if [[ "$REG_PORT" == 0 ]] || port_busy "$REG_PORT"; then
    [[ "$REG_PORT" == 0 ]] || say "registry: port $REG_PORT is busy, using a free one"
    REG_PORT=$(free_port) || die "registry: no free port"
  fi
  command -v "$REGISTRY_BIN" >/dev/null || die "registry: $REGISTRY_BIN not found (scripts/deps.sh bench installs docker-registry)"
  REG_DIR=$BENCH_WORK/registry
  rm -rf "$REG_DIR"
  mkdir -p "$REG_DIR/data"
  cat >"$REG_DIR/config.yml" <<EOF
version: 0.1
log:
  level: warn
  accesslog:
    disabled: false
storage:
  filesystem:
    rootdirectory: $REG_DIR/data
  delete:
    enabled: true
http:
  addr: $REG_HOST:$REG_PORT
EOF
  # The access log (one line per HTTP request, on stdout) counts the
  # requests of each pull: reg_mark / reg_requests.
  "$REGISTRY_BIN" serve "$REG_DIR/config.yml" >"$OUT/logs/registry-access.log" 2>"$OUT/logs/registry.log" &
  REG_PID=$!
  on_exit registry_stop
  for i in $(seq 1 100); do
    if curl -fsS -o /dev/null "http://$REG_HOST:$REG_PORT/v2/" 2>/dev/null; then
      say "registry up on $REG_HOST:$REG_PORT (pid $REG_PID, storage $REG_DIR/data)"
      return 0
    fi
    kill -0 "$REG_PID" 2>/dev/null || break
    sleep 0.1
  done
  tail -n 20 "$OUT/logs/registry.log" >&2
  die "registry: no answer on $REG_HOST:$REG_PORT"
}

registry_stop() {
  [[ -n "$REG_PID" ]] || return 0
  kill "$REG_PID" 2>/dev/null
  wait "$REG_PID" 2>/dev/null
  REG_PID=''
  [[ "$KEEP_REGISTRY" == 1 ]] || rm -rf "$REG_DIR"
}

# reg_mark: the access log's current length (bytes), for reg_requests.
reg_mark() { stat -c %s "$OUT/logs/registry-access.log" 2>/dev/null || echo 0; }

# reg_requests MARK: HTTP requests the registry logged since MARK. The log
# is written asynchronously: wait until it stops growing (at most 0.5 s).
reg_requests() {
  local mark=$1 a b i
  a=$(reg_mark)
  for i in 1 2 3 4 5; do
    sleep 0.1
    b=$(reg_mark)
    [[ "$a" != "$b" ]] || break
    a=$b
  done
  tail -c +"$((mark + 1))" "$OUT/logs/registry-access.log" | grep -cE '"(GET|HEAD|POST|PUT|PATCH|DELETE) /v2/' || true
}

# reg_name SUBJECT: the repository path in the registry (the local tag minus
# any registry host of its own).
reg_name() {
  local r=$1 first=${1%%/*}
  if [[ "$r" == */* && ( "$first" == *.* || "$first" == *:* || "$first" == localhost ) ]]; then
    r=${r#*/}
  fi
  echo "$r"
}

# push SUBJECT: tag in the main engine, push, drop the extra tag again.
push() {
  local subj=$1 ref
  ref="$REG_HOST:$REG_PORT/$(reg_name "$subj")"
  M tag "$subj" "$ref" || return 1
  if ! M push "$ref" >>"$OUT/logs/push.log" 2>&1; then
    M rmi "$ref" >/dev/null 2>&1
    return 1
  fi
  M rmi "$ref" >/dev/null 2>&1 || true
}

# manifest SUBJECT: the schema 2 manifest as the registry serves it.
manifest() {
  local name tag
  name=$(reg_name "$1")
  tag=${name##*:} name=${name%:*}
  curl -fsS -H 'Accept: application/vnd.docker.distribution.manifest.v2+json' \
    "http://$REG_HOST:$REG_PORT/v2/$name/manifests/$tag"
}

# profiles_load FILE NAMES: fill PROF_RATE/PROF_RTT for the wanted names,
# from FILE (`name rate rtt` lines) with the built-in four as fallback.
profiles_load() {
  local file=$1 names=$2 n r t
  declare -gA PROF_DEF=([loopback]="unlimited 0" [datacenter]="1gbit 1ms" [cloud]="100mbit 20ms" [edge]="20mbit 50ms")
  if [[ -r "$file" ]]; then
    while read -r n r t _; do
      [[ -z "$n" || "$n" == \#* ]] && continue
      PROF_DEF[$n]="$r $t"
    done <"$file"
  fi
  for n in ${names//,/ }; do
    [[ -n "${PROF_DEF[$n]+x}" ]] || die "unknown profile '$n' (known: ${!PROF_DEF[*]}; add one to $file)"
    read -r r t <<<"${PROF_DEF[$n]}"
    PROF_RATE[$n]=$(to_bps "$r") || die "profile $n in $file: invalid rate '$r' (expected e.g. 100mbit, 1gbit, unlimited, 0)"
    PROF_RTT[$n]=$(to_ms "$t") || die "profile $n in $file: invalid rtt '$t' (expected e.g. 20ms, 500us, 0)"
    PROF_SPEC[$n]="$r $t"
  done
}
declare -A PROF_SPEC=()

# links_start: linkemu per profile (loopback = the registry directly), the
# self-test of each into linkcheck.csv, profiles.csv.
links_start() {
  local n r t port ready line i
  echo 'profile,rate_bps,rtt_ms' >"$OUT/profiles.csv"
  echo 'profile,target_rate_bps,measured_rate_bps,target_rtt_ms,measured_rtt_ms,status' >"$OUT/linkcheck.csv"
  for n in "${PROFILES[@]}"; do
    echo "$n,${PROF_RATE[$n]},${PROF_RTT[$n]}" >>"$OUT/profiles.csv"
    read -r r t <<<"${PROF_SPEC[$n]}"
    if [[ "${PROF_RATE[$n]}" == 0 && "${PROF_RTT[$n]}" == 0 ]]; then
      PROF_PORT[$n]=$REG_PORT
      say "profile $n: direct to the registry (no emulation)"
      continue
    fi
    [[ -x "$LINKEMU" ]] || die "profile $n needs $LINKEMU (make benchtools)"
    say "profile $n: link self-test ($r, rtt $t)"
    if line=$("$LINKEMU" --selftest --rate "$r" --rtt "$t" 2>>"$OUT/logs/linkemu.log"); then
      echo "$n,$line" >>"$OUT/linkcheck.csv"
      say "profile $n: self-test $line"
    else
      echo "$n,${PROF_RATE[$n]},,${PROF_RTT[$n]},,fail" >>"$OUT/linkcheck.csv"
      say "profile $n: self-test failed (see logs/linkemu.log)"
    fi
    ready=$BENCH_WORK/linkemu-$n.port
    rm -f "$ready"
    "$LINKEMU" --listen 127.0.0.1:0 --target "$REG_HOST:$REG_PORT" --rate "$r" --rtt "$t" \
      --ready-file "$ready" >>"$OUT/logs/linkemu-$n.log" 2>&1 &
    LINK_PID[$n]=$!
    for i in $(seq 1 100); do
      [[ -s "$ready" ]] && break
      kill -0 "${LINK_PID[$n]}" 2>/dev/null || break
      sleep 0.05
    done
    [[ -s "$ready" ]] || die "profile $n: linkemu did not start (see logs/linkemu-$n.log)"
    port=$(tr -dc '0-9' <"$ready")
    PROF_PORT[$n]=$port
    say "profile $n: linkemu on 127.0.0.1:$port -> registry (pid ${LINK_PID[$n]})"
  done
  on_exit links_stop
}

links_stop() {
  local n
  for n in "${!LINK_PID[@]}"; do
    kill "${LINK_PID[$n]}" 2>/dev/null
    wait "${LINK_PID[$n]}" 2>/dev/null
  done
  LINK_PID=()
}

# ref_via PROFILE SUBJECT: the reference the measuring engine pulls.
ref_via() {
  local host=127.0.0.1
  [[ "${PROF_PORT[$1]}" != "$REG_PORT" ]] || host=$REG_HOST
  echo "$host:${PROF_PORT[$1]}/$(reg_name "$2")"
}
