-- wrk script for the intake benchmark: every request is a real GitHub delivery (the payloads in
-- HLS_FIXTURES, event types HLS queues) with a delivery id unique across threads and runs.
-- Optional pacing: HLS_RATE (requests/s over all connections) makes each connection wait between
-- requests, so the offered load is constant instead of as fast as the server answers.
local fixtures = os.getenv("HLS_FIXTURES")
local run_id = os.getenv("HLS_RUN_ID") or tostring(os.time())
local rate = tonumber(os.getenv("HLS_RATE") or "0")
local connections = tonumber(os.getenv("HLS_CONNECTIONS") or "1")
local files = {
  {"issues", "issues.opened.json"}, {"issues", "issues.edited.json"}, {"issues", "issues.labeled.json"},
  {"pull_request", "pull_request.opened.json"}, {"pull_request", "pull_request.synchronize.json"},
  {"pull_request_review", "pull_request_review.submitted.json"}, {"workflow_run", "workflow_run.completed.json"},
}
local threads = {}
local counter = 0

function setup(thread)
  thread:set("tid", #threads + 1)
  table.insert(threads, thread)
end

function init(args)
  bodies = {}
  for i, f in ipairs(files) do
    local h = assert(io.open(fixtures .. "/" .. f[2], "rb"))
    bodies[i] = { event = f[1], body = h:read("*a") }
    h:close()
  end
  statuses = {}
  sent = 0
  -- per-connection pause that adds up to HLS_RATE over all connections of all threads
  pause_ms = 0
  if rate > 0 then pause_ms = 1000 * connections / rate end
end

function request()
  sent = sent + 1
  local b = bodies[(sent % #bodies) + 1]
  local headers = {
    ["Content-Type"] = "application/json",
    ["X-GitHub-Event"] = b.event,
    ["X-GitHub-Delivery"] = run_id .. "-" .. tid .. "-" .. sent,
  }
  return wrk.format("POST", "/webhook", headers, b.body)
end

function delay()
  return pause_ms
end

function response(status, headers, body)
  statuses[status] = (statuses[status] or 0) + 1
end

function done(summary, latency, requests)
  local total = {}
  for _, t in ipairs(threads) do
    local s = t:get("statuses")
    for k, v in pairs(s) do total[k] = (total[k] or 0) + v end
  end
  local parts = {}
  for k, v in pairs(total) do table.insert(parts, k .. "=" .. v) end
  table.sort(parts)
  io.write(string.format("WRK requests=%d duration_us=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d errors_connect=%d errors_read=%d errors_write=%d errors_timeout=%d errors_status=%d statuses=%s\n",
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max,
    summary.errors.connect, summary.errors.read, summary.errors.write, summary.errors.timeout, summary.errors.status,
    table.concat(parts, ",")))
end
