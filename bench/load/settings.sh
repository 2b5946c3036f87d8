#!/usr/bin/env bash
# CPU per request of the gateway under different runtime settings (GC mode, tiered compilation),
# in one run: each variant is the same published build started with its own DOTNET_* variables,
# pinned to CPU 1 (wrk and the shared harness's upstream stub on CPU 0), warmed up, then measured
# non-streamed and streamed at 64 connections through the chat door. Rounds interleave the
# variants; medians are reported. Every variant meters into its own SQLite ledger.
#
#   RUNS=3 DURATION=8 bash bench/load/settings.sh
#   VARIANTS="default:|workstation:DOTNET_gcServer=0" bash bench/load/settings.sh
#
# A variant whose name starts with "r2r" runs the ReadyToRun build (precompiled for linux-x64, as
# the single file and the image are) instead of the plain one.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=bench/load/common.sh
source "$repo/bench/load/common.sh"
runs="${RUNS:-3}"; duration="${DURATION:-8}"; warmup="${WARMUP:-8}"; conns="${CONNS:-64}"
stub_port="${STUB_PORT:-18580}"; port="${CIYUAN_BENCH_PORT:-18590}"
variants="${VARIANTS:-default:|workstation:DOTNET_gcServer=0|workstation-concurrent:DOTNET_gcServer=0 DOTNET_gcConcurrent=1|no-pgo:DOTNET_TieredPGO=0|no-tiering:DOTNET_TieredCompilation=0}"
work="$(mktemp -d "${TMPDIR:-/tmp}/ciyuan-settings.XXXXXX")"
pids=()
cleanup() { for p in "${pids[@]+"${pids[@]}"}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

publish_gateway "$work/app"
if [[ "$variants" == *r2r* ]]; then
  dotnet publish "$repo/src/Ciyuan" -c Release -r linux-x64 --self-contained false -p:PublishReadyToRun=true -o "$work/app-r2r" --nologo -v quiet >/dev/null
fi
publish_stub "$work/stub"
write_stub_config "$work/ciyuan.yaml" "$stub_port"
taskset -c 0 dotnet "$work/stub/Stub.dll" --port "$stub_port" >"$work/stub.log" 2>&1 & pids+=($!)
hz="$(getconf CLK_TCK)"

IFS='|' read -r -a entries <<<"$variants"
for r in $(seq 1 "$runs"); do
  for entry in "${entries[@]}"; do
    name="${entry%%:*}"; vars="${entry#*:}"
    app="$work/app"; [[ "$name" == r2r* ]] && app="$work/app-r2r"
    data="$work/data-$name"
    key_file="$work/key-$name"
    [ -f "$key_file" ] || CIYUAN_DATA_DIR="$data" dotnet "$app/ciyuan.dll" keys create --config "$work/ciyuan.yaml" --name bench >"$key_file" 2>/dev/null
    # shellcheck disable=SC2086
    env CIYUAN_DATA_DIR="$data" $vars taskset -c 1 dotnet "$app/ciyuan.dll" serve --config "$work/ciyuan.yaml" \
      --urls "http://127.0.0.1:$port" >"$work/ciyuan-$name.log" 2>&1 & gateway=$!
    wait_ready "$port" || true
    for stream in 0 1; do
      load() { BENCH_DOOR=chat BENCH_STREAM="$stream" BENCH_KEY="$(cat "$key_file")" taskset -c 0 wrk -t1 -c"$conns" -d"$1s" --timeout 10s \
        -s "$repo/bench/load/wrk/door.lua" "http://127.0.0.1:$port" | grep '^BENCH '; }
      load "$warmup" >/dev/null
      before="$(awk '{print $14 + $15}' "/proc/$gateway/stat")"
      out="$(load "$duration")"
      after="$(awk '{print $14 + $15}' "/proc/$gateway/stat")"
      rss="$(awk '/VmRSS/ {print $2}' "/proc/$gateway/status")"
      echo "$out" | sed -E "s/BENCH requests=([0-9]+) status_errors=([0-9]+) other_errors=([0-9]+) p50_us=([0-9]+)/$name $stream \1 $((after - before)) \2 \3 \4 $rss/" >>"$work/rows"
    done
    kill "$gateway"; wait "$gateway" 2>/dev/null || true
  done
done

printf '%-24s %-6s %10s %12s %10s %8s %10s\n' variant stream req/s "cpu_us/req" "p50_ms" errors "rss_MiB"
for entry in "${entries[@]}"; do
  name="${entry%%:*}"
  for stream in 0 1; do
    awk -v v="$name" -v s="$stream" -v hz="$hz" -v dur="$duration" '
      $1 == v && $2 == s { n++; rps[n] = $3 / dur; cpu[n] = $4 / hz * 1e6 / $3; p50[n] = $7 / 1000; rss[n] = $8 / 1024; errs += $5 + $6 }
      function median(a, n,   i, j, t) { for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                          return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
      END { printf "%-24s %-6s %10.1f %12.1f %10.3f %8d %10.0f\n", v, (s ? "yes" : "no"), median(rps, n), median(cpu, n), median(p50, n), errs, median(rss, n) }' "$work/rows"
  done
done
