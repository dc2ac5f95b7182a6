#!/usr/bin/env bash
# readme-tables.sh RESULTS_DIR: the README's headline tables, generated from
# a benchmark run's summary.json (format 2, benchreport), so that no figure
# in README.md is typed by hand.
#
#   scripts/readme-tables.sh docs/results/20261201T0230Z > /tmp/tables.md
#
# Prints Markdown: the run's provenance, then three tables (size and pulls;
# start-to-ready and pods; load and memory) and the targets with their
# verdicts. Every cell is the median with its sample count in brackets;
# `—` where the run has no sample. User comes from the image in the engine
# (`?` where the image is gone). Exit 1 with a message when the folder has
# no summary.json or jq is missing.
set -euo pipefail

dir=${1:?usage: readme-tables.sh RESULTS_DIR}
sum=$dir/summary.json
[[ -r $sum ]] || { echo "readme-tables.sh: cannot read $sum: run make bench first" >&2; exit 1; }
command -v jq >/dev/null || { echo "readme-tables.sh: jq is missing (apt-get install jq)" >&2; exit 1; }
engine=${ENGINE:-docker}

# grp SUBJECT PHASE METRIC [PROFILE] [RUNTIME]: "median<TAB>n" of the group,
# or nothing. A profile or runtime of `*` takes the first group of any.
grp() {
  jq -r --arg s "$1" --arg p "$2" --arg m "$3" --arg pr "${4:--}" --arg rt "${5:-*}" '
    [.groups[] | select(.subject == $s and .phase == $p and .metric == $m and .n > 0
      and ($pr == "*" or .profile == $pr) and ($rt == "*" or .runtime == $rt))]
    | if length > 0 then "\(.[0].median)\t\(.[0].n)" else empty end' "$sum"
}
# cell FORMAT SUBJECT PHASE METRIC [PROFILE] [RUNTIME]: "value (n)" or "—".
# SCALE (default 1) multiplies the value: SCALE=1000 cell '%.1f ms' for s.
cell() {
  local fmt=$1 g
  shift
  g=$(grp "$@")
  [[ -n $g ]] || { echo "—"; return; }
  awk -F'\t' -v f="$fmt" -v k="${SCALE:-1}" '{ printf f " (%d)", $1 * k, $2 }' <<<"$g"
}
median() { grp "$@" | cut -f1; }
kib() { [[ -n $1 ]] && awk -v b="$1" 'BEGIN { if (b >= 1048576) printf "%.1f MiB", b / 1048576; else printf "%.1f KiB", b / 1024 }' || echo "—"; }

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
Each cell: the median, and in brackets the number of samples behind it
(warm-ups excluded); intervals, spread and every repetition are in the
run's \`report.md\`.

