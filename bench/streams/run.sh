#!/usr/bin/env bash
# Many open streams: STREAMS concurrent streaming chat completions through the gateway (Release, a
# key whose project has a budget line and limits, the SQLite ledger on), while the upstream drips
# one chunk every INTERVAL_MS for CHUNKS chunks. The client samples the gateway's resident memory,
# descriptors and threads every second; at the end the ledger must hold exactly one row per stream.
#
#   bash bench/streams/run.sh                             # 10,000 streams, 30 chunks a second apart
#   STREAMS=2000 CHUNKS=10 bash bench/streams/run.sh      # quicker
#   PROTOCOL=h1 STREAMS=9800 bash bench/streams/run.sh    # HTTP/1.1 on the client side too (see below)
#
# PROTOCOL=h2 (default): the clients reach the gateway over HTTP/2 without TLS (about 100 streams per
# connection, as behind a proxy that speaks HTTP/2 to it); the gateway still holds one HTTP/1.1
# connection per stream to the upstream. PROTOCOL=h1: one client connection per stream, so the
# gateway holds two sockets per stream and needs 2 x STREAMS descriptors plus ~250 of its own
# (where `ulimit -Hn` is 20,000, about 9,800 streams is the most that fits).
# Loopback only; the whole run is bounded by TIMEOUT seconds (default 600).
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
STREAMS="${STREAMS:-10000}"
CHUNKS="${CHUNKS:-30}"
INTERVAL_MS="${INTERVAL_MS:-1000}"
RAMP="${RAMP:-20}"
PROTOCOL="${PROTOCOL:-h2}"
TIMEOUT="${TIMEOUT:-600}"
work="$(mktemp -d "${TMPDIR:-/tmp}/ciyuan-streams.XXXXXX")"
# shellcheck source=bench/streams/common.sh
source "$repo/bench/streams/common.sh"
GATEWAY_PORT="${GATEWAY_PORT:-$(free_port)}"
UPSTREAM_PORT="${UPSTREAM_PORT:-$(free_port)}"
trap 'stop_all; rm -rf "$work"' EXIT

ulimit -n "$(ulimit -Hn)"
build_all
machine
echo "streams: $STREAMS, $CHUNKS chunks ${INTERVAL_MS} ms apart, opened over ${RAMP} s, client protocol $PROTOCOL"
start_upstream "$CHUNKS" "$INTERVAL_MS"
write_config $((STREAMS * 2)) 100000000
gateway_env=()
http2=false
if [ "$PROTOCOL" = h2 ]; then
  gateway_env=(Kestrel__EndpointDefaults__Protocols=Http2)
  http2=true
fi
start_gateway "${gateway_env[@]+"${gateway_env[@]}"}"
echo "gateway pid $gateway_pid: rss $(awk '/VmRSS/{print $2/1024 " MiB"}' "/proc/$gateway_pid/status"), $(ls "/proc/$gateway_pid/fd" | wc -l) descriptors at rest"

status=0
# Several source addresses: each gives the client its own range of ephemeral ports.
timeout "$TIMEOUT" "${bench[@]}" streams --url "http://127.0.0.1:$GATEWAY_PORT" --key "$key" --count "$STREAMS" \
  --ramp-seconds "$RAMP" --http2 "$http2" --sources 127.0.0.1,127.0.0.2,127.0.0.3,127.0.0.4 \
  --watch "$gateway_pid" --upstream "http://127.0.0.1:$UPSTREAM_PORT" --run open-streams --timeout-seconds "$TIMEOUT" || status=$?
echo "upstream: $(curl -s "http://127.0.0.1:$UPSTREAM_PORT/stats")"
echo "gateway rss after the streams ended: $(awk '/VmRSS/{print $2/1024 " MiB"}' "/proc/$gateway_pid/status"), $(ls "/proc/$gateway_pid/fd" | wc -l) descriptors"
log_problems
stop_gateway
python3 "$repo/bench/streams/ledger.py" "$work/data/ciyuan.db" open-streams "$STREAMS" || status=$?
echo "result: $([ "$status" = 0 ] && echo PASS || echo FAIL)"
exit "$status"
