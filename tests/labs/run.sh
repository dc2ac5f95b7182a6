#!/usr/bin/env bash
# run.sh: run the training labs of docs/labs/ and check every step.
#
#   tests/labs/run.sh [--write] [--lint] [-v] [LAB...]
#
# LAB: a number (5) or a page name (05-push-and-pull); default every lab,
# in order. Each lab runs in a fresh bash from the repository root; its
# commands, expected output and markers come from the page (the syntax:
# docs/labs/README.md). --write rewrites the pages with this run's sample
# output and figures (make labs-update); without it the pages are only
# checked, and the pages as this run would write them go to build/labs/pages/.
# --lint checks the pages without running anything.
# Needs root (docker, containerd, a bridge) and the tools of make
# labs-prepare. Ends with "N passed, N failed, N skipped"; exit 0 when every
# step passed, 1 otherwise, 2 usage.
set -uo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
if ! command -v python3 >/dev/null; then
  # shellcheck source=tests/lib/test-lib.sh
  . "$here/../lib/test-lib.sh"
  not_ok "python3 installed" "python3 not found (Debian package python3)"
  finish
fi
exec python3 "$here/labrun.py" --root "$(cd "$here/../.." && pwd)" "$@"