**Size and pulls** (cold pull: an empty image store, through the link
emulator; the registry's HTTP requests per pull from its access log):

| image | user | on the wire | × naive | uncompressed | layers | cold pull, cloud | cold pull, edge | requests per pull |
|---|---|---|---|---|---|---|---|---|
EOF
# The images in the order of the report; natives have no image.
mapfile -t rows < <(jq -r '.images[] | select(.kind != "native") | [.subject, .service, .variant, .kind, .label] | @tsv' "$sum")
for row in "${rows[@]}"; do
  IFS=$'\t' read -r subj svc var kind label <<<"$row"
  naive=$(median "slimline/$svc:naive" size bytes_wire)
  wire=$(median "$subj" size bytes_wire)
  ratio=—
  [[ $kind == service && -n $naive && -n $wire ]] && ratio=$(awk -v a="$wire" -v b="$naive" 'BEGIN { printf "%.4f", a / b }')
  if user=$($engine image inspect -f '{{.Config.User}}' "$subj" 2>/dev/null); then
    [[ -n $user ]] || user=root
  else
    user='?'
  fi
  printf '| %s | %s | %s | %s | %s | %s | %s | %s | %s |\n' "$label" "$user" \
    "$(kib "$wire")" "$ratio" "$(kib "$(median "$subj" size bytes_uncompressed)")" \
    "$(median "$subj" size layers)" \
    "$(cell '%.2f s' "$subj" pull_cold seconds cloud)" \
    "$(cell '%.2f s' "$subj" pull_cold seconds edge)" \
    "$(cell '%.0f' "$subj" pull_cold requests cloud)"
done

cat <<EOF

**Start-to-ready and pods** (warm start: image present, host network,
from the fork of \`docker run -d\` to the first 200 from \`/readyz\`;
published: the same through \`-p\` and docker-proxy; cold start: pull
over \`cloud\` plus start, one timer; pods: containerd's CRI from
RunPodSandbox to the first 200, runc):

| image | warm start | engine's StartedAt | published port | cold start, cloud | pod, warm | pod, cold (cloud) |
|---|---|---|---|---|---|---|
EOF
for row in "${rows[@]}"; do
  IFS=$'\t' read -r subj svc var kind label <<<"$row"
  [[ $kind == empty ]] && continue
  printf '| %s | %s | %s | %s | %s | %s | %s |\n' "$label" \
    "$(SCALE=1000 cell '%.1f ms' "$subj" start_warm seconds '-' '*')" \
    "$(SCALE=1000 cell '%.1f ms' "$subj" start_warm engine_started_s '-' '*')" \
    "$(SCALE=1000 cell '%.1f ms' "$subj" start_published seconds '-' '*')" \
    "$(cell '%.2f s' "$subj" start_cold seconds cloud)" \
    "$(cell '%.0f ms' "$subj" pod_warm ready_ms '*' runc)" \
    "$(cell '%.0f ms' "$subj" pod_cold ready_ms cloud runc)"
done

cat <<EOF

**Load and memory** (host network, access log off, wrk and the server on
different cores; \`native\` is the scratch image's own binary run outside
any container; RSS and PSS of the service process, cgroup: the
container's memory usage, all idle):

| subject | req/s | p99 | RSS | PSS | cgroup |
|---|---|---|---|---|---|
EOF
# In the report's order of images, natives beside theirs.
mapfile -t lrows < <(jq -r '[.groups[] | select(.phase == "load" and .metric == "rps") | .subject] as $l
  | [.images[] | select(.subject as $s | $l | index($s)) | .subject]
  + ($l - [.images[].subject]) | .[]' "$sum")
for subj in "${lrows[@]}"; do
  label=$(jq -r --arg s "$subj" '[.images[] | select(.subject == $s) | .label][0] // $s' "$sum")
  printf '| %s | %s | %s | %s | %s | %s |\n' "$label" \
    "$(cell '%.0f' "$subj" load rps)" "$(cell '%.2f ms' "$subj" load p99_ms)" \
    "$(cell '%.0f KiB' "$subj" load rss_idle_kib)" "$(cell '%.0f KiB' "$subj" load pss_idle_kib)" \
    "$(cell '%.0f KiB' "$subj" load cgroup_idle_kib)"
done

empty=$(median slimline/empty:empty pull_cold seconds cloud)
cat <<EOF

The empty image (the registry protocol's own floor): $(kib "$(median slimline/empty:empty size bytes_wire)") on the wire, cold pull on \`cloud\` $(cell '%.2f s' slimline/empty:empty pull_cold seconds cloud).
Link emulator self-test (target → measured): $(jq -r '[.linkcheck[]? | "\(.profile) \(.target_rate_bps / 1e6) Mbit/s → \((.measured_rate_bps / 1e6 * 10 | round) / 10), \(.target_rtt_ms) ms → \(.measured_rtt_ms) ms (\(.status))"] | join("; ")' "$sum").

Targets, as the harness judged them (verdicts from 95 % bootstrap
intervals; fewer than 5 samples a side is "insufficient data"):

EOF
jq -r '.targets[] | "- \(.text) → **\(.verdict)**"' "$sum"
