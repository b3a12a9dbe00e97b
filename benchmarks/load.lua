-- wrk script for benchmarks/load (see benchmarks/load.py).
--
-- For a /v1/status URL, each request asks one question from a pool built up front, so that
-- wrk, which shares the machine's cores with the server, spends as little CPU as possible per
-- request. benchmarks/load.py writes the pool's paths, one a line, to the file named by
-- RESPITE_LOAD_PATHS (uniform random questions plus a share inside published windows and
-- zones). Without that file, the script draws its own: a random point in the Gaza Strip's
-- bounding box at a random moment between 1 Nov 2023 and 30 Sep 2024 (as "Z", or as a
-- +02:00/+03:00 local time with the '+' encoded as %2B), or "now" (no 'at').
-- For any other URL (/v1/health, /v1/cap) no request() is defined, and wrk sends its fixed
-- request, its cheapest path.
--
-- Every run ends with one machine-readable line on stdout, after wrk's own report:
--   wrk-json: {"requests":..., "duration_us":..., "errors":{...}, "latency_us":{...}}
--
-- Environment: RESPITE_LOAD_PATHS, RESPITE_LOAD_SEED (default 20240901), RESPITE_LOAD_POOL
-- (default 20000), RESPITE_LOAD_NOW_SHARE (share of "now" questions, default 0.1).

local LON_MIN, LON_MAX = 34.22, 34.57
local LAT_MIN, LAT_MAX = 31.22, 31.60
local T_MIN = 1698796800 -- 2023-11-01T00:00:00Z
local T_MAX = 1727740800 -- 2024-10-01T00:00:00Z
local OFFSETS = { { "Z", 0 }, { "%2B02:00", 7200 }, { "%2B03:00", 10800 } }

local paths_file = os.getenv("RESPITE_LOAD_PATHS")
local seed = tonumber(os.getenv("RESPITE_LOAD_SEED") or "") or 20240901
local pool_size = tonumber(os.getenv("RESPITE_LOAD_POOL") or "") or 20000
local now_share = tonumber(os.getenv("RESPITE_LOAD_NOW_SHARE") or "") or 0.1

local threads = {}
local next_id = 0

function setup(thread)
  next_id = next_id + 1
  thread:set("thread_id", next_id)
  table.insert(threads, thread)
end

local function status_path(base)
  local lat = LAT_MIN + math.random() * (LAT_MAX - LAT_MIN)
  local lon = LON_MIN + math.random() * (LON_MAX - LON_MIN)
  local query = string.format("%s?lat=%.5f&lon=%.5f", base, lat, lon)
  if math.random() < now_share then
    return query
  end
  local t = math.random(T_MIN, T_MAX - 1)
  local offset = OFFSETS[math.random(#OFFSETS)]
  -- the wall-clock reading at that offset, so that every form names the same instant
  local stamp = os.date("!%Y-%m-%dT%H:%M:%S", t + offset[2])
  return query .. "&at=" .. stamp .. offset[1]
end

if string.find(wrk.path, "^/v1/status") then
  local pool = {}
  local index = 0

  function init(args)
    math.randomseed(seed + 7919 * (thread_id or 1))
    if paths_file and paths_file ~= "" then
      for line in io.lines(paths_file) do
        if line ~= "" then
          table.insert(pool, wrk.format(nil, line))
        end
      end
    else
      local base = string.match(wrk.path, "^[^?]*")
      for i = 1, pool_size do
        pool[i] = wrk.format(nil, status_path(base))
      end
    end
    pool_size = #pool
    index = math.random(pool_size) - 1
  end

  function request()
    index = index % pool_size + 1
    return pool[index]
  end
end

function done(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'wrk-json: {"requests":%d,"duration_us":%d,"bytes":%d,'
      .. '"errors":{"connect":%d,"read":%d,"write":%d,"status":%d,"timeout":%d},'
      .. '"latency_us":{"mean":%.1f,"max":%d,"p50":%d,"p90":%d,"p99":%d,"p999":%d}}\n',
    summary.requests, summary.duration, summary.bytes,
    e.connect, e.read, e.write, e.status, e.timeout,
    latency.mean, latency.max,
    latency:percentile(50), latency:percentile(90),
    latency:percentile(99), latency:percentile(99.9)
  ))
end
