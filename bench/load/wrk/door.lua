-- wrk script for bench/load/doors.sh: one request of the door named by BENCH_DOOR, the same prompt
-- and output bound whichever door carries it, so CPU per request compares the doors, not the work.
--   BENCH_DOOR=chat        POST /v1/chat/completions
--   BENCH_DOOR=responses   POST /v1/responses, store: false (as Codex CLI sends it)
--   BENCH_DOOR=stored      POST /v1/responses, stored (the Responses API's default)
--   BENCH_STREAM=1         streamed
--   BENCH_KEY              the client key
local door = os.getenv("BENCH_DOOR") or "chat"
local stream = os.getenv("BENCH_STREAM") == "1"
local system = "You are a concise assistant inside a metered LLM gateway benchmark."
local prompt = "Write a haiku about reverse proxies, server-sent events and token metering."

local body
if door == "chat" then
  wrk.path = "/v1/chat/completions"
  body = '{"model":"gpt-4o-mini","messages":[{"role":"system","content":"' .. system .. '"},' ..
    '{"role":"user","content":"' .. prompt .. '"}],"max_tokens":64,"temperature":0.7' ..
    (stream and ',"stream":true,"stream_options":{"include_usage":true}}' or '}')
else
  wrk.path = "/v1/responses"
  body = '{"model":"gpt-4o-mini","instructions":"' .. system .. '","input":"' .. prompt .. '",' ..
    '"max_output_tokens":64,"temperature":0.7,"store":' .. (door == "stored" and "true" or "false") ..
    (stream and ',"stream":true}' or '}')
end

wrk.method = "POST"
wrk.body = body
wrk.headers["Content-Type"] = "application/json"
wrk.headers["Authorization"] = "Bearer " .. (os.getenv("BENCH_KEY") or "")

function done(summary, latency, requests)
  io.write(string.format("BENCH requests=%d status_errors=%d other_errors=%d p50_us=%d\n",
    summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50)))
end
