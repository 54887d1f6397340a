-- wrk script of the "16 MiB in" scenario: POSTs the file named by
-- BENCH_BODY again and again; a response other than 200 with the body's
-- size in it counts as bad, and done() prints how many there were.
local f = assert(io.open(os.getenv("BENCH_BODY"), "rb"))
wrk.method = "POST"
wrk.body = f:read("*a")
f:close()
wrk.headers["Content-Type"] = "application/octet-stream"

local want = tostring(#wrk.body)
local threads = {}
bad = 0

function setup(thread)
	table.insert(threads, thread)
end

function response(status, headers, body)
	if status ~= 200 or body:gsub("%s", "") ~= want then
		bad = bad + 1
	end
end

function done(summary, latency, requests)
	local n = 0
	for _, t in ipairs(threads) do
		n = n + t:get("bad")
	end
	io.write(string.format("bad responses: %d\n", n))
end
