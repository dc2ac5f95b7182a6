#!/bin/sh
# Entrypoint of the nginx peer: writes the listen port from PORT
# (environment, default 8080, like the services) into the server block,
# then replaces itself with nginx in the foreground. Needs a writable
# /etc/nginx/conf.d (nginx's master runs as root, as Debian ships it).
set -eu
port=${PORT:-8080}
case $port in
  '' | *[!0-9]* | ??????*) port=0 ;;
esac
if [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
  echo "nginx peer: invalid PORT '${PORT:-}': expected 1..65535" >&2
  exit 2
fi
sed "s/@PORT@/$port/" /etc/nginx/bench.conf.in >/etc/nginx/conf.d/bench.conf
exec nginx -g 'daemon off;'
