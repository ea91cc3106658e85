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
#   cache  issue 11's memory bound: the origin cache with EDGE_CACHE_MAX_BYTES=64m, fed 10,000 distinct 10 KiB
#          objects (/obj/1 ... /obj/10000, public, max-age a day: ~98 MiB, so it must evict) for 3 minutes at 64
#          connections, each wrk thread walking the URLs in order from its own offset, pass after pass. RSS, heap and
#          the cache's gauges and counters sampled every 5 s. Passes when the bytes held never exceed the limit, the
#          RSS is flat once the cache is full (the mean of the last 30 s within 10% of the mean of the 30 s after the
#          first eviction) and no request failed (socket errors, non-2xx).
#
# The edge under load/soak/cache is the real jar, `java -jar target/paintbox-edge.jar --dev` (JWKS from the dev
# emulator, origin nginx), with production's JVM flags (deploy/jvm.flags) on a JVM told it has 256 MB, like the Fly
# machine. Each phase prints its figures and writes them to bench/results/: a dated report, and
# latest-<phase>.properties, which docs/reliability-report.sh puts into docs/reliability.md.
#
# Run from the repository root:   bench/soak.sh [storm|load|soak|cache|all]      (default: all, about 17 minutes)
# Needs: java 17, maven, nginx, wrk, curl (apt-get install nginx wrk curl). Knobs: LOAD_SECONDS=60
# LOAD_CONNECTIONS=1000 SOAK_SECONDS=600 SOAK_CONNECTIONS=100 SAMPLE_SECONDS=10 STORM_ROUNDS=20 CACHE_SECONDS=180
# CACHE_CONNECTIONS=64 CACHE_OBJECTS=10000 CACHE_OBJECT_BYTES=10240 CACHE_MAX_BYTES=64m CACHE_SAMPLE_SECONDS=5
# JAVA_OPTS=... JAR (a built jar to run instead of building target/paintbox-edge.jar; storm still builds its tests)
set -euo pipefail
cd "$(dirname "$0")/.."

PHASES=${1:-all}
LOAD_SECONDS=${LOAD_SECONDS:-60}
LOAD_CONNECTIONS=${LOAD_CONNECTIONS:-1000}
SOAK_SECONDS=${SOAK_SECONDS:-600}
SOAK_CONNECTIONS=${SOAK_CONNECTIONS:-100}
SAMPLE_SECONDS=${SAMPLE_SECONDS:-10}
STORM_ROUNDS=${STORM_ROUNDS:-20}
CACHE_SECONDS=${CACHE_SECONDS:-180}
CACHE_CONNECTIONS=${CACHE_CONNECTIONS:-64}
CACHE_OBJECTS=${CACHE_OBJECTS:-10000}
CACHE_OBJECT_BYTES=${CACHE_OBJECT_BYTES:-10240}
CACHE_MAX_BYTES=${CACHE_MAX_BYTES:-64m}
CACHE_SAMPLE_SECONDS=${CACHE_SAMPLE_SECONDS:-5}
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
  else # the same shape, by hand: ~100 MB heap, 64 MB direct buffers, Serial GC, C2 thresholds x10
    JAVA_OPTS="-Xmx100m -Xms26m -XX:MaxDirectMemorySize=64m -XX:+UseSerialGC -XX:CompileThresholdScaling=10 -XX:+ExitOnOutOfMemoryError"
  fi
fi
RESULTS=bench/results
STAMP=$(date -u +%Y%m%dT%H%M%SZ)
REPORT=$RESULTS/soak-$STAMP.txt

case "$PHASES" in storm|load|soak|cache|all) ;; *) echo "usage: bench/soak.sh [storm|load|soak|cache|all]" >&2; exit 2 ;; esac
runs() { [ "$PHASES" = all ] || [[ " $* " == *" $PHASES "* ]]; } # true when one of the named phases is to run
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
  [ -n "${JAR:-}" ] && echo "jar: $JAR"
} > "$REPORT"
cat "$REPORT"

if [ -z "${JAR:-}" ]; then
  mvn -B -q package -DskipTests
  JAR=target/paintbox-edge.jar
fi
if runs storm; then
  mvn -B -q test-compile dependency:build-classpath -Dmdep.outputFile=target/test-cp.txt -Dmdep.includeScope=test
fi

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

