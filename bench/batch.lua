-- wrk script of bench/section5: PUT /api/opportunities/integration/batch-update, each request a JSON
-- array of BENCH_ITEMS (default 500) items in the shapes of bench/put.lua (a random seeded code among
-- BENCH-0000001 … BENCH_CODES, six fields). Environment: BENCH_SECRET, BENCH_CODES, BENCH_ITEMS.
-- done() prints the same "BENCH_RESULT k=v …" line as put.lua.

local codes = tonumber(os.getenv("BENCH_CODES") or "100000")
local items = tonumber(os.getenv("BENCH_ITEMS") or "500")
local secret = os.getenv("BENCH_SECRET") or ""

local stages = {"discovery", "qualification", "solution", "bidding", "negotiation", "won", "lost"}
local statuses = {"active", "closed", "won", "lost"}
local confidences = {"A", "B", "C"}
local descriptions = {
  "客户已完成技术评审", "外部系统回写成交结果", "招标文件已发布，等待开标", "商务条款谈判中", "OMS 已确认订单"
}

wrk.method = "PUT"
wrk.path = "/api/opportunities/integration/batch-update"
wrk.headers["Content-Type"] = "application/json"
wrk.headers["X-Internal-Secret"] = secret

local function pick(values)
  return values[math.random(#values)]
end

function init(args)
  math.randomseed(os.time() + math.floor(os.clock() * 1000000))
end

local function item()
  local tail
  if math.random(2) == 1 then
    tail = string.format(',"confidencePct":"%s","description":"%s"', pick(confidences), pick(descriptions))
  else
    tail = string.format(',"pushedToOms":true,"omsPushTime":"2026-%02d-%02dT%02d:%02d:00+08:00"',
      math.random(12), math.random(28), math.random(0, 23), math.random(0, 59))
  end
  return string.format(
    '{"opportunityCode":"BENCH-%07d","stage":"%s","status":"%s","amount":%d.%02d,"expectedCloseDate":"%d-%02d-%02d"%s}',
    math.random(codes), pick(stages), pick(statuses), math.random(1000, 99999999), math.random(0, 99),
    math.random(2026, 2027), math.random(12), math.random(28), tail)
end

function request()
  local array = {}
  for i = 1, items do array[i] = item() end
  return wrk.format(nil, nil, nil, "[" .. table.concat(array, ",") .. "]")
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d " ..
    "p50_us=%d p90_us=%d p99_us=%d max_us=%d mean_us=%d\n",
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max, latency.mean))
end
