# pull.sh: cold and warm pulls from the local registry over each profile.
#
# Timer: CLOCK_MONOTONIC from just before `docker pull REF` is started to its
# exit (timeit), REF = 127.0.0.1:PORT/NAME where PORT is the profile's link
# emulator (or the registry itself for loopback).
#   pull_cold  the measuring engine holds no image and no layer at all
#              (private engine: everything removed and checked before each
#              pull)
#   pull_warm  same, then the image's base (the longest base from
#              build/bases.env whose layers are a prefix of the image's) is
#              pulled untimed through the same link; then the timed pull.
#              Images without such a base (scratch and peers on scratch)
#              have nothing to share: their warm pull is a second cold pull,
#              said in the detail.
#   unpack     the cold pull on the loopback profile, repeated under this
#              name: transfer at loopback speed plus extraction, the unpack
#              term of the pull-time model.
# Order in a round: cold cells shuffled, then warm cells grouped by the
# image present first (see round_order).
# Warm-up: one loopback cold pull of every image whose pull is estimated
# under 5 s, before rep 0, warmup=1.
# Every cell gets one rep; reps beyond it are planned from --pull-budget
# with the estimate wire_bytes*8/rate + 10*rtt + 0.9 s + uncompressed/50 MB/s
# (cheap cells get more, up to --reps); a cell estimated beyond --pull-max
# is not run (one fail sample says so); no new round starts once the rounds
# after the first have used the budget. At the end every
# sample of a cell with fewer than --reps reps says "reps capped R/N by
# budget" in its detail.

pull_est() {
  local prof=$1 subj=$2
  awk -v w="${WIRE_BYTES[$subj]:-50000000}" -v u="${UNCOMP_BYTES[$subj]:-100000000}" \
    -v r="${PROF_RATE[$prof]}" -v t="${PROF_RTT[$prof]}" \
    'BEGIN { x = 0.9 + u / 50e6 + 10 * t / 1000; if (r > 0) x += w * 8 / r; printf "%.3f\n", x }'
}

