-- common.lua — what every bench/serve load script shares: the session cookie
-- (BENCH_COOKIE) and a seed per wrk thread, so that the threads do not ask
-- for the same things in the same order.
local M = {}
M.cookie = os.getenv("BENCH_COOKIE") or ""
local seeded = 0
function M.seed(n)
  seeded = seeded + 1
  math.randomseed(os.time() + n * 7919 + seeded)
end
function M.get(path)
  return wrk.format("GET", path, {["Cookie"] = M.cookie})
end
-- a point in the generated park: BENCH_LON/LAT its centre, BENCH_SPAN_KM the
-- half-width of the square the points fall in
function M.point()
  local lon, lat = tonumber(os.getenv("BENCH_LON")), tonumber(os.getenv("BENCH_LAT"))
  local span = tonumber(os.getenv("BENCH_SPAN_KM") or "30")
  local dlat = 1 / 111.2
  local dlon = dlat / math.cos(math.rad(lat))
  return lon + (math.random() * 2 - 1) * span * dlon, lat + (math.random() * 2 - 1) * span * dlat, dlon, dlat
end
-- non-2xx answers are counted and reported by done() (wrk counts only >= 400 … as "Non-2xx")
return M
