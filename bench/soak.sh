#!/usr/bin/env bash
# Load, soak and refresh storm of issue 7: bounded, loopback only, not part of `mvn verify`.
#
#   storm  the refresh storm: one edge in a JVM with the Secrets Manager emulator, whose per-stage call counters it
#          reads (com.paintbox.edge.bench.RefreshStorm in src/test): 20 rounds of 1,000 concurrent JWKS requests
#          racing 4 admin refreshes, refresh-ahead timers and expiry (fresh 2 s, 100 ms per AWS call). Passes when
#          every refresh cost exactly one GetSecretValue per stage and every request got a 200.
#   load   1,000 concurrent connections for 60 s, wrk alternating /.well-known/jwks.json and a 1 KiB page passed
#          through to an nginx origin on loopback. Passes with zero socket errors, timeouts and non-2xx.
#   soak   10 minutes at 100 connections of the same mix; RSS (/proc/PID/status) and heap (the admin port's
#          jvm_memory_used_bytes{area="heap"}) sampled every 10 s. Passes when the mean of the last minute is within
#          10% of the mean of minutes 2-3 (after warm-up), for both.
#
# The edge under load/soak is the real jar, `java -jar target/paintbox-edge.jar --dev` (JWKS from the dev emulator,
# origin nginx), with production's JVM flags (deploy/jvm.flags) on a JVM told it has 256 MB, like the Fly machine.
# Each phase prints its figures and writes them to bench/results/: a dated report, and
# latest-<phase>.properties, which bench/reliability-report.sh puts into docs/reliability.md.
#
# Run from the repository root:   bench/soak.sh [storm|load|soak|all]      (default: all, about 13 minutes)
# Needs: java 17, maven, nginx, wrk, curl (apt-get install nginx wrk curl). Knobs: LOAD_SECONDS=60
# LOAD_CONNECTIONS=1000 SOAK_SECONDS=600 SOAK_CONNECTIONS=100 SAMPLE_SECONDS=10 STORM_ROUNDS=20 JAVA_OPTS=...
set -euo pipefail
cd "$(dirname "$0")/.."

PHASES=${1:-all}
LOAD_SECONDS=${LOAD_SECONDS:-60}
LOAD_CONNECTIONS=${LOAD_CONNECTIONS:-1000}
SOAK_SECONDS=${SOAK_SECONDS:-600}
SOAK_CONNECTIONS=${SOAK_CONNECTIONS:-100}
SAMPLE_SECONDS=${SAMPLE_SECONDS:-10}
STORM_ROUNDS=${STORM_ROUNDS:-20}
THREADS=${THREADS:-2}
ORIGIN_PORT=${ORIGIN_PORT:-18281}
EDGE_PORT=${EDGE_PORT:-18283}
EDGE_ADMIN_PORT=${EDGE_ADMIN_PORT:-18293}
# Production's flags (deploy/jvm.flags), minus any this JVM rejects (as deploy/jlink-runtime.sh drops them), on a
# JVM told it has the 256 MB of a Fly shared-cpu-1x machine, so the RAM percentages size the heap as there.
production_flags() {
  local flags=(-XX:MaxRAM=256m) flag
  while read -r flag; do
    case "$flag" in ''|'#'*) continue ;; esac
    java "$flag" -version >/dev/null 2>&1 && flags+=("$flag")
  done < deploy/jvm.flags
  echo "${flags[*]}"
}
if [ -z "${JAVA_OPTS:-}" ]; then
  if [ -f deploy/jvm.flags ]; then
    JAVA_OPTS=$(production_flags)
  else # the same shape, by hand: ~100 MB heap, 64 MB direct buffers, Serial GC, C1 only
    JAVA_OPTS="-Xmx100m -Xms26m -XX:MaxDirectMemorySize=64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1 -XX:+ExitOnOutOfMemoryError"
  fi
fi
RESULTS=bench/results
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
REPORT=$RESULTS/soak-$STAMP.txt

case "$PHASES" in storm|load|soak|all) ;; *) echo "usage: bench/soak.sh [storm|load|soak|all]" >&2; exit 2 ;; esac
for tool in java mvn nginx wrk curl; do
  command -v "$tool" >/dev/null || { echo "bench/soak.sh: $tool is required (apt-get install nginx wrk curl)" >&2; exit 2; }
