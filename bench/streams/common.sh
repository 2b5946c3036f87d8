# Shared by bench/streams/run.sh and bench/soak/run.sh: builds the gateway (Release) and the bench
# tools, writes a config whose key belongs to a project with a budget line and limits (so every
# request is held, checked and metered into the SQLite ledger), starts the gateway and waits for it.
# Expects: repo, work, GATEWAY_PORT and UPSTREAM_PORT (free ports unless set). Every process started here is stopped by PID.

background=()

# A port nobody listens on now (other benchmarks may be running on the same machine).
free_port() {
  python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()'
}
stop_all() {
  for pid in "${background[@]+"${background[@]}"}"; do kill "$pid" 2>/dev/null || true; done
  for pid in "${background[@]+"${background[@]}"}"; do wait "$pid" 2>/dev/null || true; done
  background=()
}

build_all() {
  if [ -n "${CIYUAN_APP:-}" ]; then
    app="$CIYUAN_APP"            # an already published gateway (while iterating on the harness)
  else
    app="$work/app"
    echo "publishing the gateway (Release)..."
    dotnet publish "$repo/src/Ciyuan" -c Release -o "$app" --nologo -v quiet >/dev/null
  fi
  echo "building the bench tools..."
  dotnet build "$repo/bench/Ciyuan.StreamBench" -c Release -o "$work/bench" --nologo -v quiet >/dev/null
  bench=(dotnet "$work/bench/Ciyuan.StreamBench.dll")
}

start_upstream() {  # chunks interval_ms
  "${bench[@]}" upstream --port "$UPSTREAM_PORT" --chunks "$1" --interval-ms "$2" > "$work/upstream.log" 2>&1 &
  background+=("$!")
  wait_for "http://127.0.0.1:$UPSTREAM_PORT/healthz"
}

write_config() {  # max_concurrency rpm
  cat > "$work/ciyuan.yaml" <<YAML
providers:
  drip:
    kind: openai-compatible
    base_url: http://127.0.0.1:$UPSTREAM_PORT/v1
models:
  - name: gpt-4o-mini
    deployments:
      - provider: drip
        model: gpt-4o-mini
        price: { input: 0.15, output: 0.60, cache_hit: 0.075, currency: USD }
budgets:
  limits:
    - project: bench
      usd: 1000000
projects:
  bench: { rpm: $2, tpm: 4000000000, max_concurrency: $1 }
YAML
  export CIYUAN_DATA_DIR="$work/data"
  key="$(dotnet "$app/ciyuan.dll" keys create --config "$work/ciyuan.yaml" --name bench --project bench --budget-usd 1000000)"
}

start_gateway() {  # extra environment assignments, e.g. Kestrel__EndpointDefaults__Protocols=Http2
  env "$@" dotnet "$app/ciyuan.dll" serve --config "$work/ciyuan.yaml" --urls "http://127.0.0.1:$GATEWAY_PORT" > "$work/gateway.log" 2>&1 &
  gateway_pid=$!
  background+=("$gateway_pid")
  local probe=(curl -fsS -o /dev/null)
  if [[ " $* " == *"Protocols=Http2"* ]]; then probe+=(--http2-prior-knowledge); fi
  for _ in $(seq 1 100); do
    if "${probe[@]}" "http://127.0.0.1:$GATEWAY_PORT/readyz" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "the gateway did not become ready:" >&2; cat "$work/gateway.log" >&2; return 1
}

# SIGTERM drains: streams finish, the ledger queue is written, the process exits.
stop_gateway() {
  kill -TERM "$gateway_pid" 2>/dev/null || true
  wait "$gateway_pid" 2>/dev/null || true
}

wait_for() {
  for _ in $(seq 1 100); do
    if curl -fsS -o /dev/null "$1" 2>/dev/null; then return 0; fi
    sleep 0.2
  done
  echo "not ready: $1" >&2; return 1
}

# Warnings and errors the gateway logged (besides the one about running without a master key).
log_problems() {
  local problems
  problems="$(grep -E ' (warn|fail|crit):' "$work/gateway.log" | grep -v CIYUAN_MASTER_KEY | sed -E 's/^[^ ]+ //' | sort | uniq -c | sort -rn | head -20 || true)"
  echo "gateway log, warnings and errors: ${problems:-none}"
}

machine() {
  echo "machine: $(nproc) vCPU ($(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)), $(free -g | awk '/Mem:/{print $2}') GiB RAM, $(. /etc/os-release; echo "$PRETTY_NAME"), .NET $(dotnet --version), open files per process: $(ulimit -n)"
  echo "date: $(date -u +%Y-%m-%dT%H:%MZ), commit: $(git -C "$repo" rev-parse --short HEAD)$(git -C "$repo" diff --quiet HEAD || echo '+changes')"
}
