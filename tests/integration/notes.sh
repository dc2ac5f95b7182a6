#!/usr/bin/env bash
# notes.sh: the notes API over real HTTP against the real binary: every
# endpoint, every error status, persistence across a restart, readiness
# while the database is locked, and the start-up failures (exit status and
# message) for databases it cannot open or write.
. "$(dirname "$0")/lib.sh"

command -v sqlite3 >/dev/null || { not_ok "sqlite3 CLI installed (scripts/deps.sh test)"; finish; }

DATA=$(mktemp -d "${TMPDIR:-/tmp}/notes-it.XXXXXX")
chmod 755 "$DATA"
cleanup_data() { chmod -R u+rwX "$DATA" 2>/dev/null; rm -rf "$DATA"; }
at_exit cleanup_data

J=(-H 'Content-Type: application/json')

# --- endpoints --------------------------------------------------------------
sl_start notes --listen 127.0.0.1 --db "$DATA/notes.db" --log-format text || finish
U=$SL_URL

expect_status "POST /notes creates" 201 "${J[@]}" -d '{"title":"first","body":"hello"}' "$U/notes"
expect_header "POST /notes sets Location" Location '^/notes/2$' "${J[@]}" -d '{"title":"second","body":"b2"}' "$U/notes"
expect_header "POST /notes answers JSON" Content-Type '^application/json' "${J[@]}" -d '{"title":"third","body":"b3"}' "$U/notes"
created=$(sl_curl "${J[@]}" -d '{"title":"fourth \u00e9\tx","body":""}' "$U/notes")
expect_eq "POST /notes echoes the stored note" 4 "$(jq -r .id <<<"$created")"
expect_eq "POST /notes decodes escapes" $'fourth \u00e9\tx' "$(jq -r .title <<<"$created")"
expect_contains "created is RFC 3339 UTC with ms" '"created":"20' "$created"
[[ $(jq -r .created <<<"$created") =~ ^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z$ ]] \
  && ok "created matches YYYY-MM-DDTHH:MM:SS.mmmZ" || not_ok "created format" "$created"
expect_body_eq "GET /notes/4 returns the stored note" "$created" "$U/notes/4"
expect_body_contains "POST with charset parameter" '"title":"cs"' -H 'Content-Type: application/json; charset=utf-8' -d '{"title":"cs","body":""}' "$U/notes"

page=$(sl_curl "$U/notes?limit=2")
expect_eq "GET /notes?limit=2 gives 2 notes" 2 "$(jq '.notes | length' <<<"$page")"
expect_eq "GET /notes?limit=2 gives next=2" 2 "$(jq .next <<<"$page")"
page=$(sl_curl "$U/notes?limit=2&after=2")
expect_eq "GET /notes?after=2 starts at 3" 3 "$(jq '.notes[0].id' <<<"$page")"
page=$(sl_curl "$U/notes?after=4")
expect_eq "last page has next=null" null "$(jq .next <<<"$page")"
expect_eq "default page holds all 5" 5 "$(sl_curl "$U/notes" | jq '.notes | length')"

put=$(sl_curl -X PUT "${J[@]}" -d '{"title":"first v2","body":"changed"}' "$U/notes/1")
expect_eq "PUT /notes/1 replaces the title" "first v2" "$(jq -r .title <<<"$put")"
expect_eq "PUT keeps created" "$(sl_curl "$U/notes/1" | jq -r .created)" "$(jq -r .created <<<"$put")"
expect_body_eq "GET after PUT returns the replaced note" "$put" "$U/notes/1"
expect_status "DELETE /notes/3" 204 -X DELETE "$U/notes/3"
expect_status "GET deleted note is 404" 404 "$U/notes/3"
expect_status "DELETE again is 404" 404 -X DELETE "$U/notes/3"

# --- errors ---------------------------------------------------------------
bad() { # desc message body
  expect_body_contains "400 $1" "$2" "${J[@]}" --data-binary "$3" "$U/notes"
  expect_status "400 status: $1" 400 "${J[@]}" --data-binary "$3" "$U/notes"
}
bad "malformed JSON" '"malformed JSON"' '{"title":'
bad "not an object" 'must be a JSON object' '["title","body"]'
bad "title not a string" 'field \"title\" must be a string' '{"title":5,"body":"b"}'
bad "body not a string" 'field \"body\" must be a string' '{"title":"t","body":false}'
bad "missing body" 'missing field \"body\"' '{"title":"t"}'
bad "unknown field" 'unknown field \"tags\"' '{"title":"t","body":"b","tags":[]}'
bad "empty title" 'field \"title\" must not be empty' '{"title":"","body":"b"}'
bad "title over 200 bytes" 'field \"title\" is longer than 200 bytes' "{\"title\":\"$(printf 'x%.0s' $(seq 201))\",\"body\":\"\"}"
head -c 65537 /dev/zero | tr '\0' 'b' >"$TL_TMP/longbody"
printf '{"title":"t","body":"%s"}' "$(cat "$TL_TMP/longbody")" >"$TL_TMP/long.json"
bad "body over 65536 bytes" 'field \"body\" is longer than 65536 bytes' "@$TL_TMP/long.json"
printf '{"title":"\xff\xfe","body":"b"}' >"$TL_TMP/utf8.json"
bad "invalid UTF-8" 'not valid UTF-8' "@$TL_TMP/utf8.json"
printf '{"title":"a\0b","body":"b"}' >"$TL_TMP/nul.json"
bad "raw NUL byte" 'contains a NUL byte' "@$TL_TMP/nul.json"
bad "\\u0000 escape" 'must not contain \\u0000' '{"title":"a\u0000b","body":"b"}'
bad "lone surrogate" 'field \"title\" is not valid UTF-8' '{"title":"\ud800","body":"b"}'
expect_status "PUT with bad JSON is 400" 400 -X PUT "${J[@]}" -d '{' "$U/notes/1"
expect_body_contains "error bodies are JSON with status" '"status": 400' "${J[@]}" -d '{' "$U/notes"

