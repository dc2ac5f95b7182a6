#!/usr/bin/env bash
# readme-tables.sh RESULTS_DIR: the README's headline tables, generated from
# a benchmark run's summary.json (and the images' own config, read from the
# engine), so that no figure in README.md is typed by hand.
#
#   scripts/readme-tables.sh results/20261128T013925Z > /tmp/tables.md
#
# Prints Markdown: the run's provenance, one table of every image (base,
# user, sizes, layers, pulls, starts, load, memory) and the target lines.
# Base and user come from the images in the engine (label
# org.opencontainers.image.base.name, .Config.User): `?` where the image is
# gone or carries no such label. Exit 1 with a message when the folder has
# no summary.json or jq is missing.
set -euo pipefail

dir=${1:?usage: readme-tables.sh RESULTS_DIR}
sum=$dir/summary.json
[[ -r $sum ]] || { echo "readme-tables.sh: cannot read $sum: run make bench first" >&2; exit 1; }
command -v jq >/dev/null || { echo "readme-tables.sh: jq is missing (apt-get install jq)" >&2; exit 1; }
engine=${ENGINE:-docker}

# med SUBJECT PHASE METRIC [PROFILE]: the median, or empty.
med() {
  jq -r --arg s "$1" --arg p "$2" --arg m "$3" --arg pr "${4:--}" '
    [.groups[] | select(.subject == $s and .phase == $p and .metric == $m and .profile == $pr and .n > 0)]
    | if length > 0 then .[0].median else empty end' "$sum"
}
nreps() {
  jq -r --arg s "$1" --arg p "$2" --arg m "$3" --arg pr "${4:--}" '
    [.groups[] | select(.subject == $s and .phase == $p and .metric == $m and .profile == $pr)]
    | if length > 0 then .[0].n else 0 end' "$sum"
}
kib() { [[ -n $1 ]] && awk -v b="$1" 'BEGIN { if (b >= 1048576) printf "%.1f MiB", b / 1048576; else printf "%.1f KiB", b / 1024 }' || echo "—"; }
num() { [[ -n $1 ]] && awk -v x="$1" -v f="$2" 'BEGIN { printf f, x }' || echo "—"; }

rev=$(jq -r '.env.git.revision // "unknown"' "$sum")
dirty=$(jq -r '.env.git.dirty | tostring' "$sum")
started=$(jq -r '.env.started // "unknown"' "$sum")
server=$(jq -r '.env.engine.server_version // "unknown"' "$sum")
driver=$(jq -r '.env.engine.storage_driver // "unknown"' "$sum")
cpu=$(jq -r '"\(.env.cpu_model // "?"), \(.env.cores // "?") cores"' "$sum")
cat <<EOF
Measured by \`make bench\` (defaults) on $started, git revision
\`${rev:0:12}\` (dirty: $dirty), Docker engine $server ($driver), $cpu,
kernel $(jq -r '.env.kernel // "?"' "$sum"); results folder \`$(basename "$dir")\`.
Tables generated from its \`summary.json\` by \`scripts/readme-tables.sh\`.
Medians; the repetitions behind each figure are in the run's \`report.md\`.

| image | base | user | on the wire | × naive | uncompressed | layers | cold pull, cloud | warm start | req/s | RSS idle |
|---|---|---|---|---|---|---|---|---|---|---|
EOF
jq -r '.images[] | [.subject, .service, .variant, .kind] | @tsv' "$sum" |
while IFS=$'\t' read -r subj svc var kind; do
  [[ $kind == empty ]] && continue
  naive=$(med "slimline/$svc:naive" size bytes_wire)
  wire=$(med "$subj" size bytes_wire)
  ratio=—
  [[ $kind == service && -n $naive && -n $wire ]] && ratio=$(awk -v a="$wire" -v b="$naive" 'BEGIN { printf "%.4f", a / b }')
  base=$($engine image inspect -f '{{index .Config.Labels "org.opencontainers.image.base.name"}}' "$subj" 2>/dev/null || echo '?')
  [[ -n $base && $base != '<no value>' ]] || base='?'
  case $base in *alpine-standin*) base="$base (alpine stand-in, not upstream alpine)" ;; esac
  user=$($engine image inspect -f '{{.Config.User}}' "$subj" 2>/dev/null || echo '?')
  [[ -n $user ]] || user=root
  label=${subj#slimline/}
  [[ $kind == peer ]] && label="$svc (peer)"
  [[ $kind == floor ]] && label="runtime floor"
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$base" "$user" \
    "$(kib "$wire")" "$ratio" "$(kib "$(med "$subj" size bytes_uncompressed)")" \
    "$(num "$(med "$subj" size layers)" '%d')" \
    "$(num "$(med "$subj" pull_cold seconds cloud)" '%.2f s')" \
    "$(num "$(med "$subj" start_warm seconds)" '%.3f s')" \
    "$(num "$(med "$subj" load rps)" '%.0f')" \
    "$(num "$(med "$subj" load rss_idle_kib)" '%d KiB')"
done
empty=$(med slimline/empty:empty pull_cold seconds cloud)
cat <<EOF

The empty image (the registry protocol's own floor): $(kib "$(med slimline/empty:empty size bytes_wire)") on the wire, cold pull on \`cloud\` $(num "$empty" '%.2f s').
Link emulator self-test (target → measured): $(jq -r '[.linkcheck[]? | "\(.profile) \(.target_rate_bps / 1e6) Mbit/s → \((.measured_rate_bps / 1e6 * 10 | round) / 10), \(.target_rtt_ms) ms → \(.measured_rtt_ms) ms (\(.status))"] | join("; ")' "$sum").

Targets, as the harness judged them:

EOF
jq -r '.targets[] | "- \(.text) → **\(.verdict)**"' "$sum"