done
# 1,000 client sockets, as many on the edge's side and its origin connections, in one machine.
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
mkdir -p "$RESULTS"

WORK=$(mktemp -d /tmp/paintbox-soak.XXXXXX)
chmod 755 "$WORK"
EDGE_PID=
cleanup() {
  [ -n "$EDGE_PID" ] && kill "$EDGE_PID" 2>/dev/null || true
  [ -f "$WORK/origin.pid" ] && kill "$(cat "$WORK/origin.pid")" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$WORK"
}
trap cleanup EXIT

say() { echo "$*" | tee -a "$REPORT"; }
{
  echo "# bench/soak.sh $PHASES, $STAMP"
  echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ { print $2 }') GiB, $(uname -r); $(java -version 2>&1 | head -1)"
  echo "commit: $(git rev-parse --short HEAD)$(git diff --quiet || echo ' (+ uncommitted changes)')"
  echo "JAVA_OPTS: $JAVA_OPTS"
} > "$REPORT"
cat "$REPORT"

mvn -B -q package -DskipTests
mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-cp.txt -Dmdep.includeScope=test

# ---- storm ---------------------------------------------------------------------------------------------------
if [ "$PHASES" = storm ] || [ "$PHASES" = all ]; then
  say ""
  say "## storm: $STORM_ROUNDS rounds x 1,000 concurrent JWKS requests racing admin refreshes, refresh-ahead and expiry"
  STORM_CMD="java -DEDGE_LOG_LEVEL=WARN -Drounds=$STORM_ROUNDS -Drequests=1000 -cp target/classes:target/test-classes:\$(cat target/test-cp.txt) com.paintbox.edge.bench.RefreshStorm"
  say "command: $STORM_CMD"
  set +e
  java -DEDGE_LOG_LEVEL=WARN -Drounds="$STORM_ROUNDS" -Drequests=1000 \
    -cp "target/classes:target/test-classes:$(cat target/test-cp.txt)" com.paintbox.edge.bench.RefreshStorm \
    2>"$WORK/storm.err" | grep '^storm\.' > "$WORK/storm.properties"
  STORM_RC=${PIPESTATUS[0]}
  set -e
  { cat "$WORK/storm.properties"; echo "storm.command=$STORM_CMD"; echo "storm.pass=$([ "$STORM_RC" = 0 ] && echo true || echo false)";
    echo "storm.date=$STAMP"; } > "$RESULTS/latest-storm.properties"
  tee -a "$REPORT" < "$RESULTS/latest-storm.properties"
fi

[ "$PHASES" = storm ] && exit 0

# ---- the edge and its origin, for load and soak ----------------------------------------------------------------
mkdir -p "$WORK/www"
head -c 1024 /dev/zero | tr '\0' 'p' > "$WORK/www/page.html"
chmod -R a+rX "$WORK/www"
cat > "$WORK/origin.conf" <<CONF
worker_processes 1;
pid $WORK/origin.pid;
error_log $WORK/origin.error.log warn;
worker_rlimit_nofile 65536;
events { worker_connections 16384; }
http {
  access_log off;
  client_body_temp_path $WORK/body; proxy_temp_path $WORK/proxy; fastcgi_temp_path $WORK/fastcgi;
  uwsgi_temp_path $WORK/uwsgi; scgi_temp_path $WORK/scgi;
  keepalive_requests 1000000;
  server { listen 127.0.0.1:$ORIGIN_PORT backlog=4096; root $WORK/www; }
}
CONF
nginx -p "$WORK" -c "$WORK/origin.conf"

# shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
EDGE_PORT=$EDGE_PORT EDGE_ADMIN_PORT=$EDGE_ADMIN_PORT EDGE_BIND=127.0.0.1 EDGE_ORIGIN_URL="http://127.0.0.1:$ORIGIN_PORT" \
  java $JAVA_OPTS -jar target/paintbox-edge.jar --dev > "$WORK/edge.log" 2>&1 &
