-- wrk script: resident web-chat turns (the transactional hot path).
--
-- Reads SESSIONS_FILE (default bench_sessions.txt): one "public_session_id mg_device_cookie"
-- per line, created beforehand with POST /api/public/{tenant}/chat for a service whose first
-- step is a text question (demo: 犬の登録, step "owner"). Each session is toggled between
--   {"type":"text","text":"山田太郎"}   (answer the step -> advance to the next question)
--   {"type":"text","text":"戻る"}       (back command -> return to the first question)
-- so every request is a real turn (load session, run the flow, save state) and the
-- session never completes. Sessions are split between wrk threads so that, with more
-- sessions than connections, two requests for the same session are practically never
-- in flight together. Responses that still carry an "error" prompt (e.g. "これ以上前には
-- 戻れません" when the toggle got out of step) are counted and printed at the end.
--
-- usage: SESSIONS_FILE=... TENANT=demo wrk -t2 -c64 -d10s --latency -s bench/chat_input.lua http://127.0.0.1:PORT

local sessions_file = os.getenv("SESSIONS_FILE") or "bench_sessions.txt"
local tenant = os.getenv("TENANT") or "demo"

local threads = {}
local next_id = 0

function setup(thread)
  thread:set("tid", next_id)
  next_id = next_id + 1
  table.insert(threads, thread)
end

local mine = {}
local pos = 0
local answered = {}
local answer_body = '{"type":"text","text":"山田太郎"}'
local back_body = '{"type":"text","text":"戻る"}'
error_prompts = 0
bad_status = 0
responses = 0
samples = 0

function init(args)
  local n = 0
  for c in io.lines(sessions_file) do
    local sid, dev = c:match("^(%S+)%s+(%S+)")
    if sid then
      if n % nthreads_total() == tid then
        table.insert(mine, { path = "/api/public/" .. tenant .. "/chat/" .. sid .. "/input",
                             cookie = "mg_device=" .. dev })
        answered[#mine] = false
      end
      n = n + 1
    end
  end
  if #mine == 0 then error("no sessions for thread " .. tid .. " in " .. sessions_file) end
end

function nthreads_total()
  return tonumber(os.getenv("WRK_THREADS") or "2")
end

function request()
  pos = pos % #mine + 1
  local s = mine[pos]
  local body = answered[pos] and back_body or answer_body
  answered[pos] = not answered[pos]
  return wrk.format("POST", s.path,
    { ["Content-Type"] = "application/json", ["Cookie"] = s.cookie }, body)
end

function response(status, headers, body)
  responses = responses + 1
  if status ~= 200 then
    bad_status = bad_status + 1
  elseif body:find('"type":"error"', 1, true) then
    error_prompts = error_prompts + 1
  end
  if (status ~= 200 or body:find('"type":"error"', 1, true)) and samples < 3 then
    samples = samples + 1
    io.stderr:write("CHAT sample status=" .. status .. " body=" .. body:sub(1, 300) .. "\n")
  end
end

function done(summary, latency, requests)
  local e, b, r = 0, 0, 0
  for _, t in ipairs(threads) do
    e = e + (t:get("error_prompts") or 0)
    b = b + (t:get("bad_status") or 0)
    r = r + (t:get("responses") or 0)
  end
  io.write(string.format("CHAT responses=%d non200=%d error_prompts=%d\n", r, b, e))
end
