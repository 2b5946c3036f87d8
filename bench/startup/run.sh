#!/usr/bin/env bash
# Start-up time of `ciyuan serve`, from process start to the first 200 from /readyz, for each way of
# publishing Ciyuan. Builds every variant, then runs them interleaved (round after round, so a busy
# moment of a shared machine hits all of them alike) and prints min / median / max per variant.
#
#   bash bench/startup/run.sh                      # 15 rounds of fdd, fdd-r2r, single, single-r2r
#   ROUNDS=30 bash bench/startup/run.sh --aot      # also Native AOT (needs clang; a long build)
#
# Variants:
#   fdd         framework-dependent, as the .NET tool and the container image run (dotnet ciyuan.dll)
#   fdd-r2r     the same with Ciyuan's own assemblies precompiled (ReadyToRun)
#   single      self-contained single file for linux-x64
#   single-r2r  the same, ReadyToRun (runtime and app)
#   aot         Native AOT (only with --aot)
# Every start uses a fresh data directory, so the figure includes creating the SQLite ledger and
# running the migrations; a second start on the same directory is measured as "restart".
# The server is killed with SIGKILL once ready, so shutdown time is not part of the figure.
set -euo pipefail
repo="$(cd "$(dirname "$0")/../.." && pwd)"
rounds="${ROUNDS:-15}"
port="${CIYUAN_BENCH_PORT:-18190}"
variants=(fdd fdd-r2r single single-r2r)
[ "${1:-}" = "--aot" ] && variants+=(aot)
work="$(mktemp -d "${TMPDIR:-/tmp}/ciyuan-startup.XXXXXX")"
server=""
cleanup() {
  if [ -n "$server" ]; then kill -9 "$server" 2>/dev/null || true; fi
  rm -rf "$work"
}
trap cleanup EXIT

publish() { # NAME ARGS...
  local name="$1"; shift
  echo "publishing $name..." >&2
  dotnet publish "$repo/src/Ciyuan" -c Release --nologo -v quiet --artifacts-path "$work/build-$name" -o "$work/$name" "$@" >/dev/null
}
publish fdd
publish fdd-r2r -r linux-x64 --self-contained false -p:PublishReadyToRun=true
publish single -r linux-x64 --self-contained -p:PublishSingleFile=true -p:PublishReadyToRun=false
publish single-r2r -r linux-x64 --self-contained -p:PublishSingleFile=true -p:PublishReadyToRun=true
[[ " ${variants[*]} " == *" aot "* ]] && publish aot -r linux-x64 -p:PublishAot=true

command_of() { # VARIANT -> the command line that runs it
  case "$1" in
    fdd|fdd-r2r) echo "dotnet $work/$1/ciyuan.dll" ;;
    *) echo "$work/$1/ciyuan" ;;
  esac
}

# One HTTP GET /readyz over bash's /dev/tcp (no process per attempt): prints the status code.
readyz_status() {
  local status=""
  if exec 3<>"/dev/tcp/127.0.0.1/$port" 2>/dev/null; then
    printf 'GET /readyz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' >&3
    read -r -t 2 _ status _ <&3 || true
    exec 3>&- 3<&-
  fi
  echo "${status:-000}"
}

# Milliseconds from starting `serve` on DATA_DIR until /readyz says 200.
time_to_ready() { # VARIANT DATA_DIR
  local start end
  start=$(date +%s%N)
  # shellcheck disable=SC2046
  CIYUAN_DATA_DIR="$2" $(command_of "$1") serve --urls "http://127.0.0.1:$port" >/dev/null 2>&1 &
  server=$!
  until [ "$(readyz_status)" = "200" ]; do
    if ! kill -0 "$server" 2>/dev/null; then echo "$1 exited before it was ready" >&2; exit 1; fi
    sleep 0.002
  done
  end=$(date +%s%N)
  kill -9 "$server"; wait "$server" 2>/dev/null || true; server=""
  echo $(( (end - start) / 1000000 ))
}

declare -A fresh=() restart=()
cd "$work"
for variant in "${variants[@]}"; do time_to_ready "$variant" "$work/warmup-$variant" >/dev/null; done   # page cache
for round in $(seq 1 "$rounds"); do
  for variant in "${variants[@]}"; do
    data="$work/data-$variant-$round"
    fresh[$variant]+="$(time_to_ready "$variant" "$data") "
    restart[$variant]+="$(time_to_ready "$variant" "$data") "
    rm -rf "$data"
  done
  echo "round $round/$rounds done" >&2
done

stats() { # values... -> "min median max"
  sort -n | awk '{ v[NR] = $1 } END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2; printf "%d | %d | %d", v[1], m, v[NR] }'
}

echo
echo "time from process start to /readyz 200, ms ($rounds rounds, $(nproc) CPUs, $(dotnet --version) SDK)"
echo
echo "| variant | size (MB) | first start min | median | max | restart min | median | max |"
echo "|---|--:|--:|--:|--:|--:|--:|--:|"
for variant in "${variants[@]}"; do
  size=$(du -sm "$work/$variant" | cut -f1)
  printf '| %s | %s | %s | %s |\n' "$variant" "$size" \
    "$(tr ' ' '\n' <<<"${fresh[$variant]}" | grep . | stats)" \
    "$(tr ' ' '\n' <<<"${restart[$variant]}" | grep . | stats)"
done
