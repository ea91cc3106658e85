#!/usr/bin/env bash
# bench/tail.sh: where the edge's latency tail comes from, against nginx's in the same run (issue 15).
#
# bench/run.sh's jwks and cached workloads (the edge's JWKS from memory vs nginx's static file; a 1 KiB page the
# origin marks cacheable, from the edge's origin cache vs nginx proxy_cache on tmpfs), with the same pinning (servers
# on SERVER_CPUS, the load generator and the origin nginx on CLIENT_CPUS) and the same 64 connections, but the load
# comes from bench/latrec.c, which records every request's end time and latency, and samples every thread of the
# server under test, and the server's CPU, from the scheduler's own accounting (schedstat) every 10 ms. The edge
# also logs every safepoint and GC pause with wall-clock times (-Xlog:gc,safepoint). bench/latency-timeline.py then
# sorts the slow requests by what overlapped them: a safepoint, another thread (or process) on the event loop's
# core, or nothing (queueing). nginx gets the same treatment, so its tail is explained with the same tools.
#
# Usage: bench/tail.sh                          (as root on Debian, with bench/run.sh's tools installed)
#   env: JAVA_OPTS (the edge's flags, as bench/run.sh's; -Xlog is added) JAVA=java JAR=target/paintbox-edge.jar
#        ONLY="jwks cached" ROUNDS=2 DURATION=10 WARMUP=10s CONNECTIONS=64 SERVER_CPUS=0 CLIENT_CPUS=1
#        EDGE_ENV="" (extra environment for the edge, e.g. EDGE_JWKS_FRESH_SECONDS=3600) LABEL="" OUT=bench/results
#        WRK_TOO=no (yes: after each latrec measurement, the same target through wrk, bench/run.sh's client)
# Prints, per workload and server, each round's percentiles and the attribution; raw records, samples and the
# JVM log stay in $OUT/raw/tail-<stamp>/.
set -euo pipefail
cd "$(dirname "$0")/.."

JAVA_OPTS=${JAVA_OPTS:--Xms256m -Xmx256m -XX:+AlwaysPreTouch}
JAVA=${JAVA:-java}
JAR=${JAR:-target/paintbox-edge.jar}
ONLY=${ONLY:-jwks cached}
ROUNDS=${ROUNDS:-2}
DURATION=${DURATION:-10}
WARMUP=${WARMUP:-10s}
CONNECTIONS=${CONNECTIONS:-64}
SERVER_CPUS=${SERVER_CPUS:-0}
CLIENT_CPUS=${CLIENT_CPUS:-1}
OUT=${OUT:-bench/results}
LABEL=${LABEL:-}
WRK_TOO=${WRK_TOO:-no}
read -r -a EDGE_ENV_ARR <<< "${EDGE_ENV:-}"
ORIGIN_PORT=18281; NGINX_PORT=18282; EDGE_PORT=18283; EDGE_ADMIN_PORT=18293
export PATH="$PATH:/usr/sbin"

say() { echo "tail: $*" >&2; }
STAMP=$(date +%Y%m%d-%H%M%S)
RAW="$OUT/raw/tail-$STAMP"
mkdir -p "$RAW"
WORK=$(mktemp -d /tmp/paintbox-tail.XXXXXX)
chmod 755 "$WORK"
SHM=$(mktemp -d /dev/shm/paintbox-tail.XXXXXX)
chmod 755 "$SHM"
EDGE_PID=""
cleanup() {
  set +e
  [ -n "$EDGE_PID" ] && kill "$EDGE_PID" 2>/dev/null && wait "$EDGE_PID" 2>/dev/null
  for conf in origin front; do [ -f "$WORK/$conf.pid" ] && kill "$(cat "$WORK/$conf.pid")" 2>/dev/null; done
  sleep 0.3
  rm -rf "$WORK" "$SHM"
}
trap cleanup EXIT

LATREC="$WORK/latrec"
cc -O2 -o "$LATREC" bench/latrec.c
[ -f "$JAR" ] || mvn -B -q package -DskipTests

