#!/usr/bin/env bash
# Browser test of report.html (benchmarks/analysis/render_html.c).
#
# Runs benchreport (with gnuplot) on a copy of tests/fixtures/results-small
# and opens the report.html it writes in Debian's headless chromium, with
# no network (background services off, every host name unresolvable):
#  - the DOM of report.html as rendered: no <script>, no src, no href but
#    in-page anchors;
#  - a copy of the page with a small measuring script appended (the script
#    exists only in that copy; its Content-Security-Policy relaxed to let
#    it run) writes into the DOM, for every chart, the rendered size of its
#    <svg> (getBoundingClientRect) and how many of its data elements
#    (gnuplot's polygon/path/use/rect/circle under a plot group) are drawn
#    with a non-zero box, and for every <table> its data rows; every chart
#    must have a non-zero size and drawn data, every table a row, and the
#    counts must match the figures in report.html and the tables of
#    report.md;
#  - the same script in a copy whose policy is left as written must not run
#    (a script that slipped into a report would be blocked);
#  - a screenshot (1280x4000), kept in build/bench/report-html/ with the
#    DOM dumps;
#  - the checker itself fails on a chart without data (a results folder
#    without size samples: charts.c's "no data" plot) and on a table whose
#    rows were removed.
# Ends with "N passed, N failed, N skipped" (tests/lib/test-lib.sh); exit 1 on any failure.
set -uo pipefail
cd "$(dirname "$0")/../.."
BENCHREPORT=${BENCHREPORT:-build/bench/bin/benchreport}
FIXTURE=tests/fixtures/results-small
OUT=${REPORT_HTML_OUT:-build/bench/report-html}
# shellcheck source=tests/lib/test-lib.sh
. "$(dirname "${BASH_SOURCE[0]}")/../lib/test-lib.sh"

[[ -x $BENCHREPORT ]] || { not_ok "$BENCHREPORT not built"; finish; }
bash scripts/deps.sh browser || { not_ok "chromium missing: scripts/deps.sh browser failed"; finish; }
CHROMIUM=$(command -v chromium) || { not_ok "chromium not in PATH"; finish; }

tmp=$TL_TMP
rm -rf "$OUT" && mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# No network: no background fetches, no host name resolves; a fresh profile.
chrome() {
  "$CHROMIUM" --headless --no-sandbox --disable-gpu --user-data-dir="$tmp/profile" \
    --window-size=1280,4000 \
    --no-first-run --no-default-browser-check --disable-background-networking \
    --disable-component-update --disable-sync --disable-default-apps \
    --disable-domain-reliability --disable-breakpad --metrics-recording-only \
    --disable-features=Translate,MediaRouter,OptimizationHints \
    --host-resolver-rules='MAP * ~NOTFOUND' "$@" 2>>"$OUT/chromium.log"
}

# benchreport on a copy of the fixture (NAME [drop-phase])
report() {
  local dir=$tmp/$1
  mkdir -p "$dir"
  cp "$FIXTURE"/{samples.csv,profiles.csv,linkcheck.csv,env.json} "$dir/"
  if [[ -n ${2:-} ]]; then
    grep -v "^$2," "$FIXTURE/samples.csv" >"$dir/samples.csv"
  fi
  "$BENCHREPORT" "$dir" >"$dir/benchreport.log" 2>&1
}

# The measuring copy of PAGE as COPY; RELAX=1 lets its script run.
MEASURE_JS='<script>
(function () {
  var out = [];
  document.querySelectorAll("svg").forEach(function (s, i) {
    var b = s.getBoundingClientRect(), fig = s.closest("figure");
    var els = s.querySelectorAll("[id*=gnuplot_plot_] :is(polygon,path,use,rect,circle)");
    var drawn = 0;
    els.forEach(function (e) {
      var r = e.getBoundingClientRect();
      if (r.width > 0 || r.height > 0) drawn++;
    });
    out.push(["svg", fig ? fig.id : "svg" + i, Math.round(b.width), Math.round(b.height),
              els.length, drawn].join(" "));
  });
  document.querySelectorAll("table").forEach(function (t, i) {
    var rows = 0, h = t.closest("div");
    do { h = h.previousElementSibling; } while (h && !/^H[1-3]$/.test(h.tagName));
    t.querySelectorAll("tbody tr").forEach(function (r) { if (r.querySelector("td")) rows++; });
    out.push(["table", i, rows, Math.round(t.getBoundingClientRect().height),
              (h ? h.textContent : "").slice(0, 48).replace(/\s+/g, "_")].join(" "));
  });
  var pre = document.createElement("pre");
  pre.id = "measure";
  pre.textContent = "\n" + out.join("\n") + "\n";
  document.body.appendChild(pre);
})();
</script>'
measure_copy() { # PAGE COPY RELAX
  local page=$1 copy=$2 relax=$3
  # the script through the environment: awk -v would expand its backslashes
  JS=$MEASURE_JS awk -v relax="$relax" '
    relax == 1 { sub(/default-src '\''none'\'';/, "default-src '\''none'\''; script-src '\''unsafe-inline'\'';") }
    /^<\/body>/ { print ENVIRON["JS"] }
    { print }' "$page" >"$copy"
}

