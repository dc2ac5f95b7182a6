# pull.sh: cold and warm pulls from the local registry over each profile,
# and the link's round-trip time while a pull runs. Steps of plan.tsv.
#
# Timer: CLOCK_MONOTONIC from just before `docker pull REF` is started to its
# exit (timeit), REF = 127.0.0.1:PORT/NAME where PORT is the profile's link
# emulator (or the registry itself for an unemulated profile).
#   pull_cold  the measuring engine holds no image and no layer at all
#              (private engine: everything removed and checked before each
#              pull)
#   pull_warm  the same, except for the image's warm source (IMG_BASE,
#              chosen in bench.sh): the image sharing the longest prefix of
#              its layers, an upstream base or, when longer, an image of
#              another service of this run. It is pulled untimed first
#              through the unshaped profile (LOOP_PROFILE: no rate, no
#              added RTT) and kept between warm pulls that need it. So a
#              warm pull fetches only the layers it does not share with it.
#   requests   beside every pull: the HTTP requests the registry logged
#              while it ran (its access log), e.g. dockerd's version check,
#              manifest and one request per blob.
#   link_rtt   rtt_idle_ms: 20 requests for /v2/ on one kept-alive
#              connection through the profile's link emulator, each timed
#              from request to first answer byte (curl's time_starttransfer
#              on a reused connection: one round trip plus the registry's
#              own answer time); rtt_loaded_ms: the same, 20 per second,
#              while a cold pull of the step's image runs over that link.
# Warm-ups (loopback cold pulls, warmup=1) and the order of the steps come
# from the plan (benchmarks/analysis/plan.c).

# step_pull_cold / step_pull_warm SUBJECT PROFILE RUNTIME REP WARMUP NOTE
step_pull_cold() { pull_sample pull_cold "$@"; }
step_pull_warm() { pull_sample pull_warm "$@"; }

pull_sample() {
  local phase=$1 subj=$2 prof=$3 rep=$5 wu=$6 detail mode res
  mode=${phase#pull_}
  detail=$(join_detail "$7" "$(pull_detail "$mode" "$subj")")
  if res=$(pull_timed "$mode" "$prof" "$subj"); then
    sample "$phase" "$subj" "$prof" - "$rep" "$wu" seconds "$(kv seconds "$res")" s ok "$detail"
    sample "$phase" "$subj" "$prof" - "$rep" "$wu" requests "$(reg_requests "$(kv mark "$res")")" count ok \
      "HTTP requests in the registry's access log during the timed pull"
  else
    sample "$phase" "$subj" "$prof" - "$rep" "$wu" seconds '' s fail "$(join_detail "$res" "$detail")"
  fi
}

pull_detail() {
  local mode=$1 subj=$2 d=''
  [[ "$ENGINE_MODE" != shared ]] || d="shared engine: layers of local images stay, not fully cold"
  if [[ "$mode" == warm ]]; then
    d=$(join_detail "$d" "present first: ${IMG_BASE[$subj]:-nothing} (${IMG_SHARED[$subj]:-0 layers} shared)")
  fi
  echo "$d"
}

# pull_timed MODE PROFILE SUBJECT: "seconds=S mark=M" on success (M: the
# registry log mark taken after the untimed preparation), a reason on
# failure.
pull_timed() {
  local mode=$1 prof=$2 subj=$3 ref base out bref
  ref=$(ref_via "$prof" "$subj")
  base=${IMG_BASE[$subj]:-}
  if [[ "$mode" == warm && -n "$base" ]]; then
    bref=$(ref_via "$LOOP_PROFILE" "$base")
    engine_wipe_except "$bref" || { echo "could not empty the measuring engine"; return 1; }
    if ! E image inspect "$bref" >/dev/null 2>&1; then
      out=$(E pull -q "$bref" 2>&1) || { echo "pull of $base first failed: ${out:0:200}"; return 1; }
    fi
  else
    engine_wipe || { echo "could not empty the measuring engine"; return 1; }
  fi
  local mark
  mark=$(reg_mark)
  out=$(E_timeit pull -q "$ref" 2>"$BENCH_WORK/pull.err") ||
    { echo "pull failed: $(tail -c 300 "$BENCH_WORK/pull.err" | tr '\n' ' ')"; return 1; }
  echo "$out mark=$mark"
}

# rtt_probe PROFILE COUNT RATE OUTFILE: COUNT requests for /v2/ through the
# profile's link on one connection, RATE per second; one time per line
# (seconds, time to first byte of each transfer). The first transfer also
# opens the connection: dropped by the caller. The times go to stderr,
# which curl does not buffer, so a probe stopped early keeps them. curl
# replaces the shell (exec), so that `rtt_probe ... &` gives curl's own pid
# to kill: killing only the subshell left curl running, and the probe of
# one profile went on writing into the next profile's file.
rtt_probe() {
  local prof=$1 n=$2 rate=$3 out=$4
  exec curl -s -o /dev/null --max-time 120 --rate "$rate/s" -w '%{stderr}%{time_starttransfer}\n' \
    "http://127.0.0.1:${PROF_PORT[$prof]}/v2/?probe=[1-$n]" 2>"$out"
}

# step_link_rtt SUBJECT PROFILE RUNTIME REP WARMUP NOTE
step_link_rtt() {
  local subj=$1 prof=$2 rep=$4 f v n=0 pid ref detail
  f=$BENCH_WORK/rtt.idle.$prof.$rep
  (rtt_probe "$prof" 21 20 "$f")
  while read -r v; do
    [[ "$v" =~ ^[0-9]+\.[0-9]+$ ]] || continue
    n=$((n + 1))
    ((n > 1)) || continue
    sample link_rtt "$subj" "$prof" - "$rep" 0 rtt_idle_ms "$(awk -v x="$v" 'BEGIN { printf "%.3f", x * 1000 }')" ms ok \
      "idle link: /v2/ on a kept-alive connection, time to first byte"
  done <"$f"
  ((n > 1)) || sample link_rtt "$subj" "$prof" - "$rep" 0 rtt_idle_ms '' ms fail "no answer through the link"
  engine_wipe || { sample link_rtt "$subj" "$prof" - "$rep" 0 rtt_loaded_ms '' ms fail "could not empty the measuring engine"; return; }
  f=$BENCH_WORK/rtt.loaded.$prof.$rep
  rtt_probe "$prof" 2400 20 "$f" &
  pid=$!
  ref=$(ref_via "$prof" "$subj")
  detail="during a cold pull of $subj over the same link"
  if ! E pull -q "$ref" >/dev/null 2>"$BENCH_WORK/pull.err"; then
    detail="$detail (the pull failed: $(tail -c 200 "$BENCH_WORK/pull.err" | tr '\n' ' '))"
  fi
  kill "$pid" 2>/dev/null
  wait "$pid" 2>/dev/null
  n=0
  while read -r v; do
    [[ "$v" =~ ^[0-9]+\.[0-9]+$ ]] || continue
    n=$((n + 1))
    ((n > 1)) || continue
    sample link_rtt "$subj" "$prof" - "$rep" 0 rtt_loaded_ms "$(awk -v x="$v" 'BEGIN { printf "%.3f", x * 1000 }')" ms ok "$detail"
  done <"$f"
  ((n > 1)) || sample link_rtt "$subj" "$prof" - "$rep" 0 rtt_loaded_ms '' ms fail "no probe answered during the pull; $detail"
}
