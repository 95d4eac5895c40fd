-- GET /api/v1/free: 30–60 亩 within 2 km of a random point, at most 50 rows
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
local c = require("common")
local n = 0
function init(args) n = n + 1; c.seed(n) end
function request()
  local lon, lat = c.point()
  return c.get(string.format("/api/v1/free?min_mu=30&max_mu=60&near=%.6f,%.6f&within=2000&limit=50", lon, lat))
end