nginx_start() { # name, cpu, http-block body
  cat > "$WORK/$1.conf" <<CONF
worker_processes 1;
worker_cpu_affinity auto;
pid $WORK/$1.pid;
error_log $WORK/$1.error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path $WORK/$1-body; proxy_temp_path $WORK/$1-proxy; fastcgi_temp_path $WORK/$1-fastcgi;
  uwsgi_temp_path $WORK/$1-uwsgi; scgi_temp_path $WORK/$1-scgi;
  keepalive_requests 1000000; sendfile on; tcp_nopush on;
  $3
}
CONF
  taskset -c "$2" nginx -p "$WORK" -c "$WORK/$1.conf"
}

# The origin: the cacheable 1 KiB page, as bench/run.sh serves it.
mkdir -p "$WORK/origin-www" "$WORK/static/.well-known"
head -c 768 /dev/urandom | base64 -w 0 | head -c 1024 > "$WORK/origin-www/page-1k-cached.html"
chmod -R a+rX "$WORK/origin-www"
nginx_start origin "$CLIENT_CPUS" "server { listen 127.0.0.1:$ORIGIN_PORT; root $WORK/origin-www; default_type text/html;
  location = /page-1k-cached.html { add_header Cache-Control \"public, max-age=3600\"; } }"

read -r -a FLAGS <<< "$JAVA_OPTS"
env "${EDGE_ENV_ARR[@]}" EDGE_PORT="$EDGE_PORT" EDGE_ADMIN_PORT="$EDGE_ADMIN_PORT" EDGE_BIND=127.0.0.1 EDGE_EVENT_LOOPS=1 \
  EDGE_ORIGIN_URL="http://127.0.0.1:$ORIGIN_PORT" EDGE_CACHE_ENABLED=true \
  taskset -c "$SERVER_CPUS" "$JAVA" "${FLAGS[@]}" -Xlog:gc,safepoint:file="$RAW/edge-gc.log":time,uptimenanos,level,tags \
  -jar "$JAR" --dev > "$RAW/edge.log" 2>&1 &
EDGE_PID=$!
for _ in $(seq 1 150); do
  curl -fs "http://127.0.0.1:$EDGE_PORT/_edge/ready" >/dev/null 2>&1 && break
  kill -0 "$EDGE_PID" 2>/dev/null || { cat "$RAW/edge.log" >&2; exit 1; }
  sleep 0.2
done

# nginx serves the edge's JWKS bytes with the edge's header set, and proxy_caches the page, as in bench/run.sh.
curl -fs -D "$WORK/jwks.headers" -o "$WORK/static/.well-known/jwks.json" "http://127.0.0.1:$EDGE_PORT/.well-known/jwks.json"
chmod -R a+rX "$WORK/static"
hdr() { awk -v n="$(echo "$2" | tr 'A-Z' 'a-z')" -F': ' 'tolower($1) == n { sub(/\r$/, "", $2); print $2; exit }' "$1"; }
JWKS_HEADERS=""
for name in Cache-Control CDN-Cache-Control Surrogate-Control Surrogate-Key Vary; do
  v=$(hdr "$WORK/jwks.headers" "$name"); [ -n "$v" ] && JWKS_HEADERS+="add_header $name \"$v\" always; "
done
nginx_start front "$SERVER_CPUS" "upstream origin { server 127.0.0.1:$ORIGIN_PORT; keepalive 128; }
  proxy_cache_path $SHM/nginx-cache levels=1:2 keys_zone=bench:10m max_size=64m inactive=1h use_temp_path=off;
  server { listen 127.0.0.1:$NGINX_PORT;
    location = /.well-known/jwks.json { root $WORK/static; types { } default_type \"$(hdr "$WORK/jwks.headers" content-type)\"; $JWKS_HEADERS }
    location = /page-1k-cached.html { proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection \"\";
      proxy_cache bench; proxy_cache_valid 200 10m; proxy_cache_lock on; add_header X-Cache-Status \$upstream_cache_status; } }"
sleep 0.3
NGINX_PID=$(pgrep -P "$(cat "$WORK/front.pid")" | head -1)

url_of() { # target workload
  local port=$EDGE_PORT; [ "$1" = nginx ] && port=$NGINX_PORT
  case "$2" in jwks) echo "http://127.0.0.1:$port/.well-known/jwks.json" ;; cached) echo "http://127.0.0.1:$port/page-1k-cached.html" ;; esac
}
pid_of() { [ "$1" = nginx ] && echo "$NGINX_PID" || echo "$EDGE_PID"; }

