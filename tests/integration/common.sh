#!/usr/bin/env bash
# common.sh: shared-layer behaviour that needs a service with an init hook.
# notes' init opens its database; while another process holds an exclusive
# lock on it, init waits, which gives a window to check: /readyz 503
# "starting" and service routes 503 during init, a SIGTERM during init
# (acted on once init returns, exit 0), and a second signal during init
# (exit at once with 128+signal). Also the layer's 204: no body and no
# Content-Type (notes DELETE is the only 204 route).
. "$(dirname "$0")/lib.sh"

if [[ ! -x $SL_BIN/notes ]] || ! command -v sqlite3 >/dev/null; then
  skip "init window, 204 without body" "needs $SL_BIN/notes and the sqlite3 command"
  finish
fi

db=$TL_TMP/notes.db
# Create the database once (schema), then stop.
sl_start notes --db "$db" || finish
# A 204 carries no Content-Type and no body (the layer used to add
# application/octet-stream to every response).
expect_status "POST /notes creates a note" 201 -H 'Content-Type: application/json' \
  -d '{"title": "t", "body": "b"}' "$SL_URL/notes"
loc=$(tr -d '\r' <"$TL_TMP/h" | sed -n 's/^Location: //Ip')
_sl_fetch -X DELETE "$SL_URL$loc"
expect_eq "DELETE $loc is 204" 204 "$_sl_code"
if tr -d '\r' <"$TL_TMP/h" | grep -qi '^Content-Type:'; then
  not_ok "204 has no Content-Type" "$(tr -d '\r' <"$TL_TMP/h" | grep -i '^Content-Type:')"
else
  ok "204 has no Content-Type"
fi
expect_eq "204 has no body" 0 "$(wc -c <"$TL_TMP/b")"
sl_stop
expect_eq "notes created its database and stopped with 0" 0 "$SL_EXIT"

# lock_db SECONDS: hold an exclusive lock on $db for SECONDS, in background.
lock_db() {
  (echo "BEGIN EXCLUSIVE; SELECT 1;"; sleep "$1"; echo "COMMIT;") | sqlite3 "$db" >/dev/null &
  locker=$!
  sleep 0.3
}

# 1. SIGTERM during init: draining at once, exit 0 once init returns.
lock_db 3
sl_start_nowait notes --db "$db"
if sl_poll_status "$SL_URL/readyz" 503 5; then ok "init: /readyz 503 while init runs"; else not_ok "init: /readyz 503 while init runs"; fi
expect_body_contains "init: /readyz says starting" '"starting"' "$SL_URL/readyz"
expect_status "init: /healthz 200 while init runs" 200 "$SL_URL/healthz"
expect_status "init: service routes 503 while init runs" 503 "$SL_URL/notes"
kill -TERM "$SL_PID"
sleep 0.3
expect_body_contains "init + SIGTERM: /readyz says draining" '"draining"' "$SL_URL/readyz"
expect_status "init + SIGTERM: service routes still 503" 503 "$SL_URL/notes"
if sl_wait_exit "$SL_PID" 15; then
  expect_eq "init + SIGTERM: exit 0 after init returned" 0 "$SL_EXIT"
else
  not_ok "init + SIGTERM: process ended"
fi
wait "$locker" 2>/dev/null

# 2. A second signal during init exits at once.
lock_db 5
sl_start_nowait notes --db "$db"
sl_poll_status "$SL_URL/readyz" 503 5 || not_ok "second run started"
kill -TERM "$SL_PID"
sleep 0.3
kill -INT "$SL_PID"
if sl_wait_exit "$SL_PID" 2; then
  expect_eq "init + second signal: exit 130 at once" 130 "$SL_EXIT"
else
  not_ok "init + second signal: exit at once" "still running"
fi
kill "$locker" 2>/dev/null
wait "$locker" 2>/dev/null

finish
