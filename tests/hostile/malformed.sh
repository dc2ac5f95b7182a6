#!/usr/bin/env bash
# malformed.sh: broken and hostile requests, each with the status it must
# get, and nothing else changes: the server stays up and the number of
# notes is the same before and after the bad requests.
# Bugs caught: crashes or 500s on parser edge cases, request smuggling
# through ambiguous framing (duplicate Content-Length, broken chunks), path
# traversal reaching the file system, percent-decoding errors, invalid UTF-8
# or NUL bytes stored as notes, SQL injection through note text.
source "$(dirname "$0")/common.sh"

H='Host: x\r\n'
post() { # post JSON_BODY_TEXT (printf %b escapes) -> raw POST /notes

  printf 'POST /notes HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n' \
    "$(printf '%b' "$1" | wc -c)"
  printf '%b' "$1"
}
count() { curl -s --max-time 5 "http://127.0.0.1:$PORT/notes?limit=100" | jq '.notes | length'; }

# --- the HTTP layer (hello) ---------------------------------------------
start hello || finish
expect_raw "HTTP/0.9-style request line" "GET /\r\n\r\n" '400'
expect_raw "request line of one word" "GARBAGE\r\n\r\n" '400|closed|reset'
expect_raw "unknown HTTP version" "GET / HTTP/9.9\r\n$H\r\n" '505|400'
expect_raw "unknown method on a known path" "BREW / HTTP/1.1\r\n$H\r\n" '405|501'
expect_raw "invalid characters in the method" "G@T / HTTP/1.1\r\n$H\r\n" '400|405|501'
expect_raw "header line without a colon" "GET / HTTP/1.1\r\n${H}NoColon\r\n\r\n" '400'
expect_raw "Content-Length not a number" "POST /echo HTTP/1.1\r\n${H}Content-Length: abc\r\n\r\nabc" '400'
expect_raw "negative Content-Length" "POST /echo HTTP/1.1\r\n${H}Content-Length: -1\r\n\r\nabc" '400'
# RFC 9112 6.3: differing Content-Length values are an unrecoverable framing
# error (the classic request-smuggling vector behind a proxy): 400.
expect_raw "two different Content-Length headers" \
  "POST /echo HTTP/1.1\r\n${H}Content-Length: 3\r\nContent-Length: 5\r\n\r\nabc" '400'
expect_raw "same Content-Length twice" \
  "POST /echo HTTP/1.1\r\n${H}Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc" '200|400'
expect_raw "Content-Length as a list" "POST /echo HTTP/1.1\r\n${H}Content-Length: 3, 5\r\n\r\nabc" '400'
# RFC 9112 6.1: Transfer-Encoding wins over Content-Length, or the request is
# refused; either way the body must be read as chunked.
expect_raw "Transfer-Encoding and Content-Length together" \
  "POST /echo HTTP/1.1\r\n${H}Content-Length: 3\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" '200|400'
# RFC 9112 6.1: an unknown transfer coding gets 501 (not a wait for a body
# the server cannot frame).
expect_raw "unknown Transfer-Encoding" "POST /echo HTTP/1.1\r\n${H}Transfer-Encoding: gzip\r\n\r\nabc" '501|400' --timeout 3
# RFC 9112 3.2: a server MUST answer 400 to an HTTP/1.1 request without Host.
expect_raw "HTTP/1.1 request without Host" "GET / HTTP/1.1\r\n\r\n" '400'
expect_raw "HTTP/1.0 request without Host is fine" "GET / HTTP/1.0\r\n\r\n" '200'
expect_raw "chunk size not hex" "POST /echo HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n" '400'
expect_raw "chunk longer than its size" "POST /echo HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nabcdef\r\n0\r\n\r\n" '400'
expect_raw "well-formed chunked body still works" "POST /echo HTTP/1.1\r\n${H}Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n" '200'
for p in '/../../etc/passwd' '/%2e%2e/%2e%2e/etc/passwd' '/..%2f..%2fetc%2fpasswd' '/%2E%2E%5C%2E%2E%5Cetc%5Cpasswd'; do
  got=$(raw "GET $p HTTP/1.1\r\n$H\r\n" --out "$TL_TMP/resp")
  if [[ ${got%% *} =~ ^(400|404)$ ]] && ! grep -q 'root:' "$TL_TMP/resp"; then ok "traversal $p -> ${got%% *}, no file content"
  else not_ok "traversal $p: got '$got'"; fi
