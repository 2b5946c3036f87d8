#!/usr/bin/env bash
# Where the gateway's CPU goes under load: publishes Ciyuan (Release, SQLite ledger, a real key),
# drives one door with wrk at 64 connections against the shared harness's upstream stub, and
# samples the gateway with dotnet-trace (thread-time samples; idle waits filtered out) for the middle of the run. Prints the
# methods with the most samples on top of the stack (self) and on the stack at all (inclusive).
#
#   bash bench/load/profile.sh                       # chat, not streamed
#   BENCH_DOOR=responses BENCH_STREAM=1 bash bench/load/profile.sh
#   KEEP=dir bash bench/load/profile.sh              # keep the .nettrace and speedscope file in dir
#   WARMUP=90 DURATION=20 SAMPLE=10 CONNS=64         # seconds of load before sampling, of the sampled run, sampled
#
# Needs dotnet-trace (`dotnet tool install -g dotnet-trace`) and wrk.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=bench/load/common.sh
source "$repo/bench/load/common.sh"
stub_port="${STUB_PORT:-18380}"; port="${CIYUAN_BENCH_PORT:-18390}"
duration="${DURATION:-20}"; sample="${SAMPLE:-10}"; conns="${CONNS:-64}"
trace_tool="${DOTNET_TRACE:-$(command -v dotnet-trace || echo "$HOME/.dotnet/tools/dotnet-trace")}"
bench_workdir profile

start_pinned_pair "$stub_port" "$port" \
  DOTNET_PerfMapEnabled="$([ "${PROFILER:-perf}" = perf ] && echo 1 || echo 0)" \
  DOTNET_EnableWriteXorExecute="$([ "${PROFILER:-perf}" = perf ] && echo 0 || echo 1)"

load() { BENCH_DOOR="${BENCH_DOOR:-chat}" BENCH_STREAM="${BENCH_STREAM:-0}" BENCH_KEY="$key" \
  taskset -c 0 wrk -t1 -c"$conns" -d"$1s" --timeout 10s -s "$repo/bench/load/wrk/door.lua" "http://127.0.0.1:$port" | grep '^BENCH '; }
load "${WARMUP:-90}" >/dev/null                     # warm-up: under load on one core, tiered JIT takes about 60 s to settle
load "$duration" & wrk_pid=$!
sleep $(( (duration - sample) / 2 ))
if [ "${PROFILER:-perf}" = perf ]; then
  # CPU samples of the gateway's threads (JIT-compiled frames named through DOTNET_PerfMapEnabled).
  perf record -F 499 -g -p "$gateway" -o "$work/gateway.perf" -- sleep "$sample" 2>/dev/null
  wait "$wrk_pid"
  if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP"; cp "$work/gateway.perf" "/tmp/perf-$gateway.map" "$KEEP"/; fi
  echo "-- self (CPU samples) --"
  perf report -i "$work/gateway.perf" --no-children --sort sym --stdio 2>/dev/null | grep -E '^ +[0-9]' | head -"${TOP:-40}" || true
  echo "-- inclusive --"
  perf report -i "$work/gateway.perf" --children --sort sym --stdio 2>/dev/null | grep -E '^ +[0-9]' | grep -E 'Ciyuan|Kestrel|Sqlite|SocketsHttp|HttpConnection' | head -"${TOP:-40}" || true
else
  "$trace_tool" collect -p "$gateway" --profile dotnet-sampled-thread-time --duration "00:00:$(printf %02d "$sample")" \
    -o "$work/gateway.nettrace" >/dev/null
  wait "$wrk_pid"
  "$trace_tool" convert "$work/gateway.nettrace" --format Speedscope -o "$work/gateway" >/dev/null
  if [ -n "${KEEP:-}" ]; then mkdir -p "$KEEP"; cp "$work"/gateway.* "$KEEP"/; fi
  python3 "$repo/bench/load/speedscope_top.py" "$work/gateway.speedscope.json" "${TOP:-40}"
fi