# Check the measure lines of DOM against PAGE and MD; prints what is wrong,
# returns 1 on any problem.
judge() { # DOM PAGE MD
  local dom=$1 page=$2 md=$3 bad=0 nfig ntab line
  nfig=$(grep -c '<figure id="chart-' "$page")
  ntab=$(grep -c '^|---' "$md")
  local m
  m=$(sed -n '/<pre id="measure">/,/<\/pre>/p' "$dom")
  [[ -n $m ]] || { echo "  no measurements in the DOM (script did not run)"; return 1; }
  [[ $(grep -c '^svg ' <<<"$m") -eq $nfig ]] ||
    { echo "  $(grep -c '^svg ' <<<"$m") svg in the DOM, $nfig charts in the page"; bad=1; }
  [[ $(grep -c '^table ' <<<"$m") -eq $ntab ]] ||
    { echo "  $(grep -c '^table ' <<<"$m") tables in the DOM, $ntab in report.md"; bad=1; }
  while read -r line; do
    set -- $line
    case $1 in
      svg) if [[ $3 -le 0 || $4 -le 0 ]]; then echo "  $2: rendered ${3}x$4"; bad=1; fi
           if [[ $6 -le 0 ]]; then echo "  $2: no data drawn ($5 elements, $6 with a box)"; bad=1; fi ;;
      table) if [[ $3 -le 0 ]]; then echo "  table $2 (after $5): no data row"; bad=1; fi ;;
    esac
  done <<<"$m"
  return $bad
}

# 1. the report and its DOM as rendered
if report good && [[ -s $tmp/good/report.html ]]; then
  ok "benchreport wrote report.html ($(wc -c <"$tmp/good/report.html") bytes)"
else
  not_ok "benchreport on $FIXTURE: $(tail -3 "$tmp/good/benchreport.log" 2>/dev/null)"
  finish
fi
page=$tmp/good/report.html
cp "$page" "$tmp/good/report.md" "$OUT/"
chrome --dump-dom "file://$page" >"$OUT/report.dom.html"
if grep -q '</table>' "$OUT/report.dom.html"; then ok "chromium rendered report.html"; else not_ok "chromium: empty DOM (see $OUT/chromium.log)"; fi
if grep -q '<script' "$page" "$OUT/report.dom.html"; then not_ok "report.html has a script"; else ok "no script"; fi
if grep -qE '\ssrc=' "$OUT/report.dom.html"; then not_ok "src= in the DOM"; else ok "no src="; fi
bad_href=$(grep -oE "href=[\"'][^\"'#][^\"']*" "$OUT/report.dom.html" | head -3)
if [[ -z $bad_href ]]; then ok "every href is an in-page anchor"; else not_ok "hrefs to resources: $bad_href"; fi

# 2. rendered sizes, drawn data, table rows
measure_copy "$page" "$tmp/good/measure.html" 1
chrome --dump-dom "file://$tmp/good/measure.html" >"$OUT/measure.dom.html"
sed -n '/<pre id="measure">/,/<\/pre>/p' "$OUT/measure.dom.html" | sed '1d;$d' >"$OUT/measure.txt"
if out=$(judge "$OUT/measure.dom.html" "$page" "$tmp/good/report.md"); then
  ok "$(grep -c '^svg ' "$OUT/measure.txt") charts drawn with data, $(grep -c '^table ' "$OUT/measure.txt") tables with rows"
  sed 's/^/     /' "$OUT/measure.txt"
else
  not_ok "charts and tables in chromium:"; echo "$out"
fi

# 3. the policy as written blocks a script
measure_copy "$page" "$tmp/good/blocked.html" 0
if chrome --dump-dom "file://$tmp/good/blocked.html" | grep -q '<pre id="measure">'; then
  not_ok "a script in report.html would run (Content-Security-Policy not applied)"
else
  ok "report.html's Content-Security-Policy blocks a script"
fi

# 4. screenshot (the window is 1280x4000 for every run), kept
chrome --screenshot="$OUT/report.png" --hide-scrollbars "file://$page" >/dev/null
dims=$(od -An -tu1 -j16 -N8 "$OUT/report.png" 2>/dev/null |
  awk '{ printf "%dx%d", $1*16777216+$2*65536+$3*256+$4, $5*16777216+$6*65536+$7*256+$8 }')
if [[ $(head -c 8 "$OUT/report.png" 2>/dev/null | od -An -tx1 | tr -d ' ') == 89504e470d0a1a0a && $dims == 1280x4000 ]]; then
  ok "screenshot $OUT/report.png ($dims, $(wc -c <"$OUT/report.png") bytes)"
else
  not_ok "screenshot $OUT/report.png missing or not 1280x4000 PNG (${dims:-none})"
fi

# 5. the checker fails on an empty chart and on a table without rows
if report nosize size; then
  measure_copy "$tmp/nosize/report.html" "$tmp/nosize/measure.html" 1
  chrome --dump-dom "file://$tmp/nosize/measure.html" >"$tmp/nosize.dom"
  out=$(judge "$tmp/nosize.dom" "$tmp/nosize/report.html" "$tmp/nosize/report.md")
  if grep -q '^  chart-size: no data drawn' <<<"$out"; then
    ok "checker fails a chart without data:$(tr '\n' ';' <<<"$out")"
  else
    not_ok "checker did not fail on the size chart without data:$(tr '\n' ';' <<<"$out")"
  fi
else
  not_ok "benchreport without size samples failed"
fi
cp -r "$tmp/good" "$tmp/norows"
grep -v '^<tr><td>cloud</td>' "$page" >"$tmp/norows/report.html"
measure_copy "$tmp/norows/report.html" "$tmp/norows/measure.html" 1
chrome --dump-dom "file://$tmp/norows/measure.html" >"$tmp/norows.dom"
out=$(judge "$tmp/norows.dom" "$tmp/norows/report.html" "$tmp/norows/report.md")
if grep -q '^  table [0-9]* (after .*): no data row' <<<"$out"; then
  ok "checker fails a table without rows:$(tr '\n' ';' <<<"$out")"
else
  not_ok "checker did not fail on a table without rows:$(tr '\n' ';' <<<"$out")"
fi

echo "report-html: screenshot $OUT/report.png, DOM dumps and measurements in $OUT/"
finish
