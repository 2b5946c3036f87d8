#!/usr/bin/env bash
# Soak: first the gateway's maximum throughput (a closed loop of CONNECTIONS clients for MAX_SECONDS),
# then SOAK_MINUTES at half of it (a fixed rate, half the requests streamed), with the gateway in
# Release behind a key whose project has a budget line and limits, the SQLite ledger on. Every
# minute: requests, errors, p50/p99 latency (counted from when each request was due), and the
# gateway's resident memory, open descriptors, threads, CPU and GC heap (dotnet-counters). At the
# end, a least-squares fit over the last two thirds of the minutes says whether memory, handles
# and p99 grew, and the ledger must hold exactly one row per request.
#
#   bash bench/soak/run.sh                                   # 30 minutes (plus ~1 min to find the maximum)
#   SOAK_MINUTES=5 bash bench/soak/run.sh                    # shorter
#   SOAK_RATE=800 SOAK_MINUTES=10 bash bench/soak/run.sh     # a given rate instead of half the maximum
#
# Loopback only; bounded: the soak stops after SOAK_MINUTES whatever happens.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
SOAK_MINUTES="${SOAK_MINUTES:-30}"
INTERVAL="${INTERVAL:-60}"                # seconds per row
CONNECTIONS="${CONNECTIONS:-64}"          # closed-loop clients when finding the maximum
MAX_SECONDS="${MAX_SECONDS:-30}"
STREAM_SHARE="${STREAM_SHARE:-0.5}"
CHUNKS="${CHUNKS:-20}"                    # content chunks per streamed answer, sent at once
work="$(mktemp -d "${TMPDIR:-/tmp}/ciyuan-soak.XXXXXX")"
# shellcheck source=bench/streams/common.sh
source "$repo/bench/streams/common.sh"
GATEWAY_PORT="${GATEWAY_PORT:-$(free_port)}"
UPSTREAM_PORT="${UPSTREAM_PORT:-$(free_port)}"
trap 'stop_all; rm -rf "$work"' EXIT

build_all
machine
echo "load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
start_upstream "$CHUNKS" 0
write_config 100000 100000000
start_gateway
url="http://127.0.0.1:$GATEWAY_PORT"

# The GC heap comes from the runtime's own counters (a NuGet tool, installed into the scratch folder).
counters_csv=""
if dotnet tool install dotnet-counters --version 10.0.750501 --tool-path "$work/tools" >/dev/null 2>&1; then
  counters_csv="$work/counters.csv"
  "$work/tools/dotnet-counters" collect -p "$gateway_pid" --refresh-interval 10 --format csv -o "$counters_csv" >/dev/null 2>&1 < /dev/null &
  background+=("$!")
else
  echo "dotnet-counters could not be installed: no GC heap column"
fi

echo
echo "== maximum throughput: $CONNECTIONS clients in a closed loop, ${MAX_SECONDS} s after a 10 s warm-up"
"${bench[@]}" rate --url "$url" --key "$key" --run warmup --connections "$CONNECTIONS" --rate 0 --seconds 10 --interval-seconds 10 \
  --stream-share "$STREAM_SHARE" >/dev/null || true
"${bench[@]}" rate --url "$url" --key "$key" --run max --connections "$CONNECTIONS" --rate 0 --seconds "$MAX_SECONDS" --interval-seconds 10 \
  --stream-share "$STREAM_SHARE" --watch "$gateway_pid" | tee "$work/max.txt" || true
max_rate="$(sed -n 's/^throughput: \([0-9]*\) req\/s/\1/p' "$work/max.txt")"
rate="${SOAK_RATE:-$(( max_rate / 2 ))}"
max_requests="$(sed -n 's/^requests: \([0-9]*\),.*/\1/p' "$work/max.txt")"

echo
echo "== soak: $rate req/s (half of $max_rate) for $SOAK_MINUTES min, ${STREAM_SHARE} of them streamed, a row every ${INTERVAL} s"
status=0
timeout $(( SOAK_MINUTES * 60 + 300 )) "${bench[@]}" rate --url "$url" --key "$key" --run soak --connections 512 --rate "$rate" \
  --seconds $(( SOAK_MINUTES * 60 )) --interval-seconds "$INTERVAL" --stream-share "$STREAM_SHARE" \
  --watch "$gateway_pid" ${counters_csv:+--counters "$counters_csv"} --csv "$work/soak.csv" | tee "$work/soak.txt" || status=$?
soak_requests="$(sed -n 's/^requests: \([0-9]*\),.*/\1/p' "$work/soak.txt")"
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
log_problems
if [ -n "${KEEP:-}" ]; then cp "$work/soak.csv" "$KEEP"; echo "rows kept in $KEEP"; fi
stop_gateway
python3 "$repo/bench/streams/ledger.py" "$work/data/ciyuan.db" max "${max_requests:-0}" || status=1
python3 "$repo/bench/streams/ledger.py" "$work/data/ciyuan.db" soak "${soak_requests:-0}" || status=1
echo "result: $([ "$status" = 0 ] && echo PASS || echo FAIL)"
exit "$status"
