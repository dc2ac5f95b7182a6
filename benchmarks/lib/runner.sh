# runner.sh: execute plan.tsv, step by step.
#
# The plan (benchplan, benchmarks/analysis/plan.c) decides what runs, how
# often and in which order; this file only executes it: one function
# step_PHASE per phase (phases/*.sh), called as
#   step_PHASE SUBJECT PROFILE RUNTIME REP WARMUP NOTE
# ("-" for no profile, runtime or note). Steps come in blocks (pull,
# start_warm, ..., pod_cold); before a block's first step its setup hook
# runs (block_begin_NAME, when defined), after its last its teardown
# (block_end_NAME).
#
# Budget guard: the plan holds an estimate per step. A block that has used
# more than 1.5 x its planned time + 60 s is cut short: its remaining
# steps are not run, the log says so, and budget.csv shows planned vs run.
# budget.csv: block,steps_planned,steps_run,planned_s,spent_s

block_of() {
  case "$1" in
    pull_cold | pull_warm | link_rtt) echo pull ;;
    *) echo "$1" ;;
  esac
}

run_plan() {
  local plan=$1 phase subj prof rt rep wu est note blk cur='' t0=0 planned=0 nplan=0 nrun=0 cut=0
  local -A bplanned=() bsteps=()
  [[ -s "$OUT/budget.csv" ]] || echo 'block,steps_planned,steps_run,planned_s,spent_s' >"$OUT/budget.csv"
  # per-block totals first, for progress and the guard
  while IFS=$'\t' read -r phase subj prof rt rep wu est note; do
    [[ "$phase" != phase ]] || continue
    blk=$(block_of "$phase")
    bplanned[$blk]=$(awk -v a="${bplanned[$blk]:-0}" -v b="$est" 'BEGIN { print a + b }')
    bsteps[$blk]=$((${bsteps[$blk]:-0} + 1))
  done <"$plan"
  # fd 3: a step that reads stdin must not eat the plan
  while IFS=$'\t' read -r -u 3 phase subj prof rt rep wu est note; do
    [[ "$phase" != phase ]] || continue
    blk=$(block_of "$phase")
    if [[ "$blk" != "$cur" ]]; then
      [[ -z "$cur" ]] || run_block_end "$cur" "$t0" "$planned" "$nplan" "$nrun"
      cur=$blk t0=$(date +%s) planned=${bplanned[$blk]} nplan=${bsteps[$blk]} nrun=0 cut=0
      phase_begin "$blk" "$nplan"
      say "block $blk: $nplan steps, planned $(fmt_secs "$planned")"
      if declare -F "block_begin_$blk" >/dev/null && ! "block_begin_$blk"; then
        say "block $blk: set-up failed, its steps are not run"
        cut=1
      fi
    fi
    ((cut == 0)) || continue
    if awk -v s=$(($(date +%s) - t0)) -v p="$planned" 'BEGIN { exit !(s > 1.5 * p + 60) }'; then
      say "block $blk: $(($(date +%s) - t0)) s used, planned $(fmt_secs "$planned"): the remaining $((nplan - nrun)) steps are not run"
      cut=1
      continue
    fi
    [[ "$note" != - ]] || note=''
    progress "$phase $subj${prof:+ $prof}${rt:+ $rt}$([[ "$wu" == 1 ]] && echo ' (warm-up)')" "$rep"
    "step_$phase" "$subj" "$prof" "$rt" "$rep" "$wu" "$note"
    nrun=$((nrun + 1))
  done 3<"$plan"
  [[ -z "$cur" ]] || run_block_end "$cur" "$t0" "$planned" "$nplan" "$nrun"
}

run_block_end() {
  local blk=$1 t0=$2 planned=$3 nplan=$4 nrun=$5 spent
  if declare -F "block_end_$blk" >/dev/null; then
    "block_end_$blk" || say "block $blk: teardown failed"
  fi
  spent=$(($(date +%s) - t0))
  printf '%s,%s,%s,%.0f,%s\n' "$blk" "$nplan" "$nrun" "$planned" "$spent" >>"$OUT/budget.csv"
  say "block $blk: $nrun of $nplan steps in $(fmt_secs "$spent") (planned $(fmt_secs "$planned"))"
}
