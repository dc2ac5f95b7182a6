-- read.lua: wrk script, GET /notes/{id} over ids 1..IDS round-robin per
-- thread (IDS from the environment: the notes the create run made).
-- done() prints one machine-readable RESULT line; a non-200 counts as an
-- error (summary.errors.status).
local ids = tonumber(os.getenv("IDS") or "1")
local counter = 0

function request()
  counter = counter + 1
  return wrk.format("GET", "/notes/" .. (1 + counter % ids))
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "RESULT mode=read requests=%d seconds=%.3f errors=%d p50_us=%d p99_us=%d\n",
    summary.requests, summary.duration / 1e6,
    e.connect + e.read + e.write + e.status + e.timeout,
    latency:percentile(50), latency:percentile(99)))
end
