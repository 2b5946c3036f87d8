#!/usr/bin/env bash
# PostgreSQL and Redis for the test run, from Debian's packages: installed when missing, started
# on loopback ports of their own (never the system's 5432/6379 instances), stopped on exit. Chromium
# (for the dashboard's browser tests) is installed when missing too.
# Sourced by scripts/test.sh; exports CIYUAN_TEST_POSTGRES and CIYUAN_TEST_REDIS for the tests.

services_dir=""

install_missing_packages() {
  local missing=()
  command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
  compgen -G "/usr/lib/postgresql/*/bin/postgres" >/dev/null || missing+=(postgresql)
  [ -e /usr/share/zoneinfo/Asia/Shanghai ] || missing+=(tzdata)
  # The cluster tests put three instances behind nginx, as production does.
  command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  # The dashboard's browser tests drive Debian's Chromium; a CJK font makes the Chinese screenshots readable.
  [ -x /usr/bin/chromium ] || missing+=(chromium fonts-liberation fonts-wqy-microhei)
  [ ${#missing[@]} -eq 0 ] && return 0

  echo "Installing ${missing[*]} from the Debian packages..." >&2
  local sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo -n"
  $sudo apt-get update -qq >/dev/null
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

# A loopback port nothing answers on (a connect that fails means it is free).
free_port() {
  local port
  for _ in $(seq 1 100); do
    port=$(shuf -i 20000-60999 -n 1)
    if ! (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then
      echo "$port"
      return 0
    fi
  done
  echo "no free loopback port found" >&2
  return 1
}

# PostgreSQL refuses to run as root; the Debian package's "postgres" user runs it then.
as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

start_postgres() {
  local bin port attempt
  bin="$(dirname "$(compgen -G "/usr/lib/postgresql/*/bin/postgres" | sort -V | tail -n 1)")"
  mkdir -p "$services_dir/pg" "$services_dir/pgsock"
  [ "$(id -u)" -eq 0 ] && chown -R postgres:postgres "$services_dir/pg" "$services_dir/pgsock"
  as_postgres "$bin/initdb" -D "$services_dir/pg/data" -U postgres --auth=trust -E UTF8 >/dev/null
  # A port that looked free can be taken a moment later; try a few before giving up, and show why.
  for attempt in 1 2 3; do
    port="$(free_port)"
    if as_postgres "$bin/pg_ctl" -D "$services_dir/pg/data" -l "$services_dir/pg/log" -w -t 60 -o \
      "-p $port -k $services_dir/pgsock -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300" start >/dev/null; then
      export CIYUAN_TEST_POSTGRES="Host=127.0.0.1;Port=$port;Username=postgres;Database=postgres"
      POSTGRES_PORT="$port"
      POSTGRES_BIN="$bin"
      return 0
    fi
    echo "PostgreSQL did not start on port $port (attempt $attempt):" >&2
    tail -n 5 "$services_dir/pg/log" >&2 || true
  done
  return 1
}

start_redis() {
  local port attempt
  for attempt in 1 2 3; do
    port="$(free_port)"
    redis-server --port "$port" --bind 127.0.0.1 --save "" --appendonly no --daemonize yes \
      --pidfile "$services_dir/redis.pid" --logfile "$services_dir/redis.log" >/dev/null
    for _ in $(seq 1 50); do
      if redis-cli -p "$port" ping >/dev/null 2>&1; then
        export CIYUAN_TEST_REDIS="127.0.0.1:$port"
        REDIS_PORT="$port"
        return 0
      fi
      sleep 0.1
    done
    echo "Redis did not start on port $port (attempt $attempt):" >&2
    tail -n 5 "$services_dir/redis.log" >&2 || true
  done
  return 1
}

stop_test_services() {
  [ -n "$services_dir" ] || return 0
  if [ -n "${POSTGRES_BIN:-}" ]; then
    as_postgres "$POSTGRES_BIN/pg_ctl" -D "$services_dir/pg/data" -m immediate stop >/dev/null 2>&1 || true
  fi
  if [ -f "$services_dir/redis.pid" ]; then
    kill "$(cat "$services_dir/redis.pid")" 2>/dev/null || true
  fi
  rm -rf "$services_dir"
}

start_test_services() {
  install_missing_packages
  services_dir="$(mktemp -d "${TMPDIR:-/tmp}/ciyuan-services.XXXXXX")"
  chmod 755 "$services_dir"
  # If one cannot be started here, the tests' own fixtures start a private one from the same packages.
  start_postgres || { unset CIYUAN_TEST_POSTGRES; POSTGRES_PORT="(left to the tests)"; }
  start_redis || { unset CIYUAN_TEST_REDIS; REDIS_PORT="(left to the tests)"; }
  echo "Test services on loopback: PostgreSQL on port $POSTGRES_PORT, Redis on port $REDIS_PORT." >&2
}
