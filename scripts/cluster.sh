#!/usr/bin/env bash
# The production shape on one machine: N Ciyuan instances (3 by default) behind nginx, sharing one
# PostgreSQL (keys, ledger, budgets with leases) and one Redis (rate and concurrency limits).
# PostgreSQL, Redis and nginx come from Debian's packages (installed when missing); each runs on
# loopback ports of its own under a work directory, never the system's instances.
#
#   bash scripts/cluster.sh --config ciyuan.yaml             # serve on :8080 until Ctrl+C
#   bash scripts/cluster.sh --config ciyuan.yaml --port 9000 --instances 3
#   bash scripts/cluster.sh --config ciyuan.yaml --smoke     # start, check through nginx, stop
#
# The config names providers and models; its storage section is written by this script (do not put
# one in it). CIYUAN_MASTER_KEY, if set, enables the admin API on every instance. Stopping (Ctrl+C or
# SIGTERM) drains each instance — its budget slices go back to their lines — then stops the rest.
set -euo pipefail
repo="$(cd "$(dirname "$0")/.." && pwd)"
config=""
port=8080
instances=3
smoke=0
while [ $# -gt 0 ]; do
  case "$1" in
    --config) config="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --instances) instances="$2"; shift 2 ;;
    --smoke) smoke=1; shift ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
if [ -z "$config" ] || [ ! -f "$config" ]; then
  echo "usage: bash scripts/cluster.sh --config FILE [--port 8080] [--instances 3] [--smoke]" >&2
  exit 2
fi
if grep -q '^storage:' "$config"; then
  echo "$config has a storage section: this script writes its own (PostgreSQL and Redis it starts)" >&2
  exit 2
fi

# shellcheck source=scripts/test-services.sh
source "$repo/scripts/test-services.sh"
install_missing_packages
if ! command -v nginx >/dev/null 2>&1; then
  sudo=""
  [ "$(id -u)" -ne 0 ] && sudo="sudo -n"
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends nginx >/dev/null
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/ciyuan-cluster.XXXXXX")"
chmod 755 "$work"
services_dir="$work/services"
mkdir -p "$services_dir"
chmod 755 "$services_dir"
pids=()

stop_all() {
  trap - EXIT INT TERM
  # Instances first: each drains, writes what it owes and gives its budget slices back.
  for pid in "${pids[@]+"${pids[@]}"}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]+"${pids[@]}"}"; do wait "$pid" 2>/dev/null || true; done
  [ -f "$work/nginx/nginx.pid" ] && kill -QUIT "$(cat "$work/nginx/nginx.pid")" 2>/dev/null || true
  stop_test_services
  rm -rf "$work"
}
trap stop_all EXIT
trap 'exit 0' INT TERM

start_postgres
start_redis
as_postgres psql -X -q -h 127.0.0.1 -p "$POSTGRES_PORT" -U postgres -d postgres -c "CREATE DATABASE ciyuan;" >/dev/null
database="Host=127.0.0.1;Port=$POSTGRES_PORT;Username=postgres;Database=ciyuan"

dotnet publish "$repo/src/Ciyuan" -c Release -o "$work/app" --nologo -v quiet >/dev/null
{
  cat "$config"
  cat <<YAML

storage:
  postgres: "$database"
  redis: "127.0.0.1:$REDIS_PORT"
  redis_unavailable: fail_closed
  orphan_after_seconds: 30
YAML
} > "$work/ciyuan.yaml"

# One data directory for every instance on this host: a killed instance's outage journal is then
# written by a survivor once the database answers.
export CIYUAN_DATA_DIR="$work/data"
servers=""
for i in $(seq 1 "$instances"); do
  instance_port="$(free_port)"
  dotnet "$work/app/ciyuan.dll" serve --config "$work/ciyuan.yaml" --urls "http://127.0.0.1:$instance_port" \
    >"$work/instance-$i.log" 2>&1 &
  pids+=("$!")
  servers+="    server 127.0.0.1:$instance_port max_fails=1 fail_timeout=2s;"$'\n'
  for _ in $(seq 1 300); do
    curl -fsS "http://127.0.0.1:$instance_port/readyz" >/dev/null 2>&1 && break
    kill -0 "${pids[-1]}" 2>/dev/null || { echo "instance $i exited:" >&2; tail -n 20 "$work/instance-$i.log" >&2; exit 1; }
    sleep 0.2
  done
  echo "instance $i on 127.0.0.1:$instance_port (log: $work/instance-$i.log)" >&2
done

mkdir -p "$work/nginx"
user_line=""
[ "$(id -u)" -eq 0 ] && user_line="user root;"
cat > "$work/nginx/nginx.conf" <<NGINX
$user_line
worker_processes auto;
pid $work/nginx/nginx.pid;
error_log $work/nginx/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $work/nginx/body;
  proxy_temp_path $work/nginx/proxy;
  fastcgi_temp_path $work/nginx/fastcgi;
  uwsgi_temp_path $work/nginx/uwsgi;
  scgi_temp_path $work/nginx/scgi;
  client_max_body_size 32m;
  upstream ciyuan {
    least_conn;
$servers    keepalive 128;
  }
  server {
    listen 127.0.0.1:$port;
    location / {
      proxy_pass http://ciyuan;
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_set_header X-Forwarded-For \$remote_addr;
      # Streams go to the client as they come; long answers are not cut.
      proxy_buffering off;
      proxy_read_timeout 600s;
      # A POST that reached an instance is never sent to a second one (that could bill it twice):
      # only a request no instance accepted moves on, which is nginx's default for POST.
      proxy_next_upstream error timeout;
    }
  }
}
NGINX
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
echo "Ciyuan: $instances instances behind nginx on http://127.0.0.1:$port (PostgreSQL :$POSTGRES_PORT, Redis :$REDIS_PORT)" >&2

if [ "$smoke" -eq 1 ]; then
  for _ in $(seq 1 "$instances"); do
    curl -fsS "http://127.0.0.1:$port/readyz"
    echo
  done
  exit 0
fi
wait "${pids[0]}"