done
expect_raw "bad percent escape in the path" "GET /%zz HTTP/1.1\r\n$H\r\n" '400|404'
expect_raw "truncated percent escape in the path" "GET /% HTTP/1.1\r\n$H\r\n" '400|404'
expect_raw "bad escapes in the query are ignored by /" "GET /?a=%zz&b=% HTTP/1.1\r\n$H\r\n" '200|400'
expect_raw "encoded NUL in the path" "GET /a%00b HTTP/1.1\r\n$H\r\n" '400|404'
expect_raw "raw NUL in the path" "GET /a\0b HTTP/1.1\r\n$H\r\n" '400|404'
check "hello alive after malformed requests" alive
stop

# --- notes: JSON validation and storage ----------------------------------
start notes --db="$TL_TMP/notes.db" || finish
got=$(post '{"title":"first","body":"kept"}' | $RAW send "$PORT")
check "a valid note is created (got ${got%% *})" test "${got%% *}" = 201
before=$(count)
sendpost() { local d=$1 j=$2 want=$3 got; got=$(post "$j" | $RAW send "$PORT")
  if [[ ${got%% *} =~ ^($want)$ ]]; then ok "$d -> ${got%% *}"; else not_ok "$d: got '$got', want $want"; fi; }
sendpost "invalid UTF-8 in the title" '{"title":"\xc3\x28","body":""}' '400'
sendpost "overlong UTF-8 (/ as 2 bytes)" '{"title":"\xc0\xaf","body":""}' '400'
sendpost "UTF-16 surrogate as UTF-8" '{"title":"\xed\xa0\x80","body":""}' '400'
sendpost "raw NUL byte in the JSON" '{"title":"a\x00b","body":""}' '400'
sendpost "escaped \\u0000 in a string" '{"title":"a\\u0000b","body":""}' '400'
sendpost "lone surrogate escape" '{"title":"\\ud800","body":""}' '400'
sendpost "not JSON" 'title=a' '400'
sendpost "truncated JSON" '{"title":"a","bo' '400'
sendpost "JSON array" '[1,2]' '400'
sendpost "title not a string" '{"title":1,"body":""}' '400'
sendpost "unknown member" '{"title":"a","body":"","admin":true}' '400'
sendpost "empty title" '{"title":"","body":""}' '400'
expect_raw "wrong Content-Type" "POST /notes HTTP/1.1\r\n${H}Content-Type: text/plain\r\nContent-Length: 24\r\n\r\n{\"title\":\"a\",\"body\":\"b\"}" '415|400'
expect_raw "id not a number" "GET /notes/abc HTTP/1.1\r\n$H\r\n" '400|404'
expect_raw "id with SQL in it" "GET /notes/1%20OR%201=1 HTTP/1.1\r\n$H\r\n" '400|404'
expect_raw "id overflowing 64 bits" "GET /notes/99999999999999999999999 HTTP/1.1\r\n$H\r\n" '400|404'
expect_raw "negative id" "DELETE /notes/-1 HTTP/1.1\r\n$H\r\n" '400|404'
expect_raw "bad limit" "GET /notes?limit=-5 HTTP/1.1\r\n$H\r\n" '400'
after=$(count)
check "number of notes unchanged by the bad requests ($before -> $after)" test "$before" = "$after"

# SQL-looking text is stored literally and comes back byte for byte.
sql="'); DROP TABLE notes;--"
json=$(jq -cn --arg t "$sql" --arg b "x' OR '1'='1" '{title: $t, body: $b}')
loc=$(curl -s -D - -o "$TL_TMP/created" -H 'Content-Type: application/json' --data-binary "$json" \
  "http://127.0.0.1:$PORT/notes" | tr -d '\r' | sed -n 's/^[Ll]ocation: //p')
got=$(curl -s "http://127.0.0.1:$PORT${loc:-/notes/0}")
check "SQL-looking title round-trips literally" test "$(jq -r .title <<<"$got")" = "$sql"
check "SQL-looking body round-trips literally" test "$(jq -r .body <<<"$got")" = "x' OR '1'='1"
check "notes table still there: $((before + 1)) notes" test "$(count)" = $((before + 1))
check "notes alive" alive
stop
check "database integrity_check ok after the run" \
  test "$(sqlite3 "$TL_TMP/notes.db" 'PRAGMA integrity_check')" = ok
finish
