#!/usr/bin/env bash
# test-scan.sh: scripts/scan.sh, which has never run against a live
# vulnerability database here (none can be had on these machines). Its
# report parsers are tested on tests/sbom/fixtures/{grype,trivy}.json:
# CONSTRUCTED by hand in each scanner's documented JSON shape, not recorded
# from a real run. The bug each check catches:
#   parser counts                 severities miscounted, duplicates counted
#                                 twice, a result without vulnerabilities
#                                 breaking the sum
#   wrong report kind             a grype report read as trivy's gives zeros
#   no scanner                    a number shown where nothing was measured
#   scanner on PATH (stub)        the documented command lines not used, or
#                                 its counts not reaching scan.tsv
#   scanner fails                 a failing scanner (no database) reported as
#                                 zero vulnerabilities
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$SL_ROOT" || exit 1
fx=tests/sbom/fixtures

got=$(scripts/scan.sh --parse grype $fx/grype.json)
[[ "$got" == "1 2 1 1 1 6" ]]
result $? "grype fixture: critical 1, high 2, medium 1, low 1 (listed twice), other 1, total 6" "got '$got'"
got=$(scripts/scan.sh --parse trivy $fx/trivy.json)
[[ "$got" == "2 1 0 2 1 6" ]]
result $? "trivy fixture: critical 2, high 1, medium 0, low 2, other 1, total 6" "got '$got'"
scripts/scan.sh --parse trivy $fx/grype.json >/dev/null 2>"$TMPD/err"
rc=$?
[[ $rc == 1 ]] && grep -q 'not a trivy JSON report' "$TMPD/err"
result $? "a grype report read as trivy's is refused (exit 1), not counted as zero" "exit $rc"
scripts/scan.sh --parse nessus $fx/grype.json >/dev/null 2>&1
result "$([[ $? == 2 ]]; echo $?)" "an unknown report format is a usage error (exit 2)"

scripts/scan.sh "$TMPD/nothing" >/dev/null 2>"$TMPD/err"
rc=$?
[[ $rc == 1 ]] && grep -q 'run make sbom first' "$TMPD/err"
result $? "no SBOM folder: exit 1, says to run make sbom" "exit $rc"

# Two stand-in SBOM files: scan.sh hands them to the scanner unread.
sb=$TMPD/sboms
mkdir -p "$sb"
echo '{}' >"$sb/a-naive.cdx.json"
echo '{}' >"$sb/b-scratch.cdx.json"

if command -v grype >/dev/null || command -v trivy >/dev/null; then
  skip "no-scanner output" "a scanner is installed on this machine"
else
  out=$(scripts/scan.sh "$sb" 2>&1)
  rc=$?
  rows=$(awk -F'\t' 'NR > 1 && $3 == "no scanner" && NF == 3' "$sb/scan.tsv" | wc -l)
  [[ $rc == 0 && "$out" == "no vulnerability scanner here"* && $rows == 2 && -z "$(tr -d '\n' <<<"${out//$sb/}" | tr -cd '0-9')" ]]
  result $? "no scanner: says so, exit 0, scan.tsv says 'no scanner' for each SBOM, no number shown" "exit $rc, $rows rows: $out"
fi

# A stub scanner on the seam: prints a fixture, records how it was called.
mkdir -p "$TMPD/bin"
for kind in grype trivy; do
  printf '#!/bin/sh\necho "$*" >>%s/%s.calls\ncat %s/%s/%s.json\n' "$TMPD" "$kind" "$SL_ROOT" "$fx" "$kind" >"$TMPD/bin/$kind"
  chmod +x "$TMPD/bin/$kind"
  out=$(SCANNER=$TMPD/bin/$kind scripts/scan.sh "$sb" 2>&1)
  rc=$?
  want=$([[ $kind == grype ]] && echo "1 2 1 1 1 6" || echo "2 1 0 2 1 6")
  rows=$(awk -F'\t' -v k="$kind" -v w="$want" 'NR > 1 && $2 == k && ($3 " " $4 " " $5 " " $6 " " $7 " " $8) == w' "$sb/scan.tsv" | wc -l)
  [[ $rc == 0 && $rows == 2 ]]
  result $? "$kind on PATH (stub): its counts for each SBOM in scan.tsv and the table" "exit $rc, $rows rows: $out"
  call=$(head -n 1 "$TMPD/$kind.calls")
  if [[ $kind == grype ]]; then [[ "$call" == "sbom:$sb/a-naive.cdx.json -o json" ]]; else [[ "$call" == "sbom --quiet --format json $sb/a-naive.cdx.json" ]]; fi
  result $? "$kind is called as documented ('$call')"
done
printf '#!/bin/sh\necho "failed to download vulnerability DB" >&2\nexit 1\n' >"$TMPD/bin/grype"
SCANNER=$TMPD/bin/grype scripts/scan.sh "$sb" >"$TMPD/out" 2>&1
rc=$?
[[ $rc == 1 ]] && grep -q 'failed to download vulnerability DB' "$TMPD/out" && grep -q 'grype failed on' "$TMPD/out"
result $? "a scanner that fails (no database): exit 1 with its message, no counts" "exit $rc: $(head -c 200 "$TMPD/out")"
finish