# ---- the edge and its origin, for load, soak and cache ---------------------------------------------------------
mkdir -p "$WORK/www"
head -c 1024 /dev/zero | tr '\0' 'p' > "$WORK/www/page.html"
# One body for every /obj/N: the edge keys and stores each URL apart all the same.
head -c "$CACHE_OBJECT_BYTES" /dev/zero | tr '\0' 'o' > "$WORK/www/obj.bin"
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
  server {
    listen 127.0.0.1:$ORIGIN_PORT backlog=4096; root $WORK/www;
    location ~ ^/obj/[0-9]+\$ {
      default_type application/octet-stream; add_header Cache-Control "public, max-age=86400"; try_files /obj.bin =404;
    }
  }
}
CONF
nginx -p "$WORK" -c "$WORK/origin.conf"

start_edge() { # log name, then extra NAME=value settings for the edge
  local log=$1
  shift
  # shellcheck disable=SC2086 # JAVA_OPTS is a list of flags
  env EDGE_PORT="$EDGE_PORT" EDGE_ADMIN_PORT="$EDGE_ADMIN_PORT" EDGE_BIND=127.0.0.1 \
    EDGE_ORIGIN_URL="http://127.0.0.1:$ORIGIN_PORT" "$@" \
    java $JAVA_OPTS -jar "$JAR" --dev > "$WORK/$log.log" 2>&1 &
  EDGE_PID=$!
  for _ in $(seq 1 150); do
    curl -fs "http://127.0.0.1:$EDGE_PORT/_edge/ready" >/dev/null 2>&1 && break
    sleep 0.2
  done
  curl -fs "http://127.0.0.1:$EDGE_PORT/.well-known/jwks.json" | grep -q '"keys"' \
    || { echo "bench/soak.sh: the edge did not serve the JWKS" >&2; tail -20 "$WORK/$log.log" >&2; exit 1; }
}
stop_edge() {
  kill "$EDGE_PID" 2>/dev/null || true
  wait "$EDGE_PID" 2>/dev/null || true
  EDGE_PID=
}

