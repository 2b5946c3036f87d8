#!/usr/bin/env bash
# CPU per request of each door on the same upstream, in one run: chat completions, the Responses
# door translated to that chat upstream (store: false, as Codex CLI sends it), and stored Responses.
# Ciyuan (published, Release, SQLite ledger, a real client key) is pinned to CPU 1, wrk and the
# upstream stub of the shared harness (../shared/bench/stub, next to the repository) to CPU 0;
# rounds are interleaved across doors and the median per door is reported.
#
#   RUNS=3 DURATION=10 WARMUP=15 bash bench/load/doors.sh
#   DOORS="chat responses" STREAMS=1 bash bench/load/doors.sh   # some doors, streamed only
# WARMUP (seconds per door and mode) lets tiered compilation reach every door's code before a
# measured round: under load on one core it takes 30-45 s of traffic to reach optimised code.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=bench/load/common.sh
source "$repo/bench/load/common.sh"
runs="${RUNS:-3}"; duration="${DURATION:-10}"; conns="${CONNS:-64}"; warmup="${WARMUP:-15}"
stub_port="${STUB_PORT:-18180}"; port="${CIYUAN_BENCH_PORT:-18190}"
bench_workdir doors

start_pinned_pair "$stub_port" "$port"

ticks() { awk '{print $14 + $15}' "/proc/$gateway/stat"; }
hz="$(getconf CLK_TCK)"
one() { # door stream seconds -> "requests cpu_ticks status_errors other_errors p50_us"
  local before after out
  before="$(ticks)"
  out="$(BENCH_DOOR="$1" BENCH_STREAM="$2" BENCH_KEY="$key" taskset -c 0 wrk -t1 -c"$conns" -d"$3s" --timeout 10s -s "$repo/bench/load/wrk/door.lua" "http://127.0.0.1:$port" | grep '^BENCH ')"
  after="$(ticks)"
  echo "$out" | sed -E 's/BENCH requests=([0-9]+) status_errors=([0-9]+) other_errors=([0-9]+) p50_us=([0-9]+)/\1 '"$((after - before))"' \2 \3 \4/'
}

read -r -a doors <<<"${DOORS:-chat responses stored}"
streams="${STREAMS:-0 1}"
for stream in $streams; do
  for door in "${doors[@]}"; do one "$door" "$stream" "$warmup" >/dev/null; done   # warm-up: every door's code tiered up
  for r in $(seq 1 "$runs"); do
    for door in "${doors[@]}"; do
      read -r n t se oe p50 <<<"$(one "$door" "$stream" "$duration")"
      echo "$door $stream $r $n $t $se $oe $p50" >>"$work/rows"
    done
  done
done

printf '%-10s %-6s %10s %12s %10s %8s %8s\n' door stream req/s "cpu_us/req" "p50_ms" errors "x chat"
for stream in $streams; do
  chat_cpu=""
  for door in "${doors[@]}"; do
    read -r rps cpu p50 errs < <(awk -v d="$door" -v s="$stream" -v hz="$hz" -v dur="$duration" '
      $1 == d && $2 == s { n++; rps[n] = $4 / dur; cpu[n] = $5 / hz * 1e6 / $4; p50[n] = $8 / 1000; errs += $6 + $7 }
      function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                          return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
      END { printf "%.1f %.1f %.3f %d\n", median(rps, n), median(cpu, n), median(p50, n), errs }' "$work/rows")
    [ "$door" = chat ] && chat_cpu="$cpu"
    printf '%-10s %-6s %10s %12s %10s %8s %8s\n' "$door" "$([ "$stream" = 1 ] && echo yes || echo no)" "$rps" "$cpu" "$p50" "$errs" \
      "$(awk -v a="$cpu" -v b="$chat_cpu" 'BEGIN { printf "%.2f", a / b }')"
  done
done