for w in $ONLY; do for t in edge nginx; do curl -fs -o /dev/null "$(url_of $t "$w")"; done; done
say "warming up each target for $WARMUP"
for w in $ONLY; do
  for t in edge nginx; do taskset -c "$CLIENT_CPUS" wrk -t1 -c"$CONNECTIONS" -d"$WARMUP" "$(url_of $t "$w")" >/dev/null; done
done

cpu0=${SERVER_CPUS%%[,-]*}
REPORT="$RAW/report.txt"
{
  echo "bench/tail.sh $STAMP ${LABEL:+($LABEL)}"
  echo "edge: $JAVA $JAVA_OPTS (+ -Xlog:gc,safepoint); ${EDGE_ENV:-}; $("$JAVA" -version 2>&1 | head -1)"
  echo "servers on CPU $SERVER_CPUS, latrec ($CONNECTIONS connections) and the origin on CPU $CLIENT_CPUS; load average before: $(cut -d' ' -f1-3 /proc/loadavg)"
} | tee "$REPORT"
# CPU time of the server's core (user + nice + system + irq + softirq, in ticks) from /proc/stat
core_busy() { awk -v c="cpu$cpu0" '$1 == c { print $2 + $3 + $4 + $7 + $8 }' /proc/stat; }
server_ticks() { awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$1/stat"; }
HZ=$(getconf CLK_TCK)
for r in $(seq 1 "$ROUNDS"); do
  for w in $ONLY; do
    order="edge nginx"; (( r % 2 == 0 )) && order="nginx edge"
    for t in $order; do
      base="$RAW/$w-$t-r$r"
      b0=$(core_busy); s0=$(server_ticks "$(pid_of $t)")
      taskset -c "$CLIENT_CPUS" "$LATREC" -c "$CONNECTIONS" -d "$DURATION" -o "$base.bin" \
        -p "$(pid_of $t)" -s "$base.sched" -C "$cpu0" "$(url_of $t "$w")" > "$base.summary"
      b1=$(core_busy); s1=$(server_ticks "$(pid_of $t)")
      echo "CPU $cpu0 busy $(( (b1 - b0) * 1000 / HZ )) ms, of which the server $(( (s1 - s0) * 1000 / HZ )) ms" >> "$base.summary"
      if [ "$WRK_TOO" = yes ]; then # the same target through bench/run.sh's client, right after
        taskset -c "$CLIENT_CPUS" wrk -t1 -c"$CONNECTIONS" -d"${DURATION}s" --latency "$(url_of $t "$w")" > "$base.wrk"
        echo "wrk right after: $(awk '/Requests\/sec/ { r = $2 } $1 ~ /^(50|90|99)%$/ { p = p " p" substr($1, 1, length($1) - 1) " " $2 } END { print r " req/s" p }' "$base.wrk")" >> "$base.summary"
      fi
    done
    # the edge's slow requests are those over 1.2 x nginx's p99 of this round: what makes it miss the goal
    goal=$(awk 'NR == 1 { for (i = 1; i < NF; i++) if ($i == "p99") printf "%.3f", 1.2 * $(i + 1) }' "$RAW/$w-nginx-r$r.summary")
    for t in edge nginx; do
      base="$RAW/$w-$t-r$r"
      {
        echo
        echo "== $w $t round $r: $(head -1 "$base.summary"); $(tail -n +2 "$base.summary" | tr '\n' ';')"
        if [ "$t" = edge ]; then
          python3 bench/latency-timeline.py "$base.bin" --samples "$base.sched" --jvmlog "$RAW/edge-gc.log" --threshold-ms "$goal"
        else
          python3 bench/latency-timeline.py "$base.bin" --samples "$base.sched"
        fi
      } | tee -a "$REPORT"
    done
  done
done
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)" | tee -a "$REPORT"
echo "written: $REPORT"
