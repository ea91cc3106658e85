#!/usr/bin/env bash
# Pass-through overhead: a 1 KiB page through paintbox-edge vs through nginx proxy_pass, same origin, same run.
#
# Workload: GET of a 1 KiB static file served by an nginx origin on loopback. Two front proxies forward to that
# one origin over kept-alive upstream connections: paintbox-edge (java -jar target/paintbox-edge.jar --dev, one
# event loop per core, JWKS from the dev emulator) and nginx (proxy_pass, upstream keepalive, one worker per core).
# wrk drives each with the same settings, after a warm-up of each (JIT, pools, page cache), one after the other.
# Prints req/s and p99 for both and the edge/nginx ratios. Run from the repository root on an otherwise idle machine:
#   bench/passthrough.sh            # needs: java 17, nginx, wrk, curl; builds the jar if missing
# Knobs (environment): THREADS=2 CONNECTIONS=64 DURATION=20s WARMUP=10s ROUNDS=2 and the ports below. The table
# shows the mean over rounds; each round measures both fronts, in alternating order.
set -euo pipefail
cd "$(dirname "$0")/.."

THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-20s}
WARMUP=${WARMUP:-10s}
ROUNDS=${ROUNDS:-2}
ORIGIN_PORT=${ORIGIN_PORT:-18181}
NGINX_PORT=${NGINX_PORT:-18182}
EDGE_PORT=${EDGE_PORT:-18183}
EDGE_ADMIN_PORT=${EDGE_ADMIN_PORT:-18193}
CORES=$(nproc)

for tool in java nginx wrk curl; do
  command -v "$tool" >/dev/null || { echo "bench/passthrough.sh: $tool is required" >&2; exit 2; }
done
[ -f target/paintbox-edge.jar ] || mvn -B -q package -DskipTests

WORK=$(mktemp -d /tmp/paintbox-bench.XXXXXX)
chmod 755 "$WORK"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  for conf in origin proxy; do
    [ -f "$WORK/$conf.pid" ] && kill "$(cat "$WORK/$conf.pid")" 2>/dev/null || true
  done
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

# The 1 KiB page, and the two nginx instances: the origin, and the proxy in front of it.
mkdir -p "$WORK/www"
head -c 1024 /dev/zero | tr '\0' 'p' > "$WORK/www/page.html"
chmod -R a+rX "$WORK/www"
nginx_conf() { # name, worker count, server block
  cat > "$WORK/$1.conf" <<CONF
worker_processes $2;
pid $WORK/$1.pid;
error_log $WORK/$1.error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/$1-body;
  proxy_temp_path $WORK/$1-proxy;
  fastcgi_temp_path $WORK/$1-fastcgi;
  uwsgi_temp_path $WORK/$1-uwsgi;
  scgi_temp_path $WORK/$1-scgi;
  keepalive_requests 100000;
  $3
}
CONF
  nginx -p "$WORK" -c "$WORK/$1.conf"
}
nginx_conf origin "$CORES" "server { listen 127.0.0.1:$ORIGIN_PORT; root $WORK/www; }"
nginx_conf proxy "$CORES" "upstream origin { server 127.0.0.1:$ORIGIN_PORT; keepalive 128; }
  server { listen 127.0.0.1:$NGINX_PORT;
    location / { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection \"\";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-Host \$host; } }"

EDGE_PORT=$EDGE_PORT EDGE_ADMIN_PORT=$EDGE_ADMIN_PORT EDGE_BIND=127.0.0.1 \
  EDGE_ORIGIN_URL="http://127.0.0.1:$ORIGIN_PORT" \
  java -jar target/paintbox-edge.jar --dev > "$WORK/edge.log" 2>&1 &
PIDS+=($!)
for _ in $(seq 1 100); do
  curl -fs "http://127.0.0.1:$EDGE_PORT/_edge/ready" >/dev/null 2>&1 && break
  sleep 0.2
done

for port in "$EDGE_PORT" "$NGINX_PORT"; do
  bytes=$(curl -fs "http://127.0.0.1:$port/page.html" | wc -c)
  [ "$bytes" = 1024 ] || { echo "bench/passthrough.sh: port $port did not serve the 1 KiB page" >&2; exit 1; }
done

URL_EDGE="http://127.0.0.1:$EDGE_PORT/page.html"
URL_NGINX="http://127.0.0.1:$NGINX_PORT/page.html"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$URL_EDGE" >/dev/null
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$WARMUP" "$URL_NGINX" >/dev/null

# wrk --latency prints "99%  1.23ms"; normalise to milliseconds.
measure() { # url -> "req_per_s p99_ms non2xx"
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency "$1" | awk '
    /Requests\/sec:/ { rps = $2 }
    /Non-2xx/ { bad = $NF }
    $1 == "99%" { v = $2; unit = v; gsub(/[0-9.]/, "", unit); sub(/[a-z]+$/, "", v);
                  p99 = (unit == "us") ? v / 1000 : (unit == "s") ? v * 1000 : v }
    END { printf "%.0f %.2f %d\n", rps, p99, bad + 0 }'
}
# Rounds alternate the order (edge first, then nginx first) so neither side always runs on the hotter machine.
EDGE_RUNS=(); NGINX_RUNS=()
for round in $(seq 1 "$ROUNDS"); do
  if [ $((round % 2)) = 1 ]; then
    EDGE_RUNS+=("$(measure "$URL_EDGE")"); NGINX_RUNS+=("$(measure "$URL_NGINX")")
  else
    NGINX_RUNS+=("$(measure "$URL_NGINX")"); EDGE_RUNS+=("$(measure "$URL_EDGE")")
  fi
done
mean() { printf '%s\n' "$@" | awk -v f="$FIELD" '{ s += $f } END { printf (f == 2 ? "%.2f" : "%.0f"), s / NR }'; }
FIELD=1; EDGE_RPS=$(mean "${EDGE_RUNS[@]}"); NGINX_RPS=$(mean "${NGINX_RUNS[@]}")
FIELD=2; EDGE_P99=$(mean "${EDGE_RUNS[@]}"); NGINX_P99=$(mean "${NGINX_RUNS[@]}")
FIELD=3; EDGE_BAD=$(mean "${EDGE_RUNS[@]}"); NGINX_BAD=$(mean "${NGINX_RUNS[@]}")

echo "1 KiB page, wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency, $ROUNDS round(s), $CORES cores, $(date -u +%FT%TZ)"
printf "%-20s %10s %10s %8s   %s\n" "front proxy" "req/s" "p99 ms" "non-2xx" "per round (req/s p99 non-2xx)"
printf "%-20s %10s %10s %8s   %s\n" "paintbox-edge" "$EDGE_RPS" "$EDGE_P99" "$EDGE_BAD" "$(IFS='|'; echo "${EDGE_RUNS[*]}")"
printf "%-20s %10s %10s %8s   %s\n" "nginx proxy_pass" "$NGINX_RPS" "$NGINX_P99" "$NGINX_BAD" "$(IFS='|'; echo "${NGINX_RUNS[*]}")"
awk -v er="$EDGE_RPS" -v nr="$NGINX_RPS" -v ep="$EDGE_P99" -v np="$NGINX_P99" \
  'BEGIN { printf "edge/nginx: req/s %.2f, p99 %.2f\n", er / nr, ep / np }'
