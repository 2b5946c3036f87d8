#!/usr/bin/env bash
# Installs the coding-agent CLIs that the client-compatibility tests run (Claude Code, Codex, Qwen Code), at
# the exact versions of tests/clients/package.json, into a cache directory outside the repository,
# and prints that directory. An install of the same versions is reused. Needs npm (Node.js 20 or later).
set -euo pipefail
cd "$(dirname "$0")/.."

manifest=tests/clients/package.json
if ! command -v npm >/dev/null 2>&1; then
  echo "npm (Node.js 20 or later) is required to install the clients the compatibility tests run." >&2
  exit 1
fi

root="${CIYUAN_TEST_CLIENTS_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/ciyuan/test-clients}"
dir="$root/$(sha256sum "$manifest" | cut -c1-16)"
mkdir -p "$root"

# Test classes may ask at the same time; one installs, the others wait and reuse it.
exec 9>"$root/.lock"
flock 9
if [ ! -f "$dir/.installed" ]; then
  rm -rf "$dir"
  mkdir -p "$dir"
  cp "$manifest" "$dir/package.json"
  if ! (cd "$dir" && npm install --no-audit --no-fund --no-update-notifier --loglevel=error >"$dir/npm.log" 2>&1); then
    echo "Installing the test clients failed; npm said:" >&2
    cat "$dir/npm.log" >&2
    exit 1
  fi
  touch "$dir/.installed"
fi

echo "$dir"
