-- create.lua: wrk script, POST /notes with a fixed-size note.
-- TITLE_BYTES and BODY_BYTES (environment) set the sizes; the direct C run
-- uses the same. done() prints one machine-readable RESULT line; a status
-- >= 400 counts as an error (summary.errors.status).
local tbytes = tonumber(os.getenv("TITLE_BYTES") or "20")
local bbytes = tonumber(os.getenv("BODY_BYTES") or "200")

wrk.method = "POST"
wrk.path = "/notes"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"title":"' .. string.rep("t", tbytes) .. '","body":"' ..
  string.rep("b", bbytes) .. '"}'

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT mode=create requests=%d seconds=%.3f errors=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration / 1e6,
    e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
