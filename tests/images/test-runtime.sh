#!/usr/bin/env bash
# test-runtime.sh: every image, run for real in the engine, one worker per
# image in parallel. Ports are published on 127.0.0.1 only (the engine
# picks a free one); containers are reached nowhere else.
#
# Per image, and the bug each check catches:
#   starts, /healthz, /readyz  entrypoint wrong, binary missing a library or
#                              file, listens on loopback inside the container
#   main endpoint answers      routes or the service layer broken in the image
#   HEALTHCHECK healthy        health check command missing from the image,
#                              wrong path, or not working in that base
#   docker stop: exit 0, fast  the service ignores SIGTERM as PID 1 (shell-form
#                              entrypoint, no handler) and is SIGKILLed after
#                              the grace period, or exits non-zero on it
# Multi-stage images run the whole sequence with --read-only --cap-drop ALL
# --security-opt no-new-privileges (notes with a named volume at /data):
# catches a service that writes outside /data or needs a capability.
# notes, every variant: a note written before `docker stop` is read back by
# a new container on the same named volume (data not in /data, volume not
# writable by the runtime user, database not flushed on shutdown).
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
require_images

# wait_http URL SECONDS: 0 once URL answers 2xx.
wait_http() {
  local deadline=$((SECONDS + $2))
  while ((SECONDS < deadline)); do
    curl -fsS -m 2 -o /dev/null "$1" 2>/dev/null && return 0
    sleep 0.2
  done
  return 1
}

# start NAME IMAGE: run it, print the published port.
start() {
  local name=$1 img=$2 args
  args=(-d --name "$name" -p 127.0.0.1::8080
    --health-interval=1s --health-timeout=3s --health-retries=3 --health-start-period=15s)
  if multistage "$img"; then
    args+=(--read-only --cap-drop ALL --security-opt no-new-privileges)
  fi
  if [[ $(service_of "$img") == notes ]]; then
    args+=(-v "$vol:/data")
  fi
  docker run "${args[@]}" "$img" >/dev/null || return 1
  docker port "$name" 8080/tcp | sed -n '1s/.*://p'
}

worker() {
  local img=$1 d s hard="" name port t0 dt code body status exit_code
  d=$(describe "$img")
  s=$(service_of "$img")
  name=$RUN_ID-$s-$(variant_of "$img")
  vol=$name
  multistage "$img" && hard=" hardened (--read-only --cap-drop ALL no-new-privileges)"
  [[ $s != notes ]] || docker volume create "$vol" >/dev/null

  if ! port=$(start "$name" "$img") || [[ -z "$port" ]]; then
    not_ok "$d: container did not start$hard"
    return
  fi
  local base=http://127.0.0.1:$port
  t0=$SECONDS
  if ! wait_http "$base/healthz" 30; then
    not_ok "$d: /healthz did not answer 2xx within 30 s$hard; last log lines:"
    docker logs --tail 5 "$name" 2>&1 | sed 's/^/    /'
    return
  fi
  # /healthz is liveness; the main endpoints wait for readiness (/readyz),
  # which notes reaches once its database is open.
  if ! wait_http "$base/readyz" 30; then
    not_ok "$d: /healthz answers but /readyz not 2xx within 30 s$hard"
    return
  fi
  ok "$d: starts$hard, /healthz and /readyz answer after $((SECONDS - t0)) s"

  case $s in
    hello)
      code=$(curl -sS -m 5 -o "$TMPD/$name.body" -w '%{http_code}' "$base/")
      [[ $code == 200 && -s "$TMPD/$name.body" ]] &&
        ok "$d: GET / answers 200 with a body" ||
        not_ok "$d: GET / answered $code"
      ;;
    whoami)
      for p in / /api; do
        code=$(curl -sS -m 5 -o "$TMPD/$name.body" -w '%{http_code}' "$base$p")
        [[ $code == 200 && -s "$TMPD/$name.body" ]] &&
          ok "$d: GET $p answers 200 with a body" ||
          not_ok "$d: GET $p answered $code"
      done
      ;;
    notes)
      code=$(curl -sS -m 5 -o "$TMPD/$name.body" -w '%{http_code}' -H 'Content-Type: application/json' \
        --data "{\"title\":\"$name\",\"body\":\"kept across restarts\"}" "$base/notes")
      [[ $code == 201 ]] && ok "$d: POST /notes answers 201" ||
        not_ok "$d: POST /notes answered $code: $(head -c 200 "$TMPD/$name.body")"
      body=$(curl -sS -m 5 "$base/notes")
      [[ "$body" == *"$name"* ]] && ok "$d: GET /notes lists the new note" ||
        not_ok "$d: GET /notes does not list the new note: ${body:0:200}"
      ;;
  esac

  status=
  while ((SECONDS - t0 < 30)); do
    status=$(docker inspect -f '{{if .State.Health}}{{.State.Health.Status}}{{end}}' "$name")
    [[ $status == starting ]] || break
    sleep 0.3
  done
  [[ $status == healthy ]] &&
    ok "$d: HEALTHCHECK reaches healthy" ||
    not_ok "$d: HEALTHCHECK status '${status:-none}' instead of healthy"

  t0=$(date +%s%N)
  docker stop "$name" >/dev/null
  dt=$((($(date +%s%N) - t0) / 1000000))
  exit_code=$(docker inspect -f '{{.State.ExitCode}}' "$name")
  if [[ $exit_code == 0 && $dt -lt $((STOP_MAX * 1000)) ]]; then
    ok "$d: docker stop ends it in $dt ms with exit status 0"
  else
    not_ok "$d: docker stop took $dt ms (limit ${STOP_MAX} s of the 10 s grace), exit status $exit_code"
  fi

  if [[ $s == notes ]]; then
    local again=$name-again
    if ! port=$(start "$again" "$img") || [[ -z "$port" ]] || ! wait_http "http://127.0.0.1:$port/readyz" 30; then
      not_ok "$d: second container on volume $vol did not come up"
      return
    fi
    code=$(curl -sS -m 10 -o "$TMPD/$name.again" -w '%{http_code}' "http://127.0.0.1:$port/notes" 2>"$TMPD/$name.err")
    body="HTTP $code $(head -c 200 "$TMPD/$name.again" 2>/dev/null) $(cat "$TMPD/$name.err")"
    [[ $code == 200 ]] && grep -qF "$name" "$TMPD/$name.again" &&
      ok "$d: the note survives a container restart on named volume $vol" ||
      not_ok "$d: the note is lost after a restart on named volume $vol: ${body:0:300}"
    docker stop "$again" >/dev/null
  fi
}

echo "image runtime tests: $(images | wc -l) images, run id $RUN_ID"
run_workers
finish
