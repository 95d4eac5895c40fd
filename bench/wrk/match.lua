-- GET /api/v1/leads/LEAD/match?top=10, the two leads of bench/setup.sql in turn
package.path = os.getenv("BENCH_WRK_DIR") .. "/?.lua;" .. package.path
local c = require("common")
local k = 0
function request()
  k = k + 1
  return c.get(k % 2 == 0 and "/api/v1/leads/BENCH-EQ/match?top=10" or "/api/v1/leads/BENCH-IT/match?top=10")
end
