#!/usr/bin/env bash
# End-to-end load test: Ciyuan next to no proxy, nginx and bare YARP, in one run of the shared
# harness (../shared/bench/run-peers.sh, next to the repository). Ciyuan runs published (Release),
# with a real client key, metering and the SQLite ledger on, pinned to the proxy core.
#
#   bash bench/load/run.sh                 # full run (~20 min)
#   bash bench/load/run.sh --quick         # smoke run
#   bash bench/load/run.sh --peers "direct yarp" --tests "ns_c64 st_ttft"
#   bash bench/load/run.sh --baseline REV  # also runs the build of git revision REV, as target ciyuan-base
#   bash bench/load/run.sh --observed      # the cost of being observed: target ciyuan with metrics and traces
#                                          # off, ciyuan-observed with /metrics scraped every 5 s and traces
#                                          # sampled (SAMPLING, default 0.1) to an OTLP sink (otlp_sink.py)
# Extra arguments go to the harness.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=bench/load/common.sh
source "$repo/bench/load/common.sh"
harness="${HARNESS:-$repo/../shared/bench/run-peers.sh}"
port="${CIYUAN_BENCH_PORT:-18090}"
work="$(mktemp -d "${TMPDIR:-/tmp}/ciyuan-bench.XXXXXX")"
baseline=""
observed=0
passed=()
while [ $# -gt 0 ]; do
  case "$1" in
    --baseline) baseline="$2"; shift 2 ;;
    --observed) observed=1; shift ;;
    *) passed+=("$1"); shift ;;
  esac
done
set -- "${passed[@]+"${passed[@]}"}"
background=()
cleanup() {
  for pid in "${background[@]+"${background[@]}"}"; do kill "$pid" 2>/dev/null || true; done
  if [ -d "$work/base-src" ]; then git -C "$repo" worktree remove --force "$work/base-src" >/dev/null 2>&1 || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

publish_gateway "$work/app"

write_stub_config "$work/ciyuan.yaml" "${STUB_PORT:-18080}"

export CIYUAN_DATA_DIR="$work/data"
key="$(dotnet "$work/app/ciyuan.dll" keys create --config "$work/ciyuan.yaml" --name bench 2>/dev/null)"

args=(--target "ciyuan=$port"
      --target-cmd "ciyuan=dotnet $work/app/ciyuan.dll serve --config $work/ciyuan.yaml --urls http://127.0.0.1:$port"
      --target-header "ciyuan=x-api-key: $key")
if [ -n "$baseline" ]; then
  # The same load on an earlier build, in the same run: ratios between the two are what a change cost.
  git -C "$repo" worktree add --detach --quiet "$work/base-src" "$baseline"
  dotnet publish "$work/base-src/src/Ciyuan" -c Release -o "$work/base-app" --nologo -v quiet >/dev/null
  base_key="$(CIYUAN_DATA_DIR="$work/base-data" dotnet "$work/base-app/ciyuan.dll" keys create --config "$work/ciyuan.yaml" --name bench 2>/dev/null)"
  args+=(--target "ciyuan-base=$((port + 1))"
         --target-cmd "ciyuan-base=env CIYUAN_DATA_DIR=$work/base-data dotnet $work/base-app/ciyuan.dll serve --config $work/ciyuan.yaml --urls http://127.0.0.1:$((port + 1))"
         --target-header "ciyuan-base=x-api-key: $base_key")
fi
if [ "$observed" = 1 ]; then
  # Same build, same upstream, two configurations: nothing observed, and what an operator runs in
  # production (Prometheus scraping, a sampled share of requests traced to a collector).
  unset OTEL_EXPORTER_OTLP_ENDPOINT OTEL_EXPORTER_OTLP_PROTOCOL OTEL_SERVICE_NAME
  printf 'metrics: { enabled: false }\n' >> "$work/ciyuan.yaml"
  sink_port=$((port + 3))
  python3 "$repo/bench/load/otlp_sink.py" "$sink_port" &
  background+=("$!")
  observed_port=$((port + 2))
  { sed '/^metrics:/d' "$work/ciyuan.yaml"
    printf 'server: { metrics_token: bench-metrics-token }\n'
    printf 'telemetry: { endpoint: "http://127.0.0.1:%s", protocol: http/protobuf, sampling_ratio: %s }\n' "$sink_port" "${SAMPLING:-0.1}"
  } > "$work/observed.yaml"
  observed_key="$(CIYUAN_DATA_DIR="$work/observed-data" dotnet "$work/app/ciyuan.dll" keys create --config "$work/observed.yaml" --name bench 2>/dev/null)"
  args+=(--target "ciyuan-observed=$observed_port"
         --target-cmd "ciyuan-observed=env CIYUAN_DATA_DIR=$work/observed-data dotnet $work/app/ciyuan.dll serve --config $work/observed.yaml --urls http://127.0.0.1:$observed_port"
         --target-header "ciyuan-observed=x-api-key: $observed_key")
  # Prometheus' usual pull, a little more often than its 15 s default.
  ( while sleep 5; do curl -s -o /dev/null -H "Authorization: Bearer bench-metrics-token" "http://127.0.0.1:$observed_port/metrics" || true; done ) &
  background+=("$!")
fi
if [[ " $* " != *" --peers "* ]]; then
  args+=(--peers "direct nginx yarp")
fi
bash "$harness" "${args[@]}" "$@"
echo "ledger: $(dotnet "$work/app/ciyuan.dll" usage --config "$work/ciyuan.yaml" --csv | tail -n +2)"
if [ "$observed" = 1 ]; then
  echo "ledger (observed): $(CIYUAN_DATA_DIR="$work/observed-data" dotnet "$work/app/ciyuan.dll" usage --config "$work/observed.yaml" --csv | tail -n +2)"
  echo "OTLP sink: $(curl -s "http://127.0.0.1:$sink_port/count")"
fi
