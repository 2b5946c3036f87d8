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
