#!/bin/sh
# docker/check-args.sh: the build arguments every Dockerfile checks before
# it builds (run from the context root, the arguments in the environment):
# SERVICE is required and names a folder of services/; VERSION, when given,
# equals the Makefile's. One precise line and exit status 2 otherwise.
set -eu
if [ -z "${SERVICE:-}" ]; then
  echo "failure: --build-arg SERVICE=hello|whoami|notes is required" >&2; exit 2
fi
if [ ! -d "services/${SERVICE}" ]; then
  echo "failure: unknown SERVICE '${SERVICE}': no services/${SERVICE}" >&2; exit 2
fi
mkversion=$(sed -n 's/^VERSION *:= *//p' Makefile)
if [ -n "${VERSION:-}" ] && [ "${VERSION}" != "${mkversion}" ]; then
  echo "failure: VERSION=${VERSION} but the Makefile says ${mkversion}" >&2; exit 2
fi
