#!/usr/bin/env bash
# Where a proxy's CPU goes, per request, under steady load: system calls per request (perf stat on
# the syscalls:sys_enter_* tracepoints) and a sampled CPU profile with the JIT's symbols (perf record,
# DOTNET_PerfMapEnabled), for Ciyuan (published, Release, SQLite ledger, a real key) and, with
# PEER=yarp, the shared harness's bare YARP on the same upstream stub. The proxy runs on CPU 1; wrk
# and the stub on CPU 0. Warm-up first (a fresh gateway on one core needs ~60 s to reach its
# optimised code), then a second wrk run of SAMPLE seconds while perf watches: its request count is
# the divisor.
#
#   bash bench/load/syscalls.sh                     # Ciyuan, chat, not streamed
#   PEER=yarp bash bench/load/syscalls.sh           # bare YARP, the same load
#   BENCH_STREAM=1 WARMUP=95 SAMPLE=20 TOP=40 KEEP=dir bash bench/load/syscalls.sh   # KEEP: copy perf.data there
#
# Needs perf (linux-perf) and wrk; perf must be allowed to trace the process (root, or
# kernel.perf_event_paranoid ≤ 1 with tracefs readable).
# shellcheck source=bench/load/common.sh
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
source "$repo/bench/load/common.sh"
warmup="${WARMUP:-95}" sample="${SAMPLE:-20}" top="${TOP:-30}" peer="${PEER:-ciyuan}"
bench_workdir syscalls
cleanup() { for pid in "${pids[@]+"${pids[@]}"}"; do kill "$pid" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

# The stub, the key and Ciyuan (left idle when PEER=yarp) come from the shared set-up.
start_pinned_pair 18280 18290 DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0
target=$gateway port=18290
if [ "$peer" = yarp ]; then
  dotnet publish "$repo/../shared/bench/yarp/YarpProxy.csproj" -c Release -o "$work/yarp" --nologo -v quiet >/dev/null
  DOTNET_gcServer=1 DOTNET_PerfMapEnabled=1 DOTNET_EnableWriteXorExecute=0 taskset -c 1 \
    dotnet "$work/yarp/YarpProxy.dll" --port 18292 --upstream http://127.0.0.1:18280 >"$work/yarp.log" 2>&1 &
  target=$!; pids+=("$target"); port=18292
  # YARP has no readiness route: any HTTP answer (it proxies the stub's) means it listens.
  for _ in $(seq 1 150); do curl -s -o /dev/null "http://127.0.0.1:$port/" && break; sleep 0.2; done
fi

load() { # SECONDS
  BENCH_DOOR=chat BENCH_STREAM="${BENCH_STREAM:-0}" BENCH_KEY="$key" taskset -c 0 wrk -t1 -c64 -d"$1s" --timeout 10s \
    -s "$repo/bench/load/wrk/door.lua" "http://127.0.0.1:$port" | sed -nE 's/^BENCH requests=([0-9]+).*/\1/p'
}

echo "warming $peer for ${warmup}s..." >&2
load "$warmup" >/dev/null
events=$(printf 'syscalls:sys_enter_%s,' sendto recvfrom read write pwrite64 pread64 futex epoll_wait fsync fdatasync)
perf stat -e "${events%,}" -p "$target" -x, -o "$work/stat.csv" -- sleep "$sample" &
stat=$!
perf record -F 2000 -g -p "$target" -o "$work/perf.data" -- sleep "$sample" >/dev/null 2>&1 &
record=$!
requests=$(load "$sample")
wait "$stat" "$record"

if [ -n "${KEEP:-}" ]; then
  mkdir -p "$KEEP" && cp "$work/perf.data" "$work/stat.csv" "$KEEP/"
  echo "kept $KEEP/perf.data (perf report -i $KEEP/perf.data --children ...) and $KEEP/stat.csv" >&2
fi
echo "$peer: $requests requests in ${sample}s"
echo "system calls per request:"
awk -F, -v n="$requests" '$3 ~ /sys_enter/ { sub(/syscalls:sys_enter_/, "", $3); printf "  %-12s %6.2f\n", $3, $1 / n }' "$work/stat.csv"
echo "CPU samples by module (self):"
perf report -i "$work/perf.data" --no-children --sort dso --stdio -g none 2>/dev/null | grep -E '^ +[0-9.]+%' | head -8
echo "top symbols (self):"
perf report -i "$work/perf.data" --no-children --sort symbol --stdio -g none 2>/dev/null | grep -E '^ +[0-9.]+%' | head -"$top" | cut -c1-160