if runs load soak; then
  start_edge edge
  [ "$(curl -fs "http://127.0.0.1:$EDGE_PORT/page.html" | wc -c)" = 1024 ] \
    || { echo "bench/soak.sh: the edge did not pass the 1 KiB page through" >&2; exit 1; }
fi

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
if runs load; then
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
if runs soak; then
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

# ---- cache ----------------------------------------------------------------------------------------------------
if runs cache; then
  [ -n "$EDGE_PID" ] && stop_edge
  start_edge edge-cache EDGE_CACHE_ENABLED=true EDGE_CACHE_MAX_BYTES="$CACHE_MAX_BYTES"
  LIMIT=$(echo "$CACHE_MAX_BYTES" | awk '{ v = tolower($0); sub(/i?b$/, "", v); u = substr(v, length(v))
    m = u == "k" ? 1024 : u == "m" ? 1048576 : u == "g" ? 1073741824 : 1; if (m > 1) v = substr(v, 1, length(v) - 1)
    printf "%d\n", v * m }')
  curl -fs -o /dev/null "http://127.0.0.1:$EDGE_PORT/obj/1"
  curl -fs -o "$WORK/obj1" -D "$WORK/obj1.headers" "http://127.0.0.1:$EDGE_PORT/obj/1"
  [ "$(wc -c < "$WORK/obj1")" = "$CACHE_OBJECT_BYTES" ] && grep -qi '^cache-status:.*; hit' "$WORK/obj1.headers" \
    || { echo "bench/soak.sh: the edge did not answer /obj/1 from its cache the second time" >&2
         cat "$WORK/obj1.headers" >&2; exit 1; }
  cat > "$WORK/objects.lua" <<LUA
-- Walks /obj/1 ... /obj/$CACHE_OBJECTS in order, pass after pass; each thread starts at its own offset.
local objects = $CACHE_OBJECTS
local threads = 0
setup = function(thread)
  thread:set("id", threads)
  threads = threads + 1
end
local n
init = function(args)
  n = math.floor(id * objects / $THREADS)
end
request = function()
  n = n % objects + 1
  return wrk.format("GET", "/obj/" .. n)
end
LUA
  # wrk's summary as key=value lines, as mix.lua's done() prints it
  sed -n '/^done = function/,/^end/p' "$WORK/mix.lua" >> "$WORK/objects.lua"
  say ""
  CACHE_CMD="EDGE_CACHE_MAX_BYTES=$CACHE_MAX_BYTES; wrk -t$THREADS -c$CACHE_CONNECTIONS -d${CACHE_SECONDS}s --timeout 10s -s objects.lua ($CACHE_OBJECTS URLs x $CACHE_OBJECT_BYTES B, public, max-age=86400); samples every ${CACHE_SAMPLE_SECONDS} s"
  say "## cache: $CACHE_OBJECTS distinct ${CACHE_OBJECT_BYTES}-byte objects through EDGE_CACHE_MAX_BYTES=$CACHE_MAX_BYTES ($LIMIT bytes), $CACHE_CONNECTIONS connections, ${CACHE_SECONDS} s"
  say "command: $CACHE_CMD"
  # live_mib: the heap live after the last major collection; major_gcs and gc_pause_s since the edge started.
  say "t_s rss_mib heap_mib cache_mib entries evictions_size hits misses live_mib major_gcs gc_pause_s"
  wrk -t"$THREADS" -c"$CACHE_CONNECTIONS" -d"${CACHE_SECONDS}s" --timeout 10s -s "$WORK/objects.lua" \
    "http://127.0.0.1:$EDGE_PORT" | sed -n '/^requests=/,$p' | sed 's/^/cache./' > "$WORK/cache-wrk.properties" &
  WRK_PID=$!
  : > "$WORK/cache-samples"
  START=$(date +%s)
  EDGE_DIED=false
  while kill -0 "$WRK_PID" 2>/dev/null; do
    T=$(( $(date +%s) - START ))
    if ! kill -0 "$EDGE_PID" 2>/dev/null; then EDGE_DIED=true; say "the edge exited at t=$T s"; break; fi
    RSS_KB=$(awk '/^VmRSS:/ { print $2 }' "/proc/$EDGE_PID/status")
    curl -fs "http://127.0.0.1:$EDGE_ADMIN_PORT/metrics" > "$WORK/metrics" || true
    awk -v t="$T" -v rss="$RSS_KB" '
      /^jvm_memory_used_bytes\{/ && /area="heap"/ { heap += $NF }
      /^edge_cache_bytes / { bytes = $NF } /^edge_cache_entries / { entries = $NF }
      /^edge_cache_evictions_total\{/ && /cause="size"/ { evicted = $NF }
      /^edge_cache_requests_total\{/ && /result="hit"/ { hits = $NF }
      /^edge_cache_requests_total\{/ && /result="(miss|collapsed)"/ { misses += $NF }
      /^jvm_gc_live_data_size_bytes / { live = $NF }
      /^jvm_gc_pause_seconds_count\{/ && /major/ { majors += $NF } /^jvm_gc_pause_seconds_sum\{/ { pause += $NF }
      END { printf "%d %.1f %.1f %.2f %d %d %d %d %.1f %d %.2f\n", t, rss / 1024, heap / 1048576, bytes / 1048576, entries,
            evicted, hits, misses, live / 1048576, majors, pause }' "$WORK/metrics" | tee -a "$WORK/cache-samples" | tee -a "$REPORT"
    # the exact byte count, for the bound (the column above is rounded)
    awk '/^edge_cache_bytes / { printf "%d\n", $NF }' "$WORK/metrics" >> "$WORK/cache-bytes"
    sleep "$CACHE_SAMPLE_SECONDS"
  done
  wait "$WRK_PID" || true
  BYTES_MAX=$(sort -n "$WORK/cache-bytes" 2>/dev/null | tail -1)
  # RSS: first and last samples, the largest, and its drift once the cache is full (the first sample that counted a
  # size eviction): the mean of the last 30 s against the mean of the 30 s from then on.
  read -r RSS_FIRST RSS_LAST RSS_MAX FULL_AT RSS_FULL RSS_END RSS_DRIFT <<< "$(awk '
    NR == 1 { first = $2 } { last = $2; if ($2 > max) max = $2; t[NR] = $1; r[NR] = $2; e[NR] = $6 }
    full == "" && $6 > 0 { full = $1 }
    END { if (full == "") { print first, last, max, "none none none none"; exit }
          for (i = 1; i <= NR; i++) {
            if (t[i] >= full && t[i] < full + 30) { b += r[i]; nb++ }
            if (t[i] >= t[NR] - 30) { l += r[i]; nl++ } }
          printf "%s %s %s %d %.1f %.1f %.1f\n", first, last, max, full, b / nb, l / nl, (l / nl - b / nb) * 100 / (b / nb) }' \
    "$WORK/cache-samples")"
  LAST_SAMPLE=$(tail -1 "$WORK/cache-samples")
  {
    cat "$WORK/cache-wrk.properties"
    echo "cache.connections=$CACHE_CONNECTIONS"
    echo "cache.seconds=$CACHE_SECONDS"
    echo "cache.objects=$CACHE_OBJECTS"
    echo "cache.object_bytes=$CACHE_OBJECT_BYTES"
    awk -F= -v o="$CACHE_OBJECTS" '$1 == "cache.requests" { printf "cache.passes=%.1f\n", $2 / o }' "$WORK/cache-wrk.properties"
    echo "cache.max_bytes=$CACHE_MAX_BYTES"
    echo "cache.limit_bytes=$LIMIT"
    echo "cache.bytes_max=${BYTES_MAX:-none}"
    echo "cache.bytes_within_limit=$([ -n "$BYTES_MAX" ] && [ "$BYTES_MAX" -le "$LIMIT" ] && echo true || echo false)"
    echo "$LAST_SAMPLE" | awk '{ printf "cache.entries_last=%d\ncache.evictions_size=%d\ncache.hits=%d\ncache.misses=%d\n", $5, $6, $7, $8
      printf "cache.hit_ratio=%.3f\n", ($7 + $8 > 0 ? $7 / ($7 + $8) : 0)
      printf "cache.heap_live_mib_last=%.1f\n", $9 }'
    # Collections during the run (first sample to last), and the share of the wall clock spent in their pauses.
    awk 'NR == 1 { t0 = $1; m0 = $10; p0 = $11 } { t = $1; m = $10; p = $11 }
      END { printf "cache.major_gcs=%d\ncache.gc_pause_s=%.2f\ncache.gc_pause_pct=%.1f\n", m - m0, p - p0,
            (t > t0 ? (p - p0) * 100 / (t - t0) : 0) }' "$WORK/cache-samples"
    awk '/^edge_cache_evictions_total\{/ { match($0, /cause="[a-z]+"/); printf "cache.evictions_%s=%d\n", substr($0, RSTART + 7, RLENGTH - 8), $NF }' \
      "$WORK/metrics" | grep -v '^cache.evictions_size='
    echo "cache.rss_mib_first=$RSS_FIRST"
    echo "cache.rss_mib_last=$RSS_LAST"
    echo "cache.rss_mib_max=$RSS_MAX"
    echo "cache.full_at_s=$FULL_AT"
    echo "cache.rss_mib_first_30s_full=$RSS_FULL"
    echo "cache.rss_mib_last_30s=$RSS_END"
    echo "cache.rss_drift_pct=$RSS_DRIFT"
    echo "cache.rss_flat=$(awk -v p="$RSS_DRIFT" 'BEGIN { print (p ~ /^-?[0-9.]+$/ && p <= 10 && p >= -10) ? "true" : "false" }')"
    echo "cache.edge_exited=$EDGE_DIED"
    echo "cache.errors_free=$([ "$EDGE_DIED" = false ] && [ -s "$WORK/cache-wrk.properties" ] && clean_run "$WORK/cache-wrk.properties" || echo false)"
    echo "cache.command=$CACHE_CMD"
    echo "cache.date=$STAMP"
  } > "$WORK/cache.properties"
  PASS=$(awk -F= '$1 ~ /^cache\.(bytes_within_limit|rss_flat|errors_free)$/ && $2 != "true" { bad = 1 } END { print bad ? "false" : "true" }' \
    "$WORK/cache.properties")
  echo "cache.pass=$PASS" >> "$WORK/cache.properties"
  cp "$WORK/cache.properties" "$RESULTS/latest-cache.properties"
  say ""
  tee -a "$REPORT" < "$RESULTS/latest-cache.properties"
  say ""
  say "cache: bytes held max $BYTES_MAX <= limit $LIMIT: $(grep -q 'bytes_within_limit=true' "$WORK/cache.properties" && echo pass || echo FAIL);" \
    "RSS first/last/max $RSS_FIRST/$RSS_LAST/$RSS_MAX MiB, drift once full $RSS_DRIFT %;" \
    "errors: $(awk -F= '/^cache\.(errors_|non_2xx)/ { s += $2 } END { print s + 0 }' "$WORK/cache.properties");" \
    "size evictions: $(echo "$LAST_SAMPLE" | awk '{ print $6 }');" \
    "GC pauses $(awk -F= '$1 == "cache.gc_pause_pct" { print $2 }' "$WORK/cache.properties") % of the time; pass: $PASS"
fi

say ""
cat "$WORK"/edge*.log | grep -E '"level":"(WARN|ERROR)"' > "$WORK/edge-warn.log" || true
say "edge log lines at WARN or above: $(wc -l < "$WORK/edge-warn.log"), by level, logger and message:"
sed -E 's/.*"level":"([A-Z]+)","logger":"([^"]*)","msg":"([^"]{0,120}).*/\1 \2: \3/' \
  "$WORK/edge-warn.log" | sort | uniq -c | sort -rn | head -20 | tee -a "$REPORT"
echo "written: $REPORT and $RESULTS/latest-*.properties"