EDGE_PID=$!
for _ in $(seq 1 150); do
  curl -fs "http://127.0.0.1:$EDGE_PORT/_edge/ready" >/dev/null 2>&1 && break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$EDGE_PORT/.well-known/jwks.json" | grep -q '"keys"' \
  || { echo "bench/soak.sh: the edge did not serve the JWKS" >&2; tail -20 "$WORK/edge.log" >&2; exit 1; }
[ "$(curl -fs "http://127.0.0.1:$EDGE_PORT/page.html" | wc -c)" = 1024 ] \
  || { echo "bench/soak.sh: the edge did not pass the 1 KiB page through" >&2; exit 1; }

cat > "$WORK/mix.lua" <<'LUA'
-- Alternates the JWKS (served from the edge's memory) and a 1 KiB page (passed through to the origin).
local paths = { "/.well-known/jwks.json", "/page.html" }
local n = 0
request = function()
  n = n + 1
  return wrk.format("GET", paths[n % 2 + 1])
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("requests=%d\nduration_s=%.1f\nreq_per_s=%.0f\nerrors_connect=%d\nerrors_read=%d\n" ..
    "errors_write=%d\nerrors_timeout=%d\nnon_2xx_3xx=%d\nlatency_p50_ms=%.2f\nlatency_p99_ms=%.2f\nlatency_max_ms=%.2f\n",
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6), e.connect, e.read,
    e.write, e.timeout, e.status, latency:percentile(50) / 1000, latency:percentile(99) / 1000, latency.max / 1000))
end
LUA
wrk_mix() { # connections seconds -> key=value lines on stdout
  wrk -t"$THREADS" -c"$1" -d"$2s" --timeout 10s -s "$WORK/mix.lua" "http://127.0.0.1:$EDGE_PORT" \
    | sed -n '/^requests=/,$p'
}
clean_run() { # properties file -> true when nothing failed
  awk -F= '/^(errors_|non_2xx)/ { bad += $2 } END { print (bad == 0 ? "true" : "false") }' "$1"
}

# ---- load -----------------------------------------------------------------------------------------------------
if [ "$PHASES" = load ] || [ "$PHASES" = all ]; then
  wrk -t"$THREADS" -c100 -d10s -s "$WORK/mix.lua" "http://127.0.0.1:$EDGE_PORT" > /dev/null # JIT warm-up
  say ""
  LOAD_CMD="wrk -t$THREADS -c$LOAD_CONNECTIONS -d${LOAD_SECONDS}s --timeout 10s -s mix.lua http://127.0.0.1:$EDGE_PORT"
  say "## load: $LOAD_CONNECTIONS connections, ${LOAD_SECONDS} s, JWKS and pass-through alternating"
  say "command: $LOAD_CMD"
  wrk_mix "$LOAD_CONNECTIONS" "$LOAD_SECONDS" | sed 's/^/load./' > "$WORK/load.properties"
  { cat "$WORK/load.properties"; echo "load.connections=$LOAD_CONNECTIONS"; echo "load.command=$LOAD_CMD";
    echo "load.pass=$(clean_run "$WORK/load.properties")"; echo "load.date=$STAMP"; } > "$RESULTS/latest-load.properties"
  tee -a "$REPORT" < "$RESULTS/latest-load.properties"
fi