expect_status "non-numeric id is 400" 400 "$U/notes/abc"
expect_body_contains "non-numeric id names the problem" 'note id must be a positive integer' "$U/notes/abc"
expect_status "id 0 is 400" 400 "$U/notes/0"
expect_status "PUT non-numeric id is 400" 400 -X PUT "${J[@]}" -d '{"title":"t","body":"b"}' "$U/notes/x"
expect_status "DELETE non-numeric id is 400" 400 -X DELETE "$U/notes/x"
expect_status "unknown id is 404" 404 "$U/notes/999"
expect_body_contains "404 names the id" 'note 999 not found' "$U/notes/999"
expect_status "PUT unknown id is 404" 404 -X PUT "${J[@]}" -d '{"title":"t","body":"b"}' "$U/notes/999"
expect_status "limit=0 is 400" 400 "$U/notes?limit=0"
expect_status "limit=101 is 400" 400 "$U/notes?limit=101"
expect_status "limit=abc is 400" 400 "$U/notes?limit=abc"
expect_status "after=-1 is 400" 400 "$U/notes?after=-1"

expect_status "no Content-Type is 415" 415 -X POST --data-binary '{"title":"t","body":"b"}' -H 'Content-Type:' "$U/notes"
expect_status "text/plain is 415" 415 -H 'Content-Type: text/plain' -d '{"title":"t","body":"b"}' "$U/notes"
expect_status "charset latin1 is 415" 415 -H 'Content-Type: application/json; charset=latin1' -d '{"title":"t","body":"b"}' "$U/notes"
expect_status "PUT text/plain is 415" 415 -X PUT -H 'Content-Type: text/plain' -d 'x' "$U/notes/1"

expect_status "PATCH /notes/1 is 405" 405 -X PATCH "$U/notes/1"
expect_header "405 on /notes/{id} lists Allow" Allow 'GET.*PUT.*DELETE|DELETE.*PUT' -X PATCH "$U/notes/1"
expect_header "405 on /notes lists Allow" Allow 'POST' -X DELETE "$U/notes"
expect_status "unknown path is 404" 404 "$U/note"

before=$(sl_curl "$U/notes?limit=100" | jq '.notes | length')
sl_stop
expect_eq "SIGTERM stops with status 0" 0 "$SL_EXIT"

# --- 413 (the shared layer's body limit) ------------------------------------
sl_start notes --listen 127.0.0.1 --db "$DATA/notes.db" --max-body 1024 || finish
head -c 2000 /dev/zero | tr '\0' 'x' >"$TL_TMP/big"
expect_status "body over --max-body is 413" 413 "${J[@]}" --data-binary "@$TL_TMP/big" "$SL_URL/notes"
expect_eq "rejected writes left no trace (restart kept $before notes)" "$before" "$(sl_curl "$SL_URL/notes?limit=100" | jq '.notes | length')"
expect_body_eq "restart kept note 1 as acknowledged" "$put" "$SL_URL/notes/1"
sl_stop

# --- /readyz is 503 until the database is open -------------------------------
# Another process holds the write lock; notes waits (busy timeout) in init.
fifo="$TL_TMP/lockfifo"
mkfifo "$fifo"
sqlite3 "$DATA/notes.db" <"$fifo" >/dev/null 2>&1 &
locker=$!
SL_PIDS+=("$locker")
exec 7>"$fifo"
echo "BEGIN IMMEDIATE; INSERT INTO notes(title, body, created, updated) VALUES ('lock', '', 'c', 'u');" >&7
sleep 0.3
# 7>&-: the server must not inherit the fifo, or sqlite3 never sees EOF.
sl_start_nowait notes --listen 127.0.0.1 --db "$DATA/notes.db" 7>&-
code=000
for _ in $(seq 40); do
  code=$(curl -s -o /dev/null -w '%{http_code}' --max-time 1 "$SL_URL/readyz" || true)
  [[ $code != 000 ]] && break
  sleep 0.05
