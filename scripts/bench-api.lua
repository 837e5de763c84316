-- wrk script for scripts/bench-api.sh: every request goes to a random customer with
-- that customer's own pre-minted token, alternating applications and conversations at
-- random. TOKENS names a file of "customerId<TAB>token" lines (backend token --sample).
local lines = {}

local function load()
  local path = os.getenv("TOKENS")
  local f = assert(io.open(path, "r"), "cannot open " .. tostring(path))
  for line in f:lines() do
    local id, tok = line:match("^([^\t]+)\t(.+)$")
    if id then
      lines[#lines + 1] = { "/api/customer/" .. id, { ["Authorization"] = "Bearer " .. tok } }
    end
  end
  f:close()
  assert(#lines > 0, "no tokens in " .. path)
end

function init(args)
  load()
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)"), 16) % 100000)
end

local lists = { "/applications", "/conversations" }

function request()
  local c = lines[math.random(#lines)]
  return wrk.format("GET", c[1] .. lists[math.random(2)], c[2])
end

function done(summary, latency, requests)
  io.write(string.format("BENCH requests=%d duration_us=%d non2xx=%d errors=%d p50_us=%d p90_us=%d p99_us=%d max_us=%d\n",
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(90), latency:percentile(99), latency.max))
end
