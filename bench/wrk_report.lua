-- Used by bench/pages.py: print wrk's figures as one JSON line (latencies in microseconds).
-- Paths given after "--" are requested in turn instead of the URL's own path.
local paths = {}
local next_path = 0

init = function(args)
  for _, path in ipairs(args) do table.insert(paths, path) end
end

request = function()
  if #paths == 0 then return wrk.format() end
  next_path = next_path % #paths + 1
  return wrk.format(nil, paths[next_path])
end

done = function(summary, latency, requests)
  local errors = summary.errors
  io.write(string.format(
    'WRK-JSON {"requests": %d, "duration_us": %d, "socket_errors": %d, "non_2xx_3xx": %d, ' ..
    '"p50": %d, "p95": %d, "p99": %d, "mean": %.1f}\n',
    summary.requests, summary.duration,
    errors.connect + errors.read + errors.write + errors.timeout, errors.status,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.mean))
end
