#!/usr/bin/env bash
# A dashboard left open, as load: signs in, keeps CLIENTS event streams open (the live Overview,
# Requests and Deployments pages each hold one) and, once a second per client, asks for what those
# pages load (overview, latest requests, deployments) — until DURATION seconds have passed.
# Waits for the gateway to come up and signs in again if it restarts.
#
#   CIYUAN_MASTER_KEY=... bash bench/dashboard/poll.sh http://127.0.0.1:18090 [DURATION=600] [CLIENTS=1]
set -uo pipefail
base="${1:?base URL}"
duration="${2:-600}"
clients="${3:-1}"
jar="$(mktemp)"
pids=()
report() { echo "dashboard polls answered: $polls"; }
trap 'kill "${pids[@]}" 2>/dev/null; rm -f "$jar"; report' EXIT
end=$(( $(date +%s) + duration ))
polls=0
sign_in() { curl -s -o /dev/null -w '%{http_code}' -c "$jar" -H 'Content-Type: application/json' -d "{\"secret\":\"$CIYUAN_MASTER_KEY\"}" "$base/ui/api/session"; }
streams() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null; done
  pids=()
  for _ in $(seq "$clients"); do
    curl -s -N -b "$jar" -o /dev/null "$base/ui/api/events" &
    pids+=($!)
  done
}
while [ "$(date +%s)" -lt "$end" ]; do
  if [ "$(sign_in)" = 200 ]; then
    streams
    while [ "$(date +%s)" -lt "$end" ]; do
      for _ in $(seq "$clients"); do
        for route in overview "requests?limit=100" deployments; do
          curl -sf -b "$jar" -o /dev/null "$base/ui/api/$route" || break 3
          polls=$((polls + 1))
        done
      done
      sleep 1
    done
  fi
  sleep 1
done
