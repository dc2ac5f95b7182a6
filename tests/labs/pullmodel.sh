#!/usr/bin/env bash
# pullmodel.sh: the pull-time model command (benchmarks/analysis/model_main.c)
# against the model it wraps. Checks:
#   - the coefficients it prints are MODEL_DEFAULT's, read from model.c;
#   - every term is its coefficient times its feature (bits vs bytes, ms vs
#     s), and the prediction is their sum; --quiet prints the same number;
#   - --profile reads benchmarks/profiles.conf as linkemu's spellings;
#   - an unlimited rate has no transfer term;
#   - every bad input: exit 2 (usage) or 1 (profile file), one line naming it.
# Ends with the closing line of tests/lib/test-lib.sh.
set -uo pipefail
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
PM=${PULLMODEL:-$ROOT/build/bench/bin/pullmodel}
cd "$ROOT" || exit 1
# shellcheck source=tests/lib/test-lib.sh
. tests/lib/test-lib.sh
near() { awk -v a="$1" -v b="$2" -v e="${3:-0.0015}" 'BEGIN { d = a - b; if (d < 0) d = -d; exit !(d <= e) }'; }
[[ -x "$PM" ]] || { not_ok "$PM built" "not built (make $PM)"; finish; }

# MODEL_DEFAULT from the source, so the test follows a refit.
coef() { sed -n "/MODEL_DEFAULT = {/,/};/s/^ *\.$1 = \([0-9.e-]*\),.*/\1/p" benchmarks/analysis/model.c; }
fixed=$(coef fixed_s) rt=$(coef round_trips) thr=$(coef throughput) unp=$(coef unpack_s_per_byte) lay=$(coef per_layer_s)
check "MODEL_DEFAULT read from model.c ($fixed $rt $thr $unp $lay)" test -n "$fixed" -a -n "$rt" -a -n "$thr" -a -n "$unp" -a -n "$lay"

# 12.5 MB on the wire, 25 MB unpacked, 3 layers, 100 Mbit/s, 20 ms.
out=$("$PM" --wire 12500000 --uncompressed 25000000 --layers 3 --rate 100mbit --rtt 20ms)
term() { awk -v k="$1" '$1 == k { print $(NF - 1) }' <<<"$out"; }
want_rtt=$(awk -v c="$rt" 'BEGIN { print c * 0.020 }')
want_xfer=$(awk -v c="$thr" 'BEGIN { print c * 12500000 * 8 / 100e6 }')
want_unp=$(awk -v c="$unp" 'BEGIN { print c * 25000000 }')
want_lay=$(awk -v c="$lay" 'BEGIN { print c * 3 }')
check "round trips term = $rt x 20 ms ($(term round))" near "$(term round)" "$want_rtt"
check "transfer term = $thr x 100 Mbit / 100 Mbit/s ($(term transfer))" near "$(term transfer)" "$want_xfer"
check "unpack term = $unp s/B x 25 MB ($(term unpack))" near "$(term unpack)" "$want_unp"
check "layers term = 3 x $lay s ($(term layers))" near "$(term layers)" "$want_lay"
check "fixed term = $fixed ($(term fixed))" near "$(term fixed)" "$fixed"
pred=$(awk '$1 == "predicted" { print $2 }' <<<"$out")
sum=$(awk -v a="$want_rtt" -v b="$want_xfer" -v c="$want_unp" -v d="$want_lay" -v f="$fixed" 'BEGIN { print a + b + c + d + f }')
check "predicted = the sum of the terms ($pred vs $sum)" near "$pred" "$sum"
q=$("$PM" --wire 12500000 --uncompressed 25000000 --layers 3 --rate 100mbit --rtt 20ms --quiet)
check "--quiet prints the prediction alone ($q)" test "$q" = "$pred"
check "the coefficients printed are MODEL_DEFAULT's" \
  bash -c '[[ $1 == *"round trips  $(printf %.2f "$2") x 20.0 ms"* && $1 == *"$(printf %.3f "$3") s"* ]]' _ "$out" "$rt" "$lay"

p1=$("$PM" --wire 74502 --uncompressed 132792 --layers 1 --profile cloud -q)
p2=$("$PM" --wire 74502 --uncompressed 132792 --layers 1 --rate 100mbit --rtt 20ms -q)
check "--profile cloud = --rate 100mbit --rtt 20ms ($p1)" test "$p1" = "$p2"
pe=$("$PM" --wire 74502 --uncompressed 132792 --layers 1 --profile edge -q)
check "edge (20 Mbit/s, 50 ms) predicts a longer pull than cloud ($pe > $p1)" awk -v a="$pe" -v b="$p1" 'BEGIN { exit !(a > b) }'
u=$("$PM" --wire 12500000 --uncompressed 0 --layers 0 --rate unlimited --rtt 0)
check "unlimited rate, no RTT: no transfer term, only fixed" \
  bash -c '[[ $1 == *"transfer     none (unlimited rate)"* ]] && [[ $(awk "\$1 == \"predicted\" { print \$2 }" <<<"$1") == $(printf %.3f "$2") ]]' _ "$u" "$fixed"

# Bad input: exit status and one message naming it.
expect_err() {  # DESC STATUS PATTERN ARGS...
  local desc=$1 st=$2 pat=$3 err rc
  shift 3
  err=$("$PM" "$@" 2>&1 >/dev/null)
  rc=$?
  if [[ $rc -eq $st && $err == *$pat* ]]; then ok "$desc (exit $rc)"; else not_ok "$desc: exit $rc, '$err'"; fi
}
expect_err "missing --wire" 2 "--wire, --uncompressed and --layers are required" --uncompressed 1 --layers 1 --profile cloud
expect_err "zero --wire" 2 "invalid --wire '0'" --wire 0 --uncompressed 1 --layers 1 --profile cloud
expect_err "negative --uncompressed" 2 "invalid --uncompressed '-5'" --wire 1 --uncompressed -5 --layers 1 --profile cloud
expect_err "bad rate" 2 "rate" --wire 1 --uncompressed 1 --layers 1 --rate 100mbits --rtt 20ms
expect_err "bad rtt" 2 "duration" --wire 1 --uncompressed 1 --layers 1 --rate 100mbit --rtt 20
expect_err "no link" 2 "--rate and --rtt (or --profile) are required" --wire 1 --uncompressed 1 --layers 1
expect_err "--profile with --rate" 2 "not both" --wire 1 --uncompressed 1 --layers 1 --profile cloud --rate 1mbit
expect_err "unknown profile" 1 "no profile 'moon' in benchmarks/profiles.conf" --wire 1 --uncompressed 1 --layers 1 --profile moon
expect_err "missing profiles file" 1 "cannot open /nonexistent/p.conf" --wire 1 --uncompressed 1 --layers 1 --profile cloud --profiles /nonexistent/p.conf
expect_err "unknown argument" 2 "unknown argument '--fast'" --fast
expect_err "option without value" 2 "--layers needs a value" --wire 1 --uncompressed 1 --layers

finish