phase_pull() {
  local prof subj mode key r rep detail line cap est total=0 plan=() warmups=()
  declare -A CAP=()
  for prof in "${PROFILES[@]}"; do
    for subj in "${IMAGES[@]}"; do
      est=$(pull_est "$prof" "$subj")
      for mode in cold warm; do
        [[ " $PHASES " == *" pull_$mode "* ]] || continue
        if over_max "$est"; then
          sample "pull_$mode" "$subj" "$prof" 0 0 seconds '' s fail \
            "not run: one pull estimated at $est s exceeds --pull-max $PULL_MAX s; the pull-time model predicts it"
          continue
        fi
        plan+=("$mode/$prof/$subj=$est")
      done
    done
  done
  for subj in "${IMAGES[@]}"; do
    over_max "$(pull_est "$PROFILES_LOOP" "$subj")" 5 || warmups+=("$subj")
  done
  # Every cell gets its first rep whatever it costs (a naive image on a slow
  # link alone can take minutes); --pull-budget is for the reps beyond it,
  # so it is planned on top of one round.
  local round
  round=$(printf '%s\n' "${plan[@]}" | awk -F= '{ s += $NF } END { printf "%d\n", s + 0.5 }')
  while read -r key r; do CAP[$key]=$r; total=$((total + r)); done < <(plan_reps "$((PULL_BUDGET + round))" "$PULL_REPS" "${plan[@]}")
  phase_begin pull $((total + ${#warmups[@]}))
  # Warm-up round: loopback, cold, every image whose pull takes under about
  # 5 s (for the big ones the first measured rep has to do).
  for subj in $(shuffled "${warmups[@]}"); do
    progress "$subj (warm-up, loopback)" w
    pull_sample pull_cold "${PROFILES_LOOP:-${PROFILES[0]}}" "$subj" 0 1 ''
  done
  local t0
  for ((rep = 0; rep < PULL_REPS; rep++)); do
    # the budget clock starts when the first full round is done
    ((rep != 1)) || t0=$(date +%s)
    if ((rep > 0)) && over_budget "$t0" "$PULL_BUDGET"; then
      say "pull: budget of $PULL_BUDGET s beyond the first round used after $rep rounds; no further rounds"
      break
    fi
    for line in $(round_order); do
      cap=${CAP[$line]}
      ((rep < cap)) || continue
      mode=${line%%/*} prof=${line#*/} prof=${prof%%/*} subj=${line#*/*/}
      detail=''
      progress "$subj $mode $prof" "$rep"
      pull_sample "pull_$mode" "$prof" "$subj" "$rep" 0 "$detail"
    done
  done
  annotate_caps pull_cold "$PULL_REPS"
  annotate_caps pull_warm "$PULL_REPS"
  annotate_caps unpack "$PULL_REPS"
}

# round_order: the cells of one round. Cold cells in random order, then
# warm cells grouped by the image they need present first (groups and
# cells inside a group in random order), so that image is pulled once per
# group rather than once per cell.
round_order() {
  local line subj
  for line in "${!CAP[@]}"; do
    [[ "$line" == cold/* ]] && echo "$RANDOM $line"
  done | sort -n | cut -d' ' -f2-
  declare -A grp=()
  for line in "${!CAP[@]}"; do
    [[ "$line" == warm/* ]] || continue
    subj=${line#*/*/}
    [[ -n "${grp[${IMG_BASE[$subj]:--}]:-}" ]] || grp[${IMG_BASE[$subj]:--}]=$RANDOM
    echo "${grp[${IMG_BASE[$subj]:--}]} $RANDOM $line"
  done | sort -n -k1,1 -k2,2 | cut -d' ' -f3-
}

# over_max EST [LIMIT]: true when EST seconds exceed LIMIT (--pull-max).
over_max() {
  local lim=${2:-$PULL_MAX}
  [[ "$lim" != 0 ]] && awk -v e="$1" -v m="$lim" 'BEGIN { exit !(e > m) }'
}

# pull_sample PHASE PROFILE SUBJECT REP WARMUP DETAIL
pull_sample() {
  local phase=$1 prof=$2 subj=$3 rep=$4 wu=$5 detail=$6 mode res s
  mode=${phase#pull_}
  [[ "$ENGINE_MODE" != shared ]] || detail="${detail:+$detail; }shared engine: layers of local images stay, not fully cold"
  [[ "$mode" != warm || -n "${IMG_BASE[$subj]:-}" ]] || detail="${detail:+$detail; }no base layers to share: a second cold pull"
  [[ "$mode" != warm || -z "${IMG_BASE[$subj]:-}" ]] || detail="${detail:+$detail; }present first: ${IMG_BASE[$subj]} (${IMG_SHARED[$subj]} shared)"
  if res=$(pull_timed "$mode" "$prof" "$subj"); then
    s=$(kv seconds "$res")
    sample "$phase" "$subj" "$prof" "$rep" "$wu" seconds "$s" s ok "$detail"
    if [[ "$phase" == pull_cold && "${PROF_RATE[$prof]}" == 0 && "${PROF_RTT[$prof]}" == 0 && " $PHASES " == *" unpack "* ]]; then
      sample unpack "$subj" "$prof" "$rep" "$wu" seconds "$s" s ok "loopback cold pull: transfer at loopback speed + unpack${detail:+; $detail}"
    fi
  else
    sample "$phase" "$subj" "$prof" "$rep" "$wu" seconds '' s fail "$res${detail:+; $detail}"
  fi
}

# pull_timed MODE PROFILE SUBJECT: "seconds=S" on success, reason on failure.
pull_timed() {
  local mode=$1 prof=$2 subj=$3 ref base out bref
  ref=$(ref_via "$prof" "$subj")
  base=${IMG_BASE[$subj]:-}
  if [[ "$mode" == warm && -n "$base" ]]; then
    # The image sharing the most layers is pulled first, directly from the
    # registry (layers are matched by digest, whatever registry address they
    # came from), and kept between warm pulls that need it: every other
    # image is removed, so the image's own layers are absent again.
    bref=$(ref_via "$LOOP_PROFILE" "$base")
    engine_wipe_except "$bref" || { echo "could not empty the measuring engine"; return 1; }
    if ! E image inspect "$bref" >/dev/null 2>&1; then
      out=$(E pull -q "$bref" 2>&1) || { echo "pull of $base first failed: ${out:0:200}"; return 1; }
    fi
  else
    engine_wipe || { echo "could not empty the measuring engine"; return 1; }
  fi
  out=$(E_timeit pull -q "$ref" 2>"$BENCH_WORK/pull.err") ||
    { echo "pull failed: $(tail -c 300 "$BENCH_WORK/pull.err" | tr '\n' ' ')"; return 1; }
  echo "$out"
}
