-- GET /api/v1/parcels/CODE of a random parcel (BENCH_PARK-2024-NNNNNN, 1..BENCH_N)
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
local c = require("common")
local n = 0
local park, count = os.getenv("BENCH_PARK"), tonumber(os.getenv("BENCH_N"))
function init(args) n = n + 1; c.seed(n) end
function request()
  return c.get(string.format("/api/v1/parcels/%s-2024-%06d", park, math.random(1, count)))
end
