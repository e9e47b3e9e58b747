-- wrk script for `make bench` (scripts/bench.py): reports p50/p95/p99 and every status
-- other than the expected one as one JSON line; with BENCH_POST set, each request is a
-- POST of that body with an Idempotency-Key of its own.
local threads = {}
local counter = 0
local expected = tonumber(os.getenv("BENCH_EXPECT") or "200")
local body = os.getenv("BENCH_POST")
local token = os.getenv("BENCH_TOKEN")

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  unexpected = 0
  if token and token ~= "" then wrk.headers["Authorization"] = "Bearer " .. token end
  if body then
    wrk.method = "POST"
    wrk.body = body
    wrk.headers["Content-Type"] = "application/json"
  end
end

function request()
  if body then
    counter = counter + 1
    wrk.headers["Idempotency-Key"] = string.format("bench-%d-%d-%d-%d", os.time(), tid, counter, math.random(1e9))
  end
  return wrk.format()
end

function response(status, headers, resp_body)
  if status ~= expected then unexpected = unexpected + 1 end
end

function done(summary, latency, requests)
  local bad = 0
  for _, thread in ipairs(threads) do bad = bad + (thread:get("unexpected") or 0) end
  io.write(string.format(
    '{"requests": %d, "seconds": %.3f, "p50": %.3f, "p95": %.3f, "p99": %.3f, "unexpected": %d, "socket_errors": %d}\n',
    summary.requests, summary.duration / 1e6, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, bad,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
