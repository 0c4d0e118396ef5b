-- wrk script: GET the request paths listed in the file named by $PATHS_FILE (one per line), in turn.
-- Each wrk thread starts at its own offset. done() prints one line, WRK_RESULT {json}, with the
-- request rate and the p50/p95/p99 latencies, for bench/load.py to read.
--   PATHS_FILE=paths.txt wrk -t1 -c8 -d10s --latency -s bench/paths.lua http://127.0.0.1:8101

local paths = {}
local position = 0
local threads = 0

function setup(thread)
  threads = threads + 1
  thread:set("offset", threads * 7919)
end

function init(args)
  local file = assert(io.open(os.getenv("PATHS_FILE"), "r"))
  for line in file:lines() do
    if #line > 0 then paths[#paths + 1] = line end
  end
  file:close()
  position = (offset or 0) % #paths
end

function request()
  position = position % #paths + 1
  return wrk.format("GET", paths[position])
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_us": %d, "rps": %.1f, "p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, ' ..
    '"max_ms": %.3f, "errors": %d, "non_2xx": %d}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.timeout, e.status))
end
