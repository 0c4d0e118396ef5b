-- wrk script: GET the request paths listed in the file named by $PATHS_FILE (one per line), in turn,
-- as many clients behind one proxy. bench/load.py drives it; by hand:
--   PATHS_FILE=paths.txt CLIENTS=10000 ACCEPT_ENCODING="gzip, deflate, br" \
--     wrk -t2 -c32 -d10s --latency -s bench/paths.lua http://127.0.0.1:8101
--
-- Paths: thread i of T starts at the i-th T-th of the file, so the threads walk disjoint slices (a file
--   of never-used keys gives only cache misses until a thread reaches the end of its slice; done()
--   reports how many requests each thread issued, so the caller can tell whether any key repeated).
-- Clients: with CLIENTS=N > 0 each request carries X-Forwarded-For: 10.x.y.z, the N addresses taken in
--   turn (threads start at different ones), so a server with TRUSTED_PROXY_COUNT=1 applies its rate
--   limits per client as behind a production proxy. CLIENTS=0 sends no such header.
-- ACCEPT_ENCODING, when set and not empty, is sent with every request (as mobile clients do).
-- done() prints one line, WRK_RESULT {json}, with the rate, p50/p95/p99/max latency, errors,
-- non-2xx/3xx responses, and per thread the requests issued and the size of its slice.

local paths = {}
local clients = {}
local position = 0
local client = 0
issued = 0  -- globals: done() reads them per thread with thread:get
share = 0
local threads = {}
local headers = {}  -- wrk.format(method, path, headers) sends these instead of wrk.headers, not with them

function setup(thread)
  threads[#threads + 1] = thread
  thread:set("index", #threads)
end

function init(args)
  local file = assert(io.open(os.getenv("PATHS_FILE"), "r"))
  for line in file:lines() do
    if #line > 0 then paths[#paths + 1] = line end
  end
  file:close()
  local count = tonumber(os.getenv("THREADS") or "1")
  share = math.floor(#paths / count)
  if share < 1 then share = #paths end
  position = ((index or 1) - 1) * share  -- request() advances first: this thread starts at position + 1
  local n = tonumber(os.getenv("CLIENTS") or "0")
  for k = 1, n do
    clients[k] = string.format("10.%d.%d.%d", math.floor(k / 65536) % 256, math.floor(k / 256) % 256, k % 256)
  end
  if n > 0 then client = math.floor(((index or 1) - 1) * n / count) end
  local encoding = os.getenv("ACCEPT_ENCODING")
  if encoding and #encoding > 0 then headers["Accept-Encoding"] = encoding end
end

function request()
  position = position % #paths + 1
  issued = issued + 1
  if #clients > 0 then
    client = client % #clients + 1
    headers["X-Forwarded-For"] = clients[client]
  end
  return wrk.format("GET", paths[position], headers)
end

function done(summary, latency, requests)
  local e = summary.errors
  local per_thread = {}
  for _, thread in ipairs(threads) do
    per_thread[#per_thread + 1] = string.format("[%d, %d]", thread:get("issued") or 0, thread:get("share") or 0)
  end
  io.write(string.format(
    'WRK_RESULT {"requests": %d, "duration_us": %d, "rps": %.1f, "p50_ms": %.3f, "p95_ms": %.3f, "p99_ms": %.3f, ' ..
    '"max_ms": %.3f, "errors": %d, "non_2xx": %d, "threads": [%s]}\n',
    summary.requests, summary.duration, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(95) / 1000, latency:percentile(99) / 1000, latency.max / 1000,
    e.connect + e.read + e.write + e.timeout, e.status, table.concat(per_thread, ", ")))
end
