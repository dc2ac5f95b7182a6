# Entrypoint of the busybox peer, run by busybox's own sh (the image is
# scratch: no other shell). Serves /www on PORT (environment, default 8080,
# like the services) and replaces itself with httpd.
port=${PORT:-8080}
case $port in
  '' | *[!0-9]* | ??????*) port=0 ;;
esac
if [ "$port" -lt 1 ] || [ "$port" -gt 65535 ]; then
  echo "busybox httpd: invalid PORT '$PORT': expected 1..65535" >&2
  exit 2
fi
exec /bin/busybox httpd -f -p "$port" -h /www
