#!/usr/bin/env bash
# Bytes allocated, thread-pool work items and CPU per request, per door, from the runtime's own
# counters (dotnet-counters, System.Runtime) while wrk drives one door at a time at 64 connections.
# Ciyuan (published, Release, SQLite ledger, a real key) on CPU 1; wrk and the shared harness's
# upstream stub on CPU 0. Allocation per request is what the collector must clear and collect:
# it shows up as memset and GC time in a CPU profile long before it shows up in a heap.
#
#   bash bench/load/allocations.sh                          # chat and responses, streamed
#   DOORS="chat responses stored" BENCH_STREAM=0 WARMUP=40 DURATION=10 bash bench/load/allocations.sh
#
# Needs dotnet-counters (`dotnet tool install -g dotnet-counters`) and wrk.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=bench/load/common.sh
source "$repo/bench/load/common.sh"
stub_port="${STUB_PORT:-18480}"; port="${CIYUAN_BENCH_PORT:-18490}"
duration="${DURATION:-10}"; warmup="${WARMUP:-40}"; stream="${BENCH_STREAM:-1}"
counters="${DOTNET_COUNTERS:-$(command -v dotnet-counters || echo "$HOME/.dotnet/tools/dotnet-counters")}"
bench_workdir allocations

start_pinned_pair "$stub_port" "$port"

load() { # door seconds -> requests
  BENCH_DOOR="$1" BENCH_STREAM="$stream" BENCH_KEY="$key" taskset -c 0 wrk -t1 -c64 -d"$2s" --timeout 10s \
    -s "$repo/bench/load/wrk/door.lua" "http://127.0.0.1:$port" | sed -nE 's/^BENCH requests=([0-9]+).*/\1/p'
}

read -r -a doors <<<"${DOORS:-chat responses}"
for door in "${doors[@]}"; do load "$door" "$warmup" >/dev/null; done   # every door's code tiered up first

printf '%-10s %-6s %10s %14s %14s %14s\n' door stream requests "bytes/request" "work items" "cpu_us/request"
for door in "${doors[@]}"; do
  # The counters cover the load window and a little either side: per-second rates summed over it.
  "$counters" collect -p "$gateway" --counters System.Runtime --format csv -o "$work/$door.csv" \
    --refresh-interval 1 --duration "00:00:$(printf %02d $((duration + 4)))" >/dev/null 2>&1 & collector=$!
  sleep 2
  requests="$(load "$door" "$duration")"
  wait "$collector" || true
  sum() { grep -F "$1" "$work/$door.csv" | awk -F, '{ s += $NF } END { printf "%.0f", s }'; }
  awk -v d="$door" -v s="$([ "$stream" = 1 ] && echo yes || echo no)" -v n="$requests" \
    -v b="$(sum 'dotnet.gc.heap.total_allocated')" -v w="$(sum 'dotnet.thread_pool.work_item.count')" \
    -v u="$(grep -F 'dotnet.process.cpu.time' "$work/$door.csv" | awk -F, '{ s += $NF } END { printf "%.6f", s }')" \
    'BEGIN { printf "%-10s %-6s %10d %14.0f %14.2f %14.1f\n", d, s, n, b / n, w / n, u * 1e6 / n }'
done
