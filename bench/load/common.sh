#!/usr/bin/env bash
# Shared by the load scripts in this folder (sourced, not run): the gateway published in Release,
# the shared harness's upstream stub published beside it, and the one-deployment configuration
# that points the gateway at that stub. Each script keeps its own ports, load and measurements.

# publish_gateway DIR: the framework-dependent Release build into DIR.
publish_gateway() {
  dotnet publish "$repo/src/Ciyuan" -c Release -o "$1" --nologo -v quiet >/dev/null
}

# publish_stub DIR: the shared harness's OpenAI-compatible upstream stub (STUB overrides its project).
publish_stub() {
  dotnet publish "${STUB:-$repo/../shared/bench/stub/Stub.csproj}" -c Release -o "$1" --nologo -v quiet >/dev/null
}

# write_stub_config FILE STUB_PORT: gpt-4o-mini on the stub, priced so that every request is metered.
write_stub_config() {
  cat > "$1" <<YAML
providers:
  stub:
    kind: openai-compatible
    base_url: http://127.0.0.1:$2/v1
models:
  - name: gpt-4o-mini
    deployments:
      - provider: stub
        model: gpt-4o-mini
        price: { input: 0.15, output: 0.60, cache_hit: 0.075, currency: USD }
YAML
}

# wait_ready PORT: until the gateway's /readyz answers (at most 30 s).
wait_ready() {
  for _ in $(seq 1 150); do curl -fs "http://127.0.0.1:$1/readyz" >/dev/null 2>&1 && return 0; sleep 0.2; done
  return 1
}

# bench_workdir NAME: a fresh temporary directory in $work; on exit every process in $pids is
# killed and the directory removed.
bench_workdir() {
  work="$(mktemp -d "${TMPDIR:-/tmp}/ciyuan-$1.XXXXXX")"
  pids=()
  trap 'for p in "${pids[@]+"${pids[@]}"}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"' EXIT
}

# start_pinned_pair STUB_PORT PORT [VAR=value ...]: the gateway and the stub published into $work,
# the stub configuration, a client key in $key; the stub started on CPU 0 and the gateway on CPU 1
# (with the given environment; its pid in $gateway), both added to $pids; returns once the
# gateway is ready (or fails with its log).
start_pinned_pair() {
  local stub_port="$1" port="$2"; shift 2
  publish_gateway "$work/app"
  publish_stub "$work/stub"
  write_stub_config "$work/ciyuan.yaml" "$stub_port"
  export CIYUAN_DATA_DIR="$work/data"
  key="$(dotnet "$work/app/ciyuan.dll" keys create --config "$work/ciyuan.yaml" --name bench 2>/dev/null)"
  taskset -c 0 dotnet "$work/stub/Stub.dll" --port "$stub_port" >"$work/stub.log" 2>&1 & pids+=($!)
  env "$@" taskset -c 1 dotnet "$work/app/ciyuan.dll" serve --config "$work/ciyuan.yaml" --urls "http://127.0.0.1:$port" \
    >"$work/ciyuan.log" 2>&1 & gateway=$!; pids+=($gateway)
  wait_ready "$port" || { cat "$work/ciyuan.log"; return 1; }
}
