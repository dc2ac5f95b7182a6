#!/usr/bin/env bash
# scan.sh SBOM_DIR: vulnerability counts per image from the SBOMs that
# scripts/sbom.sh wrote (SBOM_DIR/*.cdx.json), with a scanner that has a
# vulnerability database: grype (`grype sbom:FILE -o json`) or trivy
# (`trivy sbom --format json FILE`), the first found on PATH, or the one
# named by SCANNER. Writes SBOM_DIR/scan.tsv and prints it as a table:
#   sbom, scanner, critical, high, medium, low, other, total
# counting (vulnerability, package) matches by the scanner's severity.
# Where no scanner is installed (as on the project's build machines, which
# have no vulnerability database either) it says so, writes scan.tsv with
# that status and no counts, and shows no number.
#
#   scan.sh --parse grype|trivy FILE   print "critical high medium low
#                                      other total" for one scanner report
# Exit status: 0 counted, or no scanner; 1 a scanner failed (no database,
# bad report); 2 usage.
set -euo pipefail

me=scan.sh
say() { echo "$me: $*" >&2; }
usage() { echo "usage: $me SBOM_DIR | $me --parse grype|trivy FILE" >&2; exit 2; }

# parse KIND FILE: the counts of one report (formats: grype's JSON output,
# "matches[].vulnerability.severity"; trivy's JSON report,
# "Results[].Vulnerabilities[].Severity").
parse() {
  local filter
  case "$1" in
    grype) filter='[.matches[]? | {id: .vulnerability.id, pkg: "\(.artifact.name)@\(.artifact.version)", sev: (.vulnerability.severity // "Unknown")}]' ;;
    trivy) filter='[.Results[]? | .Vulnerabilities[]? | {id: .VulnerabilityID, pkg: "\(.PkgName)@\(.InstalledVersion)", sev: (.Severity // "UNKNOWN")}]' ;;
    *) say "unknown scanner report format '$1' (grype or trivy)"; return 2 ;;
  esac
  jq -e 'type == "object"' "$2" >/dev/null 2>&1 || { say "$2 is not a JSON report"; return 1; }
  if [[ $1 == grype ]]; then
    jq -e 'has("matches")' "$2" >/dev/null || { say "$2 has no matches list: not grype JSON output"; return 1; }
  else
    jq -e 'has("Results") or has("SchemaVersion")' "$2" >/dev/null || { say "$2 has no Results: not a trivy JSON report"; return 1; }
  fi
  jq -r "$filter"' | unique_by([.id, .pkg]) | map(.sev | ascii_downcase) |
    [(map(select(. == "critical")) | length), (map(select(. == "high")) | length),
     (map(select(. == "medium")) | length), (map(select(. == "low")) | length),
     (map(select(. != "critical" and . != "high" and . != "medium" and . != "low")) | length), length]
    | map(tostring) | join(" ")' "$2"
}

if [[ "${1:-}" == --parse ]]; then
  [[ $# -eq 3 ]] || usage
  parse "$2" "$3"
  exit
fi
[[ $# -eq 1 ]] || usage
dir=$1
[[ -d "$dir" ]] || { say "no folder $dir: run make sbom first"; exit 1; }
shopt -s nullglob
sboms=("$dir"/*.cdx.json)
[[ ${#sboms[@]} -gt 0 ]] || { say "no SBOM (*.cdx.json) in $dir: run make sbom first"; exit 1; }
command -v jq >/dev/null || { say "cannot find jq (scripts/deps.sh sbom)"; exit 1; }

scanner=${SCANNER:-}
if [[ -z "$scanner" ]]; then
  for s in grype trivy; do
    if command -v "$s" >/dev/null; then scanner=$s; break; fi
  done
fi
tsv=$dir/scan.tsv
if [[ -z "$scanner" ]]; then
  printf 'sbom\tscanner\tstatus\n' >"$tsv"
  for f in "${sboms[@]}"; do printf '%s\t-\tno scanner\n' "${f##*/}" >>"$tsv"; done
  echo "no vulnerability scanner here: neither grype nor trivy is on PATH, so there are no vulnerability counts for the SBOMs in $dir (on a machine with one and its database, run make scan)"
  exit 0
fi
command -v "$scanner" >/dev/null || { say "scanner '$scanner' not found"; exit 1; }
kind=${scanner##*/}
case "$kind" in grype | trivy) ;; *) say "unknown scanner '$scanner' (grype or trivy)"; exit 2 ;; esac

printf 'sbom\tscanner\tcritical\thigh\tmedium\tlow\tother\ttotal\n' >"$tsv.tmp"
for f in "${sboms[@]}"; do
  report=${f%.cdx.json}.$kind.json
  if [[ $kind == grype ]]; then
    "$scanner" "sbom:$f" -o json >"$report" 2>"$report.err" || { cat "$report.err" >&2; say "$scanner failed on $f"; exit 1; }
  else
    "$scanner" sbom --quiet --format json "$f" >"$report" 2>"$report.err" || { cat "$report.err" >&2; say "$scanner failed on $f"; exit 1; }
  fi
  counts=$(parse "$kind" "$report") || { say "cannot read $scanner's report $report"; exit 1; }
  printf '%s\t%s\t%s\n' "${f##*/}" "$kind" "${counts// /$'\t'}" >>"$tsv.tmp"
done
mv "$tsv.tmp" "$tsv"
awk -F'\t' '{ printf "%-26s %-8s", $1, $2; for (i = 3; i <= NF; i++) printf " %8s", $i; print "" }' "$tsv"
