#!/usr/bin/env bash
# run.sh: every tests/sbom/test-*.sh in turn, then the total
# (tests/lib/run-suites.sh: counts read from each suite's count file, not
# parsed from its output); non-zero if one failed or ended without its
# closing line.
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
exec bash "$here/../lib/run-suites.sh" "$here"/test-*.sh