# ---- soak -----------------------------------------------------------------------------------------------------
if [ "$PHASES" = soak ] || [ "$PHASES" = all ]; then
  say ""
  SOAK_CMD="wrk -t$THREADS -c$SOAK_CONNECTIONS -d${SOAK_SECONDS}s --timeout 10s -s mix.lua; RSS and heap every ${SAMPLE_SECONDS} s"
  say "## soak: $SOAK_CONNECTIONS connections, ${SOAK_SECONDS} s; t_s rss_mib heap_mib old_gen_mib live_after_gc_mib"
  say "command: $SOAK_CMD"
  wrk_mix "$SOAK_CONNECTIONS" "$SOAK_SECONDS" | sed 's/^/soak./' > "$WORK/soak-wrk.properties" &
  WRK_PID=$!
  : > "$WORK/samples"
  START=$(date +%s)
  while kill -0 "$WRK_PID" 2>/dev/null; do
    T=$(( $(date +%s) - START ))
    RSS_KB=$(awk '/^VmRSS:/ { print $2 }' "/proc/$EDGE_PID/status")
    curl -fs "http://127.0.0.1:$EDGE_ADMIN_PORT/metrics" > "$WORK/metrics" || true
    HEAP=$(awk '/^jvm_memory_used_bytes\{/ && /area="heap"/ { s += $NF } END { printf "%.0f", s }' "$WORK/metrics")
    OLD=$(awk '/^jvm_memory_used_bytes\{/ && /area="heap"/ && /(Old|Tenured)/ { s += $NF } END { printf "%.0f", s }' "$WORK/metrics")
    LIVE=$(awk '/^jvm_gc_live_data_size_bytes/ { s += $NF } END { printf "%.0f", s }' "$WORK/metrics")
    echo "$T $RSS_KB $HEAP $OLD $LIVE" | awk '{ printf "%d %.1f %.1f %.1f %.1f\n", $1, $2 / 1024, $3 / 1048576, $4 / 1048576, $5 / 1048576 }' \
      | tee -a "$WORK/samples" | tee -a "$REPORT"
    sleep "$SAMPLE_SECONDS"
  done
  wait "$WRK_PID" || true
  # Flat: the mean of the last minute against the mean of minutes 2-3 (t in [60, 180)), after JIT and pool warm-up.
  flat() { # column -> "baseline_mean last_minute_mean change_pct"
    awk -v c="$1" -v end="$SOAK_SECONDS" '
      $1 >= 60 && $1 < 180 { b += $c; nb++ }
      $1 >= end - 60 { l += $c; nl++ }
      END { if (nb == 0 || nl == 0) { print "none none none"; exit }
            bm = b / nb; lm = l / nl; printf "%.1f %.1f %.1f\n", bm, lm, (lm - bm) * 100 / bm }' "$WORK/samples"
  }
  read -r RSS_B RSS_L RSS_PCT <<< "$(flat 2)"
  read -r HEAP_B HEAP_L HEAP_PCT <<< "$(flat 3)"
  read -r OLD_B OLD_L OLD_PCT <<< "$(flat 4)"
  within() { awk -v p="$1" 'BEGIN { print (p ~ /^-?[0-9.]+$/ && p <= 10 && p >= -10) ? "true" : "false" }'; }
  {
    cat "$WORK/soak-wrk.properties"
    echo "soak.connections=$SOAK_CONNECTIONS"
    echo "soak.seconds=$SOAK_SECONDS"
    echo "soak.samples=$(wc -l < "$WORK/samples")"
    echo "soak.rss_mib_minutes_2_3=$RSS_B"; echo "soak.rss_mib_last_minute=$RSS_L"; echo "soak.rss_change_pct=$RSS_PCT"
    echo "soak.heap_mib_minutes_2_3=$HEAP_B"; echo "soak.heap_mib_last_minute=$HEAP_L"; echo "soak.heap_change_pct=$HEAP_PCT"
    echo "soak.old_gen_mib_minutes_2_3=$OLD_B"; echo "soak.old_gen_mib_last_minute=$OLD_L"; echo "soak.old_gen_change_pct=$OLD_PCT"
    echo "soak.rss_flat=$(within "$RSS_PCT")"
    echo "soak.heap_flat=$(within "$HEAP_PCT")"
    echo "soak.errors_free=$(clean_run "$WORK/soak-wrk.properties")"
    echo "soak.command=$SOAK_CMD"
    echo "soak.date=$STAMP"
  } > "$RESULTS/latest-soak.properties"
  say ""
  tee -a "$REPORT" < "$RESULTS/latest-soak.properties"
fi

say ""
grep -E '"level":"(WARN|ERROR)"' "$WORK/edge.log" > "$WORK/edge-warn.log" || true
say "edge log lines at WARN or above: $(wc -l < "$WORK/edge-warn.log"), by level, logger and message:"
sed -E 's/.*"level":"([A-Z]+)","logger":"([^"]*)","msg":"([^"]{0,120}).*/\1 \2: \3/' \
  "$WORK/edge-warn.log" | sort | uniq -c | sort -rn | head -20 | tee -a "$REPORT"
echo "written: $REPORT and $RESULTS/latest-*.properties"
