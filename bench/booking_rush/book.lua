-- wrk script for bench/booking_rush/wrk.mjs: every connection is one resident (its own device
-- cookie from COOKIES_FILE) booking the day's slots of one resource in turn.
local cookies, slots = {}, {}
for line in io.lines(os.getenv("COOKIES_FILE")) do table.insert(cookies, line) end
for line in io.lines(os.getenv("SLOTS_FILE")) do table.insert(slots, line) end
local path = os.getenv("BOOK_PATH")
local n = 0
function setup(thread)
  thread:set("offset", n)
  n = n + 1
end
function init()
  me = cookies[(offset * 7919) % #cookies + 1]
  at = offset
end
function request()
  at = at + 1
  local body = '{"slot":"' .. slots[at % #slots + 1] .. '"}'
  return wrk.format("POST", path, { ["content-type"] = "application/json", ["cookie"] = me }, body)
end
