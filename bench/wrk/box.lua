-- GET /api/v1/parcels?bbox= of a 1 km × 1 km box at a random point of the park
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
local c = require("common")
local n = 0
function init(args) n = n + 1; c.seed(n) end
function request()
  local lon, lat, dlon, dlat = c.point()
  return c.get(string.format("/api/v1/parcels?bbox=%.6f,%.6f,%.6f,%.6f", lon, lat, lon + dlon, lat + dlat))
end
