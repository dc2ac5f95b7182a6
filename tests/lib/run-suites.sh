#!/usr/bin/env bash
# run-suites.sh SCRIPT...: run each shell suite in turn (each a child bash,
# at most TL_SUITE_TIMEOUT seconds when set), then one closing line with the
# total of their counts. Exit 0 only if no suite failed. The counts come
# from the file each suite's finish writes (tests/lib/test-lib.sh), never
# from parsing its output.
set -u
# shellcheck disable=SC2034 # read by test-lib.sh
TL_NAME=run-suites
. "$(dirname "${BASH_SOURCE[0]}")/test-lib.sh"
[[ $# -gt 0 ]] || not_ok "run-suites" "no suite given"
for t in "$@"; do
  suite "$t"
done
finish
