#!/usr/bin/env bash
# Times every dashboard data route of a running gateway: signs in with the master key, asks each
# route once to warm up, then REPEAT times, and prints the median and the slowest in milliseconds.
#
#   CIYUAN_MASTER_KEY=... bash bench/dashboard/time-pages.sh http://127.0.0.1:4000 [REPEAT=9]
set -euo pipefail
base="${1:?base URL}"
repeat="${2:-9}"
jar="$(mktemp)"
trap 'rm -f "$jar"' EXIT
curl -sf -c "$jar" -H 'Content-Type: application/json' -d "{\"secret\":\"$CIYUAN_MASTER_KEY\"}" "$base/ui/api/session" >/dev/null

routes=(overview "share?window=24h&by=model" "share?window=30d&by=family" "elsewhere?window=month&models=deepseek/deepseek-v4-flash"
        "requests?limit=100" runs "runs/run-7" deployments catalog "admin/usage?by=key" "admin/usage?by=day" admin/budgets admin/keys)
printf '%-45s %10s %10s %10s\n' route bytes median_ms max_ms
for route in "${routes[@]}"; do
  curl -sf -b "$jar" -o /dev/null "$base/ui/api/$route"
  times=()
  for _ in $(seq "$repeat"); do
    times+=("$(curl -sf -b "$jar" -o /dev/null -w '%{time_total}' "$base/ui/api/$route")")
  done
  bytes=$(curl -sf -b "$jar" "$base/ui/api/$route" | wc -c)
  sorted=($(printf '%s\n' "${times[@]}" | sort -n))
  median=${sorted[$(( ${#sorted[@]} / 2 ))]}
  max=${sorted[-1]}
  printf '%-45s %10s %10s %10s\n' "$route" "$bytes" "$(awk "BEGIN { printf \"%.1f\", $median * 1000 }")" "$(awk "BEGIN { printf \"%.1f\", $max * 1000 }")"
done
