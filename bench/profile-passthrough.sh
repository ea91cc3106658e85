#!/usr/bin/env bash
# Profiles one pass-through workload on the event loop with async-profiler (from Maven Central), the way the
# pass-through figures in bench/results/*-passthrough-profile.md were taken: an nginx origin serving 1 KiB on
# 127.0.0.1:18581, the edge on CPU 0 with one event loop, wrk on CPU 1, 15 s sampled at 500 us, then 10 s more
# for CPU per request from /proc. Summarise the result with bench/profile-summary.py.
#
#   bench/profile-passthrough.sh <name> [path] [header] [VAR=value ...]
#   bench/profile-passthrough.sh pass1k /page-1k.html
#   bench/profile-passthrough.sh pass100k /page-100k.html
#   bench/profile-passthrough.sh hit1k /cached.html "" && python3 bench/profile-summary.py target/profile/hit1k.collapsed
set -euo pipefail
cd "$(dirname "$0")/.."
name=${1:?name}; path=${2:-/page-1k.html}; hdr=${3:-}; shift $(( $# < 3 ? $# : 3 ))
out=target/profile; mkdir -p "$out/www"
command -v wrk nginx >/dev/null || { echo "needs wrk and nginx (apt-get install wrk nginx)" >&2; exit 1; }

ap_version=4.2
ap_jar=~/.m2/repository/tools/profiler/async-profiler/$ap_version/async-profiler-$ap_version.jar
[ -f "$ap_jar" ] || mvn -q -B dependency:get -Dartifact=tools.profiler:async-profiler:$ap_version
unzip -q -o "$ap_jar" 'linux-x64/*' -d "$out/ap"
agent=$(find "$out/ap/linux-x64" -name libasyncProfiler.so | head -1)
[ -f target/paintbox-edge.jar ] || mvn -q -B -DskipTests package

head -c 1024 /dev/urandom | base64 -w0 | head -c 1024 > "$out/www/page-1k.html"
head -c 102400 /dev/urandom | base64 -w0 | head -c 102400 > "$out/www/page-100k.html"
cat > "$out/nginx.conf" <<EOF
worker_processes 1;
pid $PWD/$out/nginx.pid;
error_log $PWD/$out/nginx-error.log;
events { worker_connections 4096; }
http {
  access_log off;
  server { listen 127.0.0.1:18581; root $PWD/$out/www; default_type text/html;
    location = /cached.html { add_header Cache-Control "public, max-age=3600"; alias $PWD/$out/www/page-1k.html; }
  }
}
EOF
taskset -c 1 nginx -c "$PWD/$out/nginx.conf"
trap 'kill "$(cat "$out/nginx.pid")" 2>/dev/null || true' EXIT

env "$@" EDGE_ORIGIN_URL=http://127.0.0.1:18581 EDGE_PORT=18583 EDGE_ADMIN_PORT=18593 EDGE_EVENT_LOOPS=1 \
  EDGE_BIND=127.0.0.1 taskset -c 0 java \
  -agentpath:"$PWD/$agent"=start,event=${EVENT:-cpu},interval=500us,file="$PWD/$out/$name.collapsed",collapsed,threads \
  -Xms256m -Xmx256m -XX:+UseSerialGC -jar target/paintbox-edge.jar --dev > "$out/$name.log" 2>&1 &
pid=$!
for _ in $(seq 1 60); do curl -s -o /dev/null http://127.0.0.1:18583/_edge/ready && break; sleep 0.5; done
args=(-t1 -c64)
[ -n "$hdr" ] && args+=(-H "$hdr")
taskset -c 1 wrk "${args[@]}" -d10s "http://127.0.0.1:18583$path" > /dev/null
taskset -c 1 wrk "${args[@]}" -d15s --latency "http://127.0.0.1:18583$path" > "$out/$name.wrk"
t0=$(awk '{print $14+$15}' /proc/$pid/stat)
taskset -c 1 wrk "${args[@]}" -d10s "http://127.0.0.1:18583$path" > "$out/$name.cpu.wrk"
t1=$(awk '{print $14+$15}' /proc/$pid/stat)
req=$(awk '/Requests\/sec/ {print $2}' "$out/$name.cpu.wrk")
echo "$name: $(grep Requests/sec "$out/$name.wrk"); CPU us/req $(echo "($t1-$t0)*10000/($req*10)" | bc -l | cut -c1-6)"
kill $pid; wait $pid 2>/dev/null || true
echo "profile: $out/$name.collapsed"
