-- wrk script: GET /entities/{id} rotating over the ids of a file (one short id a line).
--   wrk -t2 -c16 -d10s --latency -s bench/wrk/entities.lua http://127.0.0.1:PORT -- ids.txt
-- Each thread starts at a different offset so that the threads do not ask in lockstep.

local ids = {}
local position = 0
local threads = 0

function setup(thread)
  thread:set("offset", threads * 7919)
  threads = threads + 1
end

function init(args)
  local path = args[1] or "ids.txt"
  for line in io.lines(path) do
    if #line > 0 then ids[#ids + 1] = line end
  end
  assert(#ids > 0, "no ids in " .. path)
  position = (offset or 0) % #ids
end

function request()
  position = (position % #ids) + 1
  return wrk.format("GET", "/entities/" .. ids[position])
end

function response(status, headers, body)
  if status ~= 200 then
    io.stderr:write("unexpected status " .. status .. "\n")
  end
end
