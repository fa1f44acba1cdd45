-- wrk script of the bench: PUT /api/opportunities/integration/update with realistic bodies.
-- Each request: a random code among the seeded BENCH-0000001 … BENCH_CODES, and six fields:
-- stage (the built-in dictionary's codes), status, amount with two decimals, expectedCloseDate,
-- then either confidencePct + description or pushedToOms + omsPushTime (the same shapes as
-- bench/jmh's TypicalBodies). Environment: BENCH_SECRET (the X-Internal-Secret), BENCH_CODES
-- (default 100000). done() prints one "BENCH_RESULT k=v …" line that bench/run reads.

local codes = tonumber(os.getenv("BENCH_CODES") or "100000")
local secret = os.getenv("BENCH_SECRET") or ""

local stages = {"discovery", "qualification", "solution", "bidding", "negotiation", "won", "lost"}
local statuses = {"active", "closed", "won", "lost"}
local confidences = {"A", "B", "C"}
local descriptions = {
  "客户已完成技术评审", "外部系统回写成交结果", "招标文件已发布，等待开标", "商务条款谈判中", "OMS 已确认订单"
}

wrk.method = "PUT"
wrk.path = "/api/opportunities/integration/update"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Internal-Secret"] = secret

local function pick(values)
  return values[math.random(#values)]
end

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

function request()
  local tail
  if math.random(2) == 1 then
    tail = string.format(',"confidencePct":"%s","description":"%s"', pick(confidences), pick(descriptions))
  else
    tail = string.format(',"pushedToOms":true,"omsPushTime":"2026-%02d-%02dT%02d:%02d:00+08:00"',
      math.random(12), math.random(28), math.random(0, 23), math.random(0, 59))
  end
  local body = string.format(
    '{"opportunityCode":"BENCH-%07d","stage":"%s","status":"%s","amount":%d.%02d,"expectedCloseDate":"%d-%02d-%02d"%s}',
    math.random(codes), pick(stages), pick(statuses), math.random(1000, 99999999), math.random(0, 99),
    math.random(2026, 2027), math.random(12), math.random(28), tail)
  return wrk.format(nil, nil, nil, body)
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d " ..
    "p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%d\n",
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
