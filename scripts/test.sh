#!/usr/bin/env bash
# Runs every test of Ciyuan on a fresh machine: installs PostgreSQL and Redis from Debian's packages
# when missing and starts them on loopback for the run, installs the coding-agent CLIs the
# compatibility tests drive (npm, into a cache outside the tree), then restores, builds and runs the
# whole solution.
# Prints a closing "N passed, N failed" line and exits non-zero on any failure.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v dotnet >/dev/null 2>&1; then
  echo "The .NET 10 SDK is required (dotnet on PATH)." >&2
  exit 1
fi

# shellcheck source=scripts/test-services.sh
source scripts/test-services.sh
results="$(mktemp -d "${TMPDIR:-/tmp}/ciyuan-test-results.XXXXXX")"
trap 'stop_test_services; rm -rf "$results"' EXIT
start_test_services

# The coding-agent CLIs of the client-compatibility tests, installed once (quietly) outside the tree.
# If that fails, the run goes on and those tests fail with npm's message rather than hiding the rest.
if CIYUAN_TEST_CLIENTS="$(bash scripts/install-test-clients.sh)"; then
  export CIYUAN_TEST_CLIENTS
else
  echo "warning: the test clients could not be installed; the client-compatibility tests will fail" >&2
fi
# Screenshots of every dashboard page, for a person to look at (not committed: TestResults/ is ignored).
export CIYUAN_TEST_SCREENSHOTS="$PWD/TestResults/screenshots"
rm -rf "$CIYUAN_TEST_SCREENSHOTS"

status=0
dotnet test Ciyuan.slnx --nologo --logger "trx" --logger "console;verbosity=minimal" --results-directory "$results" || status=$?

passed=0
failed=0
for trx in "$results"/*.trx; do
  [ -e "$trx" ] || continue
  counters=$(grep -o '<Counters [^>]*>' "$trx" | head -n 1)
  p=$(sed -n 's/.* passed="\([0-9]*\)".*/\1/p' <<<"$counters")
  f=$(sed -n 's/.* failed="\([0-9]*\)".*/\1/p' <<<"$counters")
  passed=$((passed + ${p:-0}))
  failed=$((failed + ${f:-0}))
done

if [ -d "$CIYUAN_TEST_SCREENSHOTS" ]; then
  echo "Dashboard screenshots: $CIYUAN_TEST_SCREENSHOTS"
fi
echo "$passed passed, $failed failed"
if [ "$status" -ne 0 ] || [ "$failed" -ne 0 ] || [ "$passed" -eq 0 ]; then
  exit 1
fi