done
expect_eq "/readyz is 503 while the database is locked" 503 "$code"
expect_status "service routes are 503 before ready" 503 "$SL_URL/notes"
echo "COMMIT;" >&7
exec 7>&-
sl_wait_exit "$locker" 10 || { kill "$locker"; not_ok "sqlite3 lock holder ended"; }
sl_wait_ready "$SL_URL" 10 && ok "/readyz turns 200 once the database opened" || not_ok "/readyz after lock release"
sl_stop

# --- start-up failures: one message, exit 1 -----------------------------------
# start_fail DESC REGEX ARGS...: notes must exit 1 and print REGEX on stderr.
start_fail() {
  local desc=$1 re=$2
  shift 2
  local port
  port=$(free_port)
  timeout 20 "$@" --listen 127.0.0.1 --port "$port" --log-format text >"$TL_TMP/fail.out" 2>&1
  local rc=$?
  expect_eq "$desc: exit status 1" 1 "$rc"
  if grep -Eq -- "$re" "$TL_TMP/fail.out"; then ok "$desc: message"; else not_ok "$desc: message" "$(cat "$TL_TMP/fail.out")"; fi
  if grep -Eqi 'sanitizer|segmentation|core dumped' "$TL_TMP/fail.out"; then not_ok "$desc: no crash" "$(cat "$TL_TMP/fail.out")"; fi
}
N="$SL_BIN/notes"
start_fail "missing directory" "^notes: init failure: cannot open $DATA/nodir/notes.db: unable to open database file \(directory $DATA/nodir does not exist\)$" \
  "$N" --db "$DATA/nodir/notes.db"
head -c 8192 /dev/urandom >"$DATA/random.db"
start_fail "not a database" "cannot open $DATA/random.db: file is not a database" "$N" --db "$DATA/random.db"

# A corrupt database: damage one b-tree page of a checkpointed file.
sqlite3 "$DATA/corrupt.db" "PRAGMA journal_mode=WAL; CREATE TABLE notes (id INTEGER PRIMARY KEY AUTOINCREMENT, title TEXT NOT NULL, body TEXT NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL) STRICT; PRAGMA user_version=1;
WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 100) INSERT INTO notes (title, body, created, updated) SELECT 't', printf('%.2000c', 'b'), 'c', 'u' FROM c;" >/dev/null
printf '\xff%.0s' $(seq 64) | dd of="$DATA/corrupt.db" bs=1 seek=$((4096 * 5)) conv=notrunc 2>/dev/null
start_fail "corrupt database" "cannot open $DATA/corrupt.db: quick_check failed: " "$N" --db "$DATA/corrupt.db"
start_fail "path is a directory" "cannot open $DATA: unable to open database file \($DATA is a directory\)" "$N" --db "$DATA"
sqlite3 "$DATA/future.db" "PRAGMA user_version=7" >/dev/null
start_fail "newer schema" "schema version 7 is not supported" "$N" --db "$DATA/future.db"

# Permissions: as root, run notes as nobody (root passes mode checks).
mkdir -p "$DATA/ro" "$DATA/rw"
cp "$DATA/notes.db" "$DATA/ro/notes.db"
cp "$DATA/notes.db" "$DATA/rw/notes.db"
chmod 0444 "$DATA/rw/notes.db"
chmod 0555 "$DATA/ro"
as_user=()
if [[ $(id -u) == 0 ]]; then
  as_user=(setpriv --reuid=65534 --regid=65534 --clear-groups)
  chmod 0755 "$DATA/rw"
fi
start_fail "read-only database file" "cannot open $DATA/rw/notes.db: .*read-only.*permission denied" \
  "${as_user[@]}" "$N" --db "$DATA/rw/notes.db"
start_fail "directory without write permission" "cannot open $DATA/ro/new.db: unable to open database file \(cannot create files in $DATA/ro: permission denied\)" \
  "${as_user[@]}" "$N" --db "$DATA/ro/new.db"

# A read-only file system: a read-only bind mount in a private mount
# namespace (needs root); the database itself is intact and writable by mode.
if [[ $(id -u) == 0 ]] && unshare -m true 2>/dev/null; then
  mkdir -p "$DATA/rofs"
  cp "$DATA/notes.db" "$DATA/rofs/notes.db"
  port=$(free_port)
  unshare -m sh -c 'mount --bind "$1" "$1" && mount -o remount,ro,bind "$1" && exec "$2" --db "$1/notes.db" --listen 127.0.0.1 --port "$3" --log-format text' \
    sh "$DATA/rofs" "$N" "$port" >"$TL_TMP/rofs.out" 2>&1
  rc=$?
  expect_eq "read-only file system: exit status 1" 1 "$rc"
  expect_contains "read-only file system: message" "cannot open $DATA/rofs/notes.db: " "$(cat "$TL_TMP/rofs.out")"
  expect_contains "read-only file system: cause named" "read-only file system" "$(cat "$TL_TMP/rofs.out")"
else
  echo "skip - read-only file system (needs root and mount namespaces)"
fi

finish
