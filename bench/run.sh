#!/usr/bin/env bash
# paintbox-edge side by side with nginx and Varnish doing the same jobs, on one machine, in one run.
#
# Workloads (wrk, GET, 64 keep-alive connections, --latency), each measured against its peers:
#   jwks   GET /.well-known/jwks.json: the edge (from memory, JWKS from the --dev Secrets Manager emulator) vs
#          nginx serving the same bytes as a static file vs Varnish answering a cache hit (backend: that nginx)
#   cached a 1 KiB page the origin marks `Cache-Control: public, max-age=3600`, answered from each cache: the edge
#          (its origin cache, warmed: every measured request is a hit) vs nginx proxy_cache (cache files on tmpfs,
#          upstream keepalive, the origin's Cache-Control ruling) vs Varnish (backend: the origin nginx, the built-in
#          VCL's caching)
#   1k     a 1 KiB page passed through to a shared origin: the edge vs nginx proxy_pass (upstream keepalive). The
#          origin sends no freshness for it (no Cache-Control, no Expires), so the edge's cache may not store it
#          and, after the first answer, forwards it as hit-for-miss ("pass"): the pass-through path with the cache on
#   100k   a 100 KiB page, the same way
#   compressed  (issue 12) a 30 KiB HTML page, bench/fixtures/nextjs/page-30k.html (a real Next.js 16 rendering: nav,
#          article, inline RSC scripts), requested with `Accept-Encoding: br, gzip` as browsers send it, in two
#          workloads ("compressed" in ONLY stands for both):
#     compressed_hit   the page cached (the origin marks it `public, max-age=3600`): the edge answering a stored hit
#          in br (its stored level; the script waits until a hit says Content-Encoding: br) vs the same edge asked
#          for the same page without Accept-Encoding (edge_identity: the identity hit, the issue's baseline) vs
#          nginx gzip_static serving a precompressed page-30k.html.gz (gzip -9) vs Varnish with its default gzip
#          handling (http_gzip_support on, the backend, the origin nginx, answering identity, beresp.do_gzip = true;
#          Varnish's gzip_level, 6)
#     compressed_pass  the same bytes under another name the origin gives no freshness: the edge passing it through
#          (hit-for-miss) and compressing on the fly (br at its streamed level) vs nginx proxy_pass with `gzip on`
#          (gzip_comp_level 5, text/html, the only type nginx compresses by default)
#          Both add the bytes each answer puts on the wire (status line, headers and body, measured once per server
#          with curl; and wrk's bytes read per request), the coding each server chose, and issue 12's goals: the
#          edge's compressed hit at the identity hit's req/s (within 10 %), and its bytes per response at least 15 %
#          below nginx's gzip.
#   tracing  (opt-in: ONLY="jwks 1k tracing") the JWKS hit and the 1 KiB page again, on the edge with tracing off
#          (edge) beside two more edges exporting OTLP to a sink (an nginx answering 200 on /v1/traces):
#          edge_s100 samples every trace (OTEL_TRACES_SAMPLER=parentbased_traceidratio, OTEL_TRACES_SAMPLER_ARG=1.0),
#          edge_s1 one in a hundred (0.01); the SDK's batch defaults (5 s, queue 2048), so at these rates the 100 %
#          edge drops what its queue cannot hold, as it would in production. Rows trace_jwks and trace_1k; the ratio
#          table gives traced/off, where CPU µs/req at 0.01 should stay within 1.10. The traced edges run like the
#          edge (origin cache on), so trace_1k is the same hit-for-miss pass-through as 1k.
# The origin is one nginx serving the pages; nginx and the edge forward to it over kept-alive connections.
# nginx and Varnish send the edge's own JWKS header set (Cache-Control, CDN-Cache-Control, …), so responses are
# alike. The edge runs with its origin cache on (EDGE_CACHE_ENABLED=true, the default size); before the rounds the
# script checks each cache answers the cached page from memory and the edge stores neither uncached page, and the
# report gives how the edge's cache answered each workload's measured requests (edge_cache_requests_total{result}).
#
# Pinning: every server under test gets SERVER_CPUS (the edge one event loop per CPU, nginx one worker per CPU,
# Varnish one thread pool); wrk and the origin share CLIENT_CPUS. Peers run one at a time: only the server being
# measured has load. Each target is warmed up, then ROUNDS rounds interleave the peers of a workload (A B C, B C A,
# …); the table shows each column's median over the rounds, and the edge/peer ratios of those medians.
#
#   bench/run.sh                 # as root on Debian: installs nginx, varnish, wrk, gnuplot, brotli if missing; builds
#                                # the jar. About 11 minutes with the defaults (16 measurements; ONLY="jwks cached 1k
#                                # 100k" skips the 30 KiB page, ~7 minutes)
#   PROFILE=jfr bench/run.sh     # also records a JFR profile of the edge over the measured rounds and prints its
#                                # top frames (JFR costs the edge a few per cent: compare ratios from plain runs)
#
# Knobs (environment; none starts with EDGE_, which the edge would refuse as an unknown setting): DURATION=10s
# WARMUP=10s ROUNDS=3 CONNECTIONS=64 SERVER_CPUS=0 CLIENT_CPUS=1 JAVA_OPTS (the edge's JVM flags) JAR (the edge's
# jar, default target/paintbox-edge.jar) ONLY="jwks cached 1k 100k compressed" PROFILE=none|jfr OUT=bench/results
# PAGE30K (the compressed workloads' page, default bench/fixtures/nextjs/page-30k.html), and ports
# ORIGIN_PORT NGINX_PORT EDGE_PORT EDGE_ADMIN_PORT VARNISH_PORT (18181-18184, 18193), and for tracing
# TRACED100_PORT TRACED1_PORT SINK_PORT (18185-18187) and TRACED100_ADMIN_PORT TRACED1_ADMIN_PORT (18194-18195).
# Writes bench/results/<date>-<time>.md and .png; raw wrk output, logs and profiles go to bench/results/raw/.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-10s}
WARMUP=${WARMUP:-10s}
ROUNDS=${ROUNDS:-3}
CONNECTIONS=${CONNECTIONS:-64}
SERVER_CPUS=${SERVER_CPUS:-0}
CLIENT_CPUS=${CLIENT_CPUS:-1}
ONLY=${ONLY:-jwks cached 1k 100k compressed}
# CACHE=off starts the edge without EDGE_CACHE_ENABLED and skips the checks of its cache: how an edge from before the
# origin cache (the first version's jar, JAR=...) is measured on today's machine, e.g. for before/after ratios.
CACHE=${CACHE:-on}
CACHE_ENV=(EDGE_CACHE_ENABLED=true)
[ "$CACHE" = on ] || CACHE_ENV=()
if [ "$CACHE" != on ] && [[ " $ONLY " == *" cached "* || " $ONLY " == *" compressed "* ]]; then
  echo "bench: CACHE=off measures jwks, 1k, 100k and tracing only (cached and compressed need the edge's cache)" >&2
  exit 2
fi
PROFILE=${PROFILE:-none}
OUT=${OUT:-bench/results}
ORIGIN_PORT=${ORIGIN_PORT:-18181}
NGINX_PORT=${NGINX_PORT:-18182}
EDGE_PORT=${EDGE_PORT:-18183}
VARNISH_PORT=${VARNISH_PORT:-18184}
EDGE_ADMIN_PORT=${EDGE_ADMIN_PORT:-18193}
TRACED100_PORT=${TRACED100_PORT:-18185}
TRACED1_PORT=${TRACED1_PORT:-18186}
SINK_PORT=${SINK_PORT:-18187}
TRACED100_ADMIN_PORT=${TRACED100_ADMIN_PORT:-18194}
TRACED1_ADMIN_PORT=${TRACED1_ADMIN_PORT:-18195}
# "tracing" and "compressed" in ONLY stand for their two workloads each.
WORKLOADS=$(echo "$ONLY" | sed 's/\btracing\b/trace_jwks trace_1k/; s/\bcompressed\b/compressed_hit compressed_pass/')
# The compressed workloads' page, and the header their requests carry (all but the edge_identity row's).
PAGE30K=${PAGE30K:-bench/fixtures/nextjs/page-30k.html}
ACCEPT_ENCODING="br, gzip"
# Fixed heap (no resizing mid-run) and pre-touched pages; the collector is left to JVM ergonomics, which picks
# SerialGC for a JVM confined to one CPU. Logged in the results as the JVM printed them.
JAVA_OPTS=${JAVA_OPTS:--Xms256m -Xmx256m -XX:+AlwaysPreTouch}
# The jar under test; another build (a baseline) can be measured by the same script.
JAR=${JAR:-target/paintbox-edge.jar}
COMMAND="DURATION=$DURATION WARMUP=$WARMUP ROUNDS=$ROUNDS CONNECTIONS=$CONNECTIONS SERVER_CPUS=$SERVER_CPUS \
CLIENT_CPUS=$CLIENT_CPUS PROFILE=$PROFILE ONLY=\"$ONLY\"\
$([ "$JAR" = target/paintbox-edge.jar ] || echo " JAR=$JAR")$([ "$CACHE" = on ] || echo " CACHE=$CACHE") bench/run.sh"

say() { echo "bench: $*" >&2; }

# ---- tools -------------------------------------------------------------------------------------------------------
ensure_tools() {
  local missing=()
  command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
  command -v varnishd >/dev/null || [ -x /usr/sbin/varnishd ] || missing+=(varnish)
  command -v wrk >/dev/null || missing+=(wrk)
  command -v gnuplot >/dev/null || missing+=(gnuplot-nox)
  command -v curl >/dev/null || missing+=(curl)
  command -v brotli >/dev/null || missing+=(brotli)
  command -v taskset >/dev/null || missing+=(util-linux)
  command -v java >/dev/null || missing+=(openjdk-17-jdk-headless)
  command -v mvn >/dev/null || [ -f target/paintbox-edge.jar ] || missing+=(maven)
  if [ ${#missing[@]} -gt 0 ]; then
    say "installing from Debian: ${missing[*]}"
    local sudo=""
    [ "$(id -u)" = 0 ] || sudo="sudo"
    export DEBIAN_FRONTEND=noninteractive
    $sudo apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 \
      || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q "${missing[@]}" >/dev/null; }
  fi
  export PATH="$PATH:/usr/sbin"
  [ -f "$JAR" ] || { say "building target/paintbox-edge.jar"; mvn -B -q package -DskipTests; }
}

# "0-1,3" -> 3
cpu_count() {
  local n=0 part
  for part in ${1//,/ }; do
    if [[ $part == *-* ]]; then n=$((n + ${part#*-} - ${part%-*} + 1)); else n=$((n + 1)); fi
  done
  echo "$n"
}

# ---- servers -----------------------------------------------------------------------------------------------------
WORK=$(mktemp -d /tmp/paintbox-bench.XXXXXX)
chmod 755 "$WORK"
# nginx proxy_cache keeps its entries in files: on tmpfs they never touch a disk, as Varnish's malloc storage and
# the edge's heap do not. nginx (as root) creates the zone's directory below this one and hands it to its workers.
if [ "$(stat -f -c %T /dev/shm 2>/dev/null)" = tmpfs ] && [ -w /dev/shm ]; then
  SHM=$(mktemp -d /dev/shm/paintbox-bench.XXXXXX)
else
  SHM=$WORK
fi
chmod 755 "$SHM"
EDGE_PID=""
EDGE_S100_PID=""
EDGE_S1_PID=""
VARNISH_PID=""
cleanup() {
  set +e
  for pid in "$EDGE_PID" "$EDGE_S100_PID" "$EDGE_S1_PID"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null && wait "$pid" 2>/dev/null
  done
  [ -n "$VARNISH_PID" ] && kill "$VARNISH_PID" 2>/dev/null
  for conf in origin front; do
    [ -f "$WORK/$conf.pid" ] && kill "$(cat "$WORK/$conf.pid")" 2>/dev/null
  done
  sleep 0.5
  rm -rf "$WORK" "$SHM"
}
trap cleanup EXIT

nginx_start() { # name, cpus, http-block body
  local workers
  workers=$(cpu_count "$2")
  cat > "$WORK/$1.conf" <<CONF
worker_processes $workers;
worker_cpu_affinity auto $(cpu_mask "$2");
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
  keepalive_requests 1000000;
  sendfile on;
  tcp_nopush on;
  $3
}
CONF
  taskset -c "$2" nginx -p "$WORK" -c "$WORK/$1.conf"
}

# nginx wants a bit mask per CPU set for worker_cpu_affinity: "0,2" -> 0101
cpu_mask() {
  local mask=0 part cpu
  for part in ${1//,/ }; do
    if [[ $part == *-* ]]; then
      for cpu in $(seq "${part%-*}" "${part#*-}"); do mask=$((mask | 1 << cpu)); done
    else
      mask=$((mask | 1 << part))
    fi
  done
  local bits=""
  while [ "$mask" -gt 0 ]; do bits="$((mask & 1))$bits"; mask=$((mask >> 1)); done
  echo "${bits:-0}"
}

start_origin() {
  mkdir -p "$WORK/origin-www"
  # Printable, incompressible-looking bytes, so nothing along the way shortcuts them.
  head -c 768 /dev/urandom | base64 -w 0 | head -c 1024 > "$WORK/origin-www/page-1k.html"
  head -c 76800 /dev/urandom | base64 -w 0 | head -c 102400 > "$WORK/origin-www/page-100k.html"
  head -c 768 /dev/urandom | base64 -w 0 | head -c 1024 > "$WORK/origin-www/page-1k-cached.html"
  # The compressed workloads' page, twice: cacheable, and under another name without freshness.
  cp "$PAGE30K" "$WORK/origin-www/page-30k.html"
  cp "$PAGE30K" "$WORK/origin-www/page-30k-pass.html"
  chmod -R a+rX "$WORK/origin-www"
  # Only the cached page carries freshness; the other two get nginx's Last-Modified and ETag and nothing else.
  # The OTLP sink of the traced edges shares the origin's nginx and CPUs; its access log counts the exports.
  nginx_start origin "$CLIENT_CPUS" "server { listen 127.0.0.1:$ORIGIN_PORT; root $WORK/origin-www;
    default_type text/html;
    location = /page-1k-cached.html { add_header Cache-Control \"public, max-age=3600\"; }
    location = /page-30k.html { add_header Cache-Control \"public, max-age=3600\"; } }
  server { listen 127.0.0.1:$SINK_PORT; client_max_body_size 64m; access_log $WORK/sink.log;
    location = /v1/traces { return 200; } }"
}

start_edge() { # pid variable, log name, port, admin port, then extra environment (VAR=value ...)
  local var=$1 log=$2 port=$3 admin=$4 loops flags=() pid
  shift 4
  loops=$(cpu_count "$SERVER_CPUS")
  read -r -a flags <<< "$JAVA_OPTS"
  env "$@" EDGE_PORT="$port" EDGE_ADMIN_PORT="$admin" EDGE_BIND=127.0.0.1 EDGE_EVENT_LOOPS="$loops" \
    EDGE_ORIGIN_URL="http://127.0.0.1:$ORIGIN_PORT" ${CACHE_ENV[@]+"${CACHE_ENV[@]}"} \
    taskset -c "$SERVER_CPUS" java -XX:+PrintCommandLineFlags "${flags[@]}" -jar "$JAR" --dev \
    > "$WORK/$log.log" 2>&1 &
  pid=$!
  printf -v "$var" '%s' "$pid"
  for _ in $(seq 1 150); do
    curl -fs "http://127.0.0.1:$port/_edge/ready" >/dev/null 2>&1 && return 0
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.2
  done
  cat "$WORK/$log.log" >&2
  say "the edge ($log) did not become ready"
  exit 1
}

# The two traced edges: OTLP over HTTP to the sink, parent-based ratio sampling at 100 % and 1 %.
start_traced_edges() {
  local otel=(OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$SINK_PORT" OTEL_TRACES_SAMPLER=parentbased_traceidratio)
  start_edge EDGE_S100_PID edge_s100 "$TRACED100_PORT" "$TRACED100_ADMIN_PORT" "${otel[@]}" OTEL_TRACES_SAMPLER_ARG=1.0
  start_edge EDGE_S1_PID edge_s1 "$TRACED1_PORT" "$TRACED1_ADMIN_PORT" "${otel[@]}" OTEL_TRACES_SAMPLER_ARG=0.01
  grep -q '"msg":"tracing on"' "$WORK/edge_s1.log" || { say "the traced edge did not turn tracing on"; exit 1; }
}

# The edge's JWKS response, fetched once: its body becomes nginx's static file, its headers nginx's add_header set.
capture_jwks() {
  mkdir -p "$WORK/static/.well-known"
  curl -fs -D "$WORK/jwks.headers" -o "$WORK/static/.well-known/jwks.json" \
    "http://127.0.0.1:$EDGE_PORT/.well-known/jwks.json"
  chmod -R a+rX "$WORK/static"
  JWKS_TYPE=$(header_of "$WORK/jwks.headers" content-type)
  JWKS_HEADERS=""
  local name
  for name in Cache-Control CDN-Cache-Control Surrogate-Control Surrogate-Key Vary; do
    local value
    value=$(header_of "$WORK/jwks.headers" "$name")
    [ -n "$value" ] && JWKS_HEADERS+="add_header $name \"$value\" always; "
  done
}

header_of() { # file, name
  awk -v n="$(echo "$2" | tr 'A-Z' 'a-z')" -F': ' 'tolower($1) == n { sub(/\r$/, "", $2); print $2; exit }' "$1"
}

# The cached page goes through proxy_cache; the 30 KiB page is a static file with its gzip -9 copy beside it
# (gzip_static: nginx sends the .gz to clients that accept gzip, as a CDN serving precompressed assets does), and its
# uncached twin is proxied with `gzip on` at level 5 (gzip_types always includes text/html; gzip_proxied any, so a
# client's Via would change nothing); the rest as before, proxy_pass only. The origin's Cache-Control rules
# what is kept and for how long (nginx obeys it before proxy_cache_valid, which is only the fallback for answers
# without one); proxy_cache_lock collapses concurrent misses as the edge does; X-Cache-Status shows HIT, as the
# edge's Cache-Status does.
start_front_nginx() {
  cp "$PAGE30K" "$WORK/static/page-30k.html"
  gzip -9 -n -c "$PAGE30K" > "$WORK/static/page-30k.html.gz"
  chmod a+r "$WORK/static/page-30k.html" "$WORK/static/page-30k.html.gz"
  nginx_start front "$SERVER_CPUS" "upstream origin { server 127.0.0.1:$ORIGIN_PORT; keepalive 128; }
  proxy_cache_path $SHM/nginx-cache levels=1:2 keys_zone=bench:10m max_size=64m inactive=1h use_temp_path=off;
  server {
    listen 127.0.0.1:$NGINX_PORT;
    location = /.well-known/jwks.json { root $WORK/static; types { } default_type \"$JWKS_TYPE\"; $JWKS_HEADERS }
    location = /page-1k-cached.html {
      proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection \"\";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-Host \$host; proxy_buffers 16 16k;
      proxy_cache bench; proxy_cache_valid 200 10m; proxy_cache_lock on;
      add_header X-Cache-Status \$upstream_cache_status; }
    location = /page-30k.html { root $WORK/static; types { } default_type text/html; gzip_static on; gzip_vary on;
      add_header Cache-Control \"public, max-age=3600\"; }
    location = /page-30k-pass.html {
      proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection \"\";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-Host \$host; proxy_buffers 16 16k;
      gzip on; gzip_comp_level 5; gzip_vary on; gzip_proxied any; }
    location / {
      proxy_pass http://origin; proxy_http_version 1.1; proxy_set_header Connection \"\";
      proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for; proxy_set_header X-Forwarded-Proto \$scheme;
      proxy_set_header X-Forwarded-Host \$host; proxy_buffers 16 16k; } }"
}

# Varnish in front of the static nginx, told to keep the JWKS for a year: after the first request, every
# request is a hit. The cached pages come from the origin nginx, kept as the built-in VCL decides from their
# Cache-Control (an hour); the 30 KiB one gzipped by Varnish (beresp.do_gzip; http_gzip_support is on by default). One thread pool per server CPU; the process pinned to the server CPUs.
start_varnish() {
  cat > "$WORK/jwks.vcl" <<VCL
vcl 4.1;
backend default { .host = "127.0.0.1"; .port = "$NGINX_PORT"; }
backend origin { .host = "127.0.0.1"; .port = "$ORIGIN_PORT"; }
sub vcl_recv {
  if (req.url == "/page-1k-cached.html" || req.url == "/page-30k.html") { set req.backend_hint = origin; }
}
sub vcl_backend_response {
  if (bereq.url == "/.well-known/jwks.json") { set beresp.ttl = 365d; set beresp.grace = 365d; }
  # The origin answers identity; Varnish gzips it once into its store and answers gzip to clients that take it.
  if (bereq.url == "/page-30k.html") { set beresp.do_gzip = true; }
}
VCL
  mkdir -p "$WORK/varnish"
  taskset -c "$SERVER_CPUS" varnishd -j none -n "$WORK/varnish" -P "$WORK/varnish.pid" -a "127.0.0.1:$VARNISH_PORT" \
    -f "$WORK/jwks.vcl" -s malloc,64m -p thread_pools="$(cpu_count "$SERVER_CPUS")" -p thread_pool_min=100 \
    > "$WORK/varnish.log" 2>&1
  for _ in $(seq 1 50); do
    [ -f "$WORK/varnish.pid" ] && VARNISH_PID=$(cat "$WORK/varnish.pid") && break
    sleep 0.1
  done
  for _ in $(seq 1 50); do
    curl -fs -o /dev/null "http://127.0.0.1:$VARNISH_PORT/.well-known/jwks.json" && return 0
    sleep 0.1
  done
  say "varnish did not answer"; cat "$WORK/varnish.log" >&2; exit 1
}

# ---- checks ------------------------------------------------------------------------------------------------------
check_same_bytes() { # url, expected file
  curl -fs "$1" | cmp -s - "$2" || { say "$1 did not serve the expected bytes"; exit 1; }
}

check_servers() {
  local jwks="$WORK/static/.well-known/jwks.json"
  check_same_bytes "http://127.0.0.1:$NGINX_PORT/.well-known/jwks.json" "$jwks"
  check_same_bytes "http://127.0.0.1:$VARNISH_PORT/.well-known/jwks.json" "$jwks"
  local status
  status=$(curl -fs -o /dev/null -D - "http://127.0.0.1:$VARNISH_PORT/.well-known/jwks.json" \
    | awk -F': ' 'tolower($1) == "x-varnish" { print NF == 2 ? $2 : ""; }')
  [[ $status == *" "* ]] || { say "Varnish answered a miss, expected a hit (X-Varnish: $status)"; exit 1; }
  for page in page-1k.html page-100k.html; do
    check_same_bytes "http://127.0.0.1:$EDGE_PORT/$page" "$WORK/origin-www/$page"
    check_same_bytes "http://127.0.0.1:$NGINX_PORT/$page" "$WORK/origin-www/$page"
  done
  [[ " $ONLY " == *" cached "* ]] && check_cached
  check_uncached
  [[ " $WORKLOADS " == *" compressed_hit "* ]] && check_compressed_hit
  [[ " $WORKLOADS " == *" compressed_pass "* ]] && check_compressed_pass
  if tracing_wanted; then
    for port in "$TRACED100_PORT" "$TRACED1_PORT"; do
      check_same_bytes "http://127.0.0.1:$port/page-1k.html" "$WORK/origin-www/page-1k.html"
      curl -fs -o /dev/null "http://127.0.0.1:$port/.well-known/jwks.json" || { say "traced edge :$port: no JWKS"; exit 1; }
    done
  fi
}

tracing_wanted() { [[ " $WORKLOADS " == *" trace_"* ]]; }

# Each cache answers the cached page from memory once it has seen it once.
check_cached() {
  local page=page-1k-cached.html t value
  for t in edge nginx varnish; do
    check_same_bytes "$(url_of "$t" cached)" "$WORK/origin-www/$page"
  done
  curl -fs -o /dev/null -D "$WORK/cached.headers" "$(url_of edge cached)"
  value=$(header_of "$WORK/cached.headers" cache-status)
  [[ $value == *"; hit"* ]] || { say "the edge did not answer $page from its cache (Cache-Status: $value)"; exit 1; }
  curl -fs -o /dev/null -D "$WORK/cached.headers" "$(url_of nginx cached)"
  value=$(header_of "$WORK/cached.headers" x-cache-status)
  [ "$value" = HIT ] || { say "nginx proxy_cache did not answer $page from its cache (X-Cache-Status: $value)"; exit 1; }
  curl -fs -o /dev/null -D "$WORK/cached.headers" "$(url_of varnish cached)"
  value=$(header_of "$WORK/cached.headers" x-varnish)
  [[ $value == *" "* ]] || { say "Varnish answered $page with a miss, expected a hit (X-Varnish: $value)"; exit 1; }
  say "cached page: a hit from the edge, nginx proxy_cache and Varnish"
}

# The pass-through pages stay uncached: the origin gives them no freshness, the edge does not store them, and its
# next requests for them are hit-for-miss passes (counted as result="pass"), the path the 1k and 100k rows measure.
check_uncached() {
  local page value before after
  for page in page-1k.html page-100k.html; do
    curl -fs -o /dev/null -D "$WORK/origin.headers" "http://127.0.0.1:$ORIGIN_PORT/$page"
    for value in cache-control expires; do
      [ -z "$(header_of "$WORK/origin.headers" "$value")" ] \
        || { say "the origin sends $value with $page: it would be cacheable"; exit 1; }
    done
    [ "$CACHE" = on ] || continue
    curl -fs -o /dev/null -D "$WORK/edge.headers" "http://127.0.0.1:$EDGE_PORT/$page"
    value=$(header_of "$WORK/edge.headers" cache-status)
    [[ $value == *"fwd="* && $value != *stored* && $value != *"; hit"* ]] \
      || { say "the edge stored or served $page from its cache (Cache-Status: $value)"; exit 1; }
    before=$(cache_count pass)
    curl -fs -o /dev/null "http://127.0.0.1:$EDGE_PORT/$page"
    after=$(cache_count pass)
    [ "$after" -gt "$before" ] || { say "the edge's next request for $page was not a pass (hit-for-miss)"; exit 1; }
  done
  [ "$CACHE" = on ] || { say "uncached pages: no freshness from the origin; CACHE=off, the edge's cache not checked"; return 0; }
  say "uncached pages: no freshness from the origin; the edge: ${value#paintbox-edge; }, then hit-for-miss passes"
}

# One answer of a target, asked as its workload's wrk asks (Accept-Encoding: br, gzip, or nothing for edge_identity),
# checked to decode (with Debian's tools, not the servers' encoders) to the page. Sets PROBE_CODING, PROBE_BODY and
# PROBE_HEAD (bytes of the body and of the status line and headers, as sent) and PROBE_HEADERS (the head's file).
probe() { # workload, target
  local url args=() sizes decode=()
  url=$(url_of "$2" "$1")
  mapfile -t args < <(request_args "$1" "$2")
  PROBE_HEADERS="$OUT/raw/$STAMP-$1-$2.headers"
  sizes=$(curl -fs "${args[@]}" -o "$WORK/probe.body" -D "$PROBE_HEADERS" -w '%{size_download} %{size_header}' "$url") \
    || { say "$url (${args[*]:-no Accept-Encoding}) failed"; exit 1; }
  PROBE_BODY=${sizes% *}
  PROBE_HEAD=${sizes#* }
  PROBE_CODING=$(header_of "$PROBE_HEADERS" content-encoding)
  PROBE_CODING=${PROBE_CODING:-identity}
  case "$PROBE_CODING" in
    br) decode=(brotli -d -c) ;; gzip) decode=(gzip -d -c) ;; zstd) decode=(zstd -d -c -q) ;; identity) decode=(cat) ;;
    *) say "$url answered Content-Encoding: $PROBE_CODING"; exit 1 ;;
  esac
  "${decode[@]}" < "$WORK/probe.body" | cmp -s - "$PAGE30K" \
    || { say "$url: its $PROBE_CODING body does not decode to $PAGE30K"; exit 1; }
}

# What each target of a compressed workload puts on the wire, for the report: "workload target coding body head".
WIRE_TSV=""
record_wire() { # workload, target
  probe "$1" "$2"
  echo "$1 $2 $PROBE_CODING $PROBE_BODY $PROBE_HEAD" >> "$WIRE_TSV"
}

# The 30 KiB page as a compressed hit from each cache: the edge's br (stored, compressed once in the background after
# the fill: the script waits for it), the edge's identity hit, nginx's precompressed gzip, Varnish's gzip.
check_compressed_hit() {
  local value i
  for i in $(seq 1 100); do
    probe compressed_hit edge
    value=$(header_of "$PROBE_HEADERS" cache-status)
    [[ $PROBE_CODING == br && $value == *"; hit"* ]] && break
    [ "$i" = 100 ] && { say "the edge never answered a br hit for the 30 KiB page (last: $PROBE_CODING, Cache-Status: $value)"; exit 1; }
    sleep 0.1
  done
  record_wire compressed_hit edge
  record_wire compressed_hit edge_identity
  value=$(header_of "$PROBE_HEADERS" cache-status)
  [[ $PROBE_CODING == identity && $value == *"; hit"* ]] \
    || { say "the edge's identity answer was not an identity hit ($PROBE_CODING, Cache-Status: $value)"; exit 1; }
  record_wire compressed_hit nginx
  [[ $PROBE_CODING == gzip && $PROBE_BODY == $(stat -c %s "$WORK/static/page-30k.html.gz") ]] \
    || { say "nginx gzip_static did not send page-30k.html.gz ($PROBE_CODING, $PROBE_BODY bytes)"; exit 1; }
  probe compressed_hit varnish
  record_wire compressed_hit varnish
  value=$(header_of "$PROBE_HEADERS" x-varnish)
  [[ $PROBE_CODING == gzip && $value == *" "* ]] \
    || { say "Varnish did not answer a gzip hit ($PROBE_CODING, X-Varnish: $value)"; exit 1; }
  say "30 KiB page: the edge a br hit (and an identity hit without Accept-Encoding), nginx gzip_static, Varnish a gzip hit"
}

# Its uncached twin: the origin gives it no freshness, the edge passes it (hit-for-miss) compressing on the fly.
check_compressed_pass() {
  local page=page-30k-pass.html value before after
  curl -fs -o /dev/null -D "$WORK/origin.headers" "http://127.0.0.1:$ORIGIN_PORT/$page"
  for value in cache-control expires; do
    [ -z "$(header_of "$WORK/origin.headers" "$value")" ] \
      || { say "the origin sends $value with $page: it would be cacheable"; exit 1; }
  done
  probe compressed_pass edge
  value=$(header_of "$PROBE_HEADERS" cache-status)
  [[ $value == *"fwd="* && $value != *stored* && $value != *"; hit"* ]] \
    || { say "the edge stored or served $page from its cache (Cache-Status: $value)"; exit 1; }
  before=$(cache_count pass)
  record_wire compressed_pass edge
  after=$(cache_count pass)
  [ "$after" -gt "$before" ] || { say "the edge's next request for $page was not a pass (hit-for-miss)"; exit 1; }
  [ "$PROBE_CODING" = br ] || { say "the edge passed $page through as $PROBE_CODING, expected br"; exit 1; }
  record_wire compressed_pass nginx
  [ "$PROBE_CODING" = gzip ] || { say "nginx gzip on answered $page as $PROBE_CODING"; exit 1; }
  say "30 KiB uncached page: the edge passes it compressed on the fly (br), nginx with gzip on (gzip)"
}

# The edge's cache counters, in a fixed order: "hit N stale N revalidated N miss N collapsed N pass N bypass N".
CACHE_RESULTS="hit stale revalidated miss collapsed pass bypass"
cache_counts() {
  [ "$CACHE" = on ] || { echo "hit 0 stale 0 revalidated 0 miss 0 collapsed 0 pass 0 bypass 0"; return 0; }
  curl -fs "http://127.0.0.1:$EDGE_ADMIN_PORT/metrics" | awk -v order="$CACHE_RESULTS" '
    /^edge_cache_requests_total\{/ { match($0, /result="[a-z]+"/); n[substr($0, RSTART + 8, RLENGTH - 9)] = $NF }
    END { k = split(order, r, " "); for (i = 1; i <= k; i++) printf "%s%s %d", (i > 1 ? " " : ""), r[i], n[r[i]]; print "" }'
}
cache_count() { # result
  cache_counts | awk -v r="$1" '{ for (i = 1; i < NF; i += 2) if ($i == r) print $(i + 1) }'
}

# ---- measuring ---------------------------------------------------------------------------------------------------
# CPU ticks (user + system) of a process and its children's threads, so a run can say how busy the server was.
server_pids() {
  case "$1" in
    edge|edge_identity) echo "$EDGE_PID" ;;
    edge_s100) echo "$EDGE_S100_PID" ;;
    edge_s1) echo "$EDGE_S1_PID" ;;
    nginx) pgrep -P "$(cat "$WORK/front.pid")" ;;
    varnish) echo "$VARNISH_PID"; pgrep -P "$VARNISH_PID" ;;
  esac
}
cpu_ticks() {
  local total=0 pid
  for pid in "$@"; do
    [ -r "/proc/$pid/stat" ] || continue
    total=$((total + $(awk '{ sub(/^.*\) /, ""); print $12 + $13 }' "/proc/$pid/stat")))
  done
  echo "$total"
}

url_of() { # target, workload
  local port path
  case "$1" in edge|edge_identity) port=$EDGE_PORT ;; nginx) port=$NGINX_PORT ;; varnish) port=$VARNISH_PORT ;;
    edge_s100) port=$TRACED100_PORT ;; edge_s1) port=$TRACED1_PORT ;; esac
  case "$2" in
    jwks|trace_jwks) path=/.well-known/jwks.json ;; cached) path=/page-1k-cached.html ;;
    1k|trace_1k) path=/page-1k.html ;; 100k) path=/page-100k.html ;;
    compressed_hit) path=/page-30k.html ;; compressed_pass) path=/page-30k-pass.html ;;
  esac
  echo "http://127.0.0.1:$port$path"
}

peers_of() {
  case "$1" in
    jwks|cached) echo "edge nginx varnish" ;; trace_*) echo "edge edge_s100 edge_s1" ;;
    compressed_hit) echo "edge edge_identity nginx varnish" ;; *) echo "edge nginx" ;;
  esac
}

# What a peer is doing in a workload, for the ratios table.
peer_name() { # workload, target
  case "$1:$2" in
    cached:nginx) echo nginx-proxy_cache ;; compressed_hit:nginx) echo nginx-gzip_static ;;
    compressed_hit:varnish) echo varnish-do_gzip ;; compressed_pass:nginx) echo nginx-gzip_on ;; *) echo "$2" ;;
  esac
}

THREADS=$(cpu_count "$CLIENT_CPUS")
wrk_run() { # url, duration, then wrk's extra arguments (headers) -> wrk's text
  taskset -c "$CLIENT_CPUS" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2" --latency "${@:3}" "$1"
}

# The request headers a workload's target is asked with, as wrk (or curl) arguments, one per line.
request_args() { # workload, target
  case "$1:$2" in
    compressed_*:edge_identity) ;;
    compressed_*) printf '%s\n' -H "Accept-Encoding: $ACCEPT_ENCODING" ;;
  esac
}

# wrk's text -> "rps p50 p75 p90 p99 errors requests bytes/request" (latencies in ms; errors: socket errors + status
# >= 400, which is what wrk counts as "Non-2xx or 3xx"; bytes: wrk's "read", heads and bodies, in its three-digit
# binary units, over the requests)
parse_wrk() {
  awk '
    function bytes(v,  unit) { unit = v; gsub(/[0-9.]/, "", unit); sub(/[A-Za-z]+$/, "", v)
      return v * (unit == "KB" ? 1024 : unit == "MB" ? 1048576 : unit == "GB" ? 1073741824 : unit == "TB" ? 1099511627776 : 1) }
    function ms(v,  unit) { unit = v; gsub(/[0-9.]/, "", unit); sub(/[a-z]+$/, "", v)
      return unit == "us" ? v / 1000 : unit == "s" ? v * 1000 : unit == "m" ? v * 60000 : v }
    /Requests\/sec:/ { rps = $2 }
    / requests in / { requests = $1; read = bytes($NF == "read" ? $(NF - 1) : "0B") }
    /Non-2xx/ { bad += $NF }
    /Socket errors:/ { gsub(/,/, ""); bad += $4 + $6 + $8 + $10 }
    $1 == "50%" { p50 = ms($2) } $1 == "75%" { p75 = ms($2) } $1 == "90%" { p90 = ms($2) } $1 == "99%" { p99 = ms($2) }
    END { printf "%.0f %.3f %.3f %.3f %.3f %d %d %.0f\n", rps, p50, p75, p90, p99, bad, requests,
          (requests > 0 ? read / requests : 0) }'
}

measure() { # workload, target, round -> appends "workload target round rps p50 p75 p90 p99 errors requests cpu%
             # cpu-us/req bytes/req"
  local url before after text seconds args=()
  url=$(url_of "$2" "$1")
  mapfile -t args < <(request_args "$1" "$2")
  seconds=${DURATION%s}
  local counts_before=""
  # The edge's cache counters around the measurement (scraped outside the CPU window): how it answered.
  [[ $2 == edge || $2 == edge_identity ]] && counts_before=$(cache_counts)
  # shellcheck disable=SC2046
  before=$(cpu_ticks $(server_pids "$2"))
  text=$(wrk_run "$url" "$DURATION" "${args[@]}")
  # shellcheck disable=SC2046
  after=$(cpu_ticks $(server_pids "$2"))
  if [[ $2 == edge || $2 == edge_identity ]]; then
    echo "$counts_before $(cache_counts)" | awk -v w="$1" -v r="$3" \
      '{ k = NF / 2; for (i = 1; i < k; i += 2) printf "%s %s %s %d\n", w, r, $i, $(k + i + 1) - $(i + 1) }' \
      >> "$CACHE_TSV"
  fi
  echo "$text" > "$OUT/raw/$STAMP-$1-$2-r$3.wrk"
  local cpu
  local parsed requests cpu per_request wire
  parsed=$(echo "$text" | parse_wrk)
  requests=$(echo "$parsed" | awk '{ print $7 }')
  wire=$(echo "$parsed" | awk '{ print $8 }')
  parsed=$(echo "$parsed" | cut -d' ' -f1-7)
  cpu=$(awk -v d=$((after - before)) -v hz="$(getconf CLK_TCK)" -v s="$seconds" 'BEGIN { printf "%.0f", 100 * d / hz / s }')
  # CPU time the server spent per answered request: steadier than req/s when neighbours take the CPU away.
  per_request=$(awk -v d=$((after - before)) -v hz="$(getconf CLK_TCK)" -v n="$requests" \
    'BEGIN { printf "%.1f", (n > 0 ? 1e6 * d / hz / n : 0) }')
  echo "$1 $2 $3 $parsed $cpu $per_request $wire" >> "$RESULTS"
  say "$(printf '%-5s %-8s round %d: %s' "$1" "$2" "$3" "$(tail -1 "$RESULTS" | cut -d' ' -f4-)")"
}

median() { sort -g | awk '{ v[NR] = $1 } END { print NR % 2 ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }

column_median() { # workload target column
  awk -v w="$1" -v t="$2" -v c="$3" '$1 == w && $2 == t { print $c }' "$RESULTS" | median
}

# ---- profile summary ---------------------------------------------------------------------------------------------
# Top frames of the edge's JFR execution samples: self (the leaf frame) and inclusive by layer.
jfr_top() {
  local file=$1
  jfr print --events jdk.ExecutionSample --stack-depth 96 "$file" > "$WORK/samples.txt"
  awk '
    /jdk.ExecutionSample/ { inside = 0; if (n) flush(); n = 0; next }
    /stackTrace = \[/ { inside = 1; next }
    inside && /^[ \t]*\]/ { inside = 0; next }
    inside { line = $0; sub(/^[ \t]+/, "", line); sub(/[ \t]+line:.*$/, "", line); stack[n++] = line }
    function flush(   i, seen, layer) {
      total++; self[stack[0]]++
      delete seen
      for (i = 0; i < n; i++) {
        layer = layerOf(stack[i]); if (layer != "" && !(layer in seen)) { seen[layer] = 1; incl[layer]++ }
      }
    }
    function layerOf(f) {
      if (f ~ /^io\.vertx\.micrometer|^io\.micrometer/) return "Micrometer (vertx-micrometer-metrics + registry)"
      if (f ~ /^io\.vertx\.httpproxy/) return "vertx-http-proxy"
      if (f ~ /^com\.paintbox/) return "paintbox-edge code"
      if (f ~ /HttpHeaders|HeadersMultiMap|HttpUtils\.validate|HttpHeaderValidationUtil/) return "HTTP header handling (Vert.x/Netty)"
      if (f ~ /^io\.vertx\.core\.http\.impl\.Http1xServer|^io\.vertx\.core\.http\.impl\.Http1xServerRequest|^io\.vertx\.core\.http\.impl\.Http1xServerResponse/) return "Vert.x HTTP server"
      if (f ~ /^io\.vertx\.core\.http\.impl\.Http1xClient|^io\.vertx\.core\.http\.impl\.HttpClient/) return "Vert.x HTTP client"
      if (f ~ /^io\.netty\.handler\.codec\.http/) return "Netty HTTP codec"
      if (f ~ /^io\.netty\.channel\.epoll|^io\.netty\.channel\.unix/) return "Netty epoll transport"
      if (f ~ /DateTimeFormatter|ZonedDateTime|java\.time\.format/) return "java.time formatting/parsing"
      return ""
    }
    END { if (n) flush()
      printf "%d execution samples\n\nself (leaf frame)                                                          %%\n", total
      for (f in self) printf "%6.1f  %s\n", 100 * self[f] / total, f | "sort -rn | head -25"
      close("sort -rn | head -25")
      printf "\ninclusive, by layer (a sample counts once per layer on its stack)      %%\n"
      for (l in incl) printf "%6.1f  %s\n", 100 * incl[l] / total, l | "sort -rn"
      close("sort -rn")
    }' "$WORK/samples.txt"
}

# ---- report ------------------------------------------------------------------------------------------------------
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf (b > 0 ? "%.2f" : "n/a"), (b > 0 ? a / b : 0) }'; }

report() {
  local w t
  TABLE="| workload | server | req/s | p50 ms | p75 ms | p90 ms | p99 ms | errors | server CPU % | CPU µs/req | bytes read/req (wrk) | req/s per round |
|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|"
  PLOT_DATA=""
  RATIOS=""
  for w in $WORKLOADS; do
    PLOT_DATA+="# $w"$'\n'
    for t in $(peers_of "$w"); do
      local rps p50 p75 p90 p99 err cpu us wire rounds
      rps=$(column_median "$w" "$t" 4); p50=$(column_median "$w" "$t" 5); p75=$(column_median "$w" "$t" 6)
      p90=$(column_median "$w" "$t" 7); p99=$(column_median "$w" "$t" 8); cpu=$(column_median "$w" "$t" 11)
      us=$(column_median "$w" "$t" 12)
      wire=$(column_median "$w" "$t" 13)
      err=$(awk -v w="$w" -v t="$t" '$1 == w && $2 == t { s += $9 } END { print s + 0 }' "$RESULTS")
      rounds=$(awk -v w="$w" -v t="$t" '$1 == w && $2 == t { printf "%s%s", sep, $4; sep = " · " }' "$RESULTS")
      TABLE+=$'\n'"| $w | $t | $rps | $p50 | $p75 | $p90 | $p99 | $err | $cpu | $us | $wire | $rounds |"
      PLOT_DATA+="$t $p50 $p75 $p90 $p99"$'\n'
      eval "RPS_${w}_$t=$rps; P99_${w}_$t=$p99; US_${w}_$t=$us; WIRE_${w}_$t=$wire"
    done
    PLOT_DATA+=$'\n\n'
    for t in $(peers_of "$w"); do
      [ "$t" = edge ] && continue
      local er ep eu pr pp pu
      eval "er=\$RPS_${w}_edge; ep=\$P99_${w}_edge; eu=\$US_${w}_edge; pr=\$RPS_${w}_$t; pp=\$P99_${w}_$t; pu=\$US_${w}_$t"
      if [[ $w == trace_* ]]; then # the cost of tracing: traced over off
        RATIOS+="| $w | $t/edge (off) | $(ratio "$pr" "$er") | $(ratio "$pp" "$ep") | $(ratio "$pu" "$eu") |"$'\n'
      else
        RATIOS+="| $w | edge/$(peer_name "$w" "$t") | $(ratio "$er" "$pr") | $(ratio "$ep" "$pp") | $(ratio "$eu" "$pu") |"$'\n'
      fi
    done
  done
  cache_report
  wire_report
  goals
}

# What one answer of each compressed workload's target weighs (curl, once per server, before the rounds) beside what
# wrk read per request over the rounds (median): the coding each server chose, and its body against the page's.
wire_report() {
  WIRE_TABLE=""
  [ -s "$WIRE_TSV" ] || return 0
  local identity
  identity=$(stat -c %s "$PAGE30K")
  WIRE_TABLE="| workload | server | Content-Encoding | body bytes | head bytes | bytes per response | of identity body | bytes read/req (wrk) |
|---|---|---|---:|---:|---:|---:|---:|"
  local w t coding body head
  while read -r w t coding body head; do
    WIRE_TABLE+=$'\n'"| $w | $(peer_name "$w" "$t") | $coding | $body | $head | $((body + head)) | $(awk -v b="$body" -v i="$identity" 'BEGIN { printf "%.1f %%", 100 * b / i }') | $(column_median "$w" "$t" 13) |"
    eval "BODY_${w}_$t=$body; BYTES_${w}_$t=$((body + head))"
  done < "$WIRE_TSV"
}

# How the edge's cache answered each workload's measured requests, summed over rounds, from its own counters.
cache_report() {
  CACHE_TABLE="| workload | edge requests counted by its cache | $(echo "$CACHE_RESULTS" | sed 's/ / | /g') |
|---|---:|$(echo "$CACHE_RESULTS" | sed 's/[a-z]*/---:/g; s/ /|/g')|"
  for w in $WORKLOADS; do
    CACHE_TABLE+=$'\n'$(awk -v w="$w" -v order="$CACHE_RESULTS" '
      $1 == w { n[$3] += $4; total += $4 }
      END { k = split(order, r, " "); printf "| %s | %d |", w, total
            for (i = 1; i <= k; i++) printf " %s |", (n[r[i]] > 0 ? sprintf("%.1f %%", 100 * n[r[i]] / total) : "0")
            print "" }' "$CACHE_TSV")
  done
}

# Issue 11's goals for the cached page and issue 12's for the compressed one, when the workloads they compare ran.
goals() {
  GOALS=""
  compression_goals
  [ -n "${RPS_cached_edge:-}" ] || return 0
  local r
  r=$(ratio "$RPS_cached_edge" "$RPS_cached_nginx")
  GOALS+="- cached hit req/s, edge / nginx proxy_cache: $r (goal >= 1.2: $(meets "$r" ">=" 1.2))"$'\n'
  r=$(ratio "$RPS_cached_edge" "$RPS_cached_varnish")
  GOALS+="- cached hit req/s, edge / Varnish: $r (goal >= 3: $(meets "$r" ">=" 3))"$'\n'
  if [ -n "${US_jwks_edge:-}" ]; then
    r=$(ratio "$US_cached_edge" "$US_jwks_edge")
    GOALS+="- the edge's CPU µs per cached hit / per JWKS hit: $US_cached_edge / $US_jwks_edge = $r (goal <= 1.2: $(meets "$r" "<=" 1.2))"$'\n'
  fi
}
# "a / b = 0.854 (14.6 % fewer)": byte ratios to three places, so a bound is never met by rounding.
bytes_ratio() {
  awk -v a="$1" -v b="$2" 'BEGIN { if (b <= 0) { print "n/a"; exit }
    printf "%d / %d = %.3f (%.1f %% %s)", a, b, a / b, 100 * (a > b ? a / b - 1 : 1 - a / b), (a > b ? "more" : "fewer") }'
}
bytes_meet() { awk -v a="$1" -v b="$2" -v bound="$3" 'BEGIN { print (b > 0 && a / b <= bound) ? "met" : "not met" }'; }

compression_goals() {
  local r
  if [ -n "${RPS_compressed_hit_edge:-}" ]; then
    r=$(ratio "$RPS_compressed_hit_edge" "$RPS_compressed_hit_edge_identity")
    GOALS+="- compressed hit req/s, the edge's br hit / its identity hit of the same page: $r (goal >= 0.90: $(meets "$r" ">=" 0.90))"$'\n'
    r=$(ratio "$US_compressed_hit_edge" "$US_compressed_hit_edge_identity")
    GOALS+="- CPU µs per request, br hit / identity hit: $US_compressed_hit_edge / $US_compressed_hit_edge_identity = $r"$'\n'
    local e=${BYTES_compressed_hit_edge:-0} n=${BYTES_compressed_hit_nginx:-0} v=${BYTES_compressed_hit_varnish:-0}
    local eb=${BODY_compressed_hit_edge:-0} nb=${BODY_compressed_hit_nginx:-0} vb=${BODY_compressed_hit_varnish:-0}
    GOALS+="- bytes per response (head and body), the edge's br hit / nginx gzip_static (gzip -9): $(bytes_ratio "$e" "$n") (goal <= 0.85: $(bytes_meet "$e" "$n" 0.85)); bodies alone: $(bytes_ratio "$eb" "$nb") ($(bytes_meet "$eb" "$nb" 0.85))"$'\n'
    GOALS+="- bytes per response, the edge's br hit / Varnish's gzip: $(bytes_ratio "$e" "$v"); bodies alone: $(bytes_ratio "$eb" "$vb")"$'\n'
  fi
  if [ -n "${RPS_compressed_pass_edge:-}" ]; then
    local p=${BYTES_compressed_pass_edge:-0} q=${BYTES_compressed_pass_nginx:-0}
    local pb=${BODY_compressed_pass_edge:-0} qb=${BODY_compressed_pass_nginx:-0}
    GOALS+="- bytes per response, the edge's on-the-fly br / nginx gzip on (level 5): $(bytes_ratio "$p" "$q") (goal <= 0.85: $(bytes_meet "$p" "$q" 0.85)); bodies alone: $(bytes_ratio "$pb" "$qb") ($(bytes_meet "$pb" "$qb" 0.85))"$'\n'
  fi
  return 0
}
meets() { # value, >= or <=, bound
  awk -v v="$1" -v op="$2" -v b="$3" 'BEGIN { if (v !~ /^[0-9.]+$/) print "n/a"; else print ((op == ">=" ? v >= b : v <= b) ? "met" : "not met") }'
}

# The results table and the ratios (set by report), as markdown.
tables() {
  echo "$TABLE"
  echo
  echo "| workload | ratio | req/s | p99 | CPU µs/req |"
  echo "|---|---|---:|---:|---:|"
  printf '%s' "$RATIOS"
  echo
  if [ -n "$WIRE_TABLE" ]; then
    echo "The 30 KiB page on the wire: one answer per server (curl, as wrk asks: Accept-Encoding: $ACCEPT_ENCODING, none for edge_identity), decoded with brotli/gzip to the page; identity body $(stat -c %s "$PAGE30K") bytes ($PAGE30K):"
    echo
    echo "$WIRE_TABLE"
    echo
  fi
  if [ -n "$GOALS" ]; then
    echo "Issue 11's goals for the cached page and issue 12's for the compressed one (medians above):"
    echo
    printf '%s' "$GOALS"
    echo
  fi
  echo "How the edge's origin cache answered its measured requests (edge_cache_requests_total{result} before and after each measurement):"
  echo
  echo "$CACHE_TABLE"
  echo
}

plot() { # png
  printf '%s' "$PLOT_DATA" > "$WORK/plot.dat"
  local n=0 w panels=""
  for w in $WORKLOADS; do
    panels+="set title '$w ($(peers_of "$w" | sed 's/ / vs /g'))'; plot '$WORK/plot.dat' index $n using 2:xtic(1) title 'p50', '' index $n using 3 title 'p75', '' index $n using 4 title 'p90', '' index $n using 5 title 'p99';"$'\n'
    n=$((n + 1))
  done
  gnuplot <<GP
set terminal pngcairo size $((420 * n)),420 font 'sans,10'
set output '$1'
set multiplot layout 1,$n title 'paintbox-edge vs peers: latency percentiles, wrk -c$CONNECTIONS, median of $ROUNDS rounds ($STAMP)'
set style data histograms
set style histogram clustered gap 1
set style fill solid 0.85 border -1
set boxwidth 0.9
set ylabel 'latency (ms)'
set yrange [0:*]
set grid ytics
set key top left
$panels
unset multiplot
GP
}

machine() {
  cat <<MD
- nproc: $(nproc); CPU: $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo); RAM: $(free -g | awk '/^Mem:/ { print $2 }') GiB; kernel: $(uname -r)
- JDK: $(java -version 2>&1 | head -1); nginx: $(nginx -v 2>&1 | sed 's/.*: //'); Varnish: $(varnishd -V 2>&1 | head -1 | sed 's/varnishd (//; s/ revision.*//'); wrk: $(wrk -v 2>&1 | head -1 | awk '{ print $2 }')
- load average before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)
- edge: $JAR from $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD 2>/dev/null || echo "+local changes"); JVM flags: \`$EDGE_JVM_FLAGS\`; $EDGE_START
MD
}

# ---- main --------------------------------------------------------------------------------------------------------
ensure_tools
mkdir -p "$OUT/raw"
STAMP=$(date +%Y-%m-%d-%H%M%S)
RESULTS="$OUT/raw/$STAMP.tsv"
CACHE_TSV="$OUT/raw/$STAMP-cache.tsv"
WIRE_TSV="$OUT/raw/$STAMP-wire.tsv"
: > "$RESULTS"
: > "$CACHE_TSV"
: > "$WIRE_TSV"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
if [ "$(nproc)" -lt 2 ]; then
  say "fewer than 2 CPUs: servers and wrk share the one CPU"; SERVER_CPUS=0; CLIENT_CPUS=0
fi

start_origin
start_edge EDGE_PID edge "$EDGE_PORT" "$EDGE_ADMIN_PORT"
tracing_wanted && start_traced_edges
capture_jwks
start_front_nginx
start_varnish
check_servers
EDGE_JVM_FLAGS=$(grep -m1 -- '-XX:' "$WORK/edge.log" || true)
EDGE_START=$(grep -m1 '"paintbox-edge listening"' "$WORK/edge.log" | grep -o '"event_loops":[0-9]*,"native_transport":[a-z]*' \
  | tr -d '"' | sed 's/,/, /' || true)
PINNING="servers under test on CPU(s) $SERVER_CPUS (edge: $(cpu_count "$SERVER_CPUS") event loop(s), all JVM threads pinned; \
nginx: $(cpu_count "$SERVER_CPUS") worker(s); Varnish: $(cpu_count "$SERVER_CPUS") thread pool(s)); wrk ($THREADS thread(s)) \
and the origin nginx on CPU(s) $CLIENT_CPUS"
say "$PINNING"
say "edge JVM: $EDGE_JVM_FLAGS; $EDGE_START"

say "warming up every target for $WARMUP"
for w in $WORKLOADS; do
  for t in $(peers_of "$w"); do
    mapfile -t args < <(request_args "$w" "$t")
    wrk_run "$(url_of "$t" "$w")" "$WARMUP" "${args[@]}" > /dev/null
  done
done
# One more short pass over the edge's paths, so JIT decisions see all of them before round 1.
if [ "$ONLY" = "jwks cached 1k 100k compressed" ]; then
  for w in $WORKLOADS; do
    mapfile -t args < <(request_args "$w" edge)
    wrk_run "$(url_of edge "$w")" 3s "${args[@]}" > /dev/null
  done
fi

if [ "$PROFILE" = jfr ]; then
  JFR_FILE="$OUT/raw/$STAMP-edge.jfr"
  jcmd "$EDGE_PID" JFR.start name=bench settings=profile > /dev/null
fi
for round in $(seq 1 "$ROUNDS"); do
  for w in $WORKLOADS; do
    read -r -a peers <<< "$(peers_of "$w")"
    n=${#peers[@]}
    for i in $(seq 0 $((n - 1))); do
      measure "$w" "${peers[$(((i + round - 1) % n))]}" "$round"
    done
  done
done

if [ "$PROFILE" = jfr ]; then
  jcmd "$EDGE_PID" JFR.dump name=bench filename="$(realpath -m "$JFR_FILE")" > /dev/null
fi
report
PNG="$OUT/$STAMP.png"
plot "$PNG"
MD="$OUT/$STAMP.md"
{
  echo "# paintbox-edge vs nginx and Varnish, $STAMP"
  echo
  echo "Command: \`$COMMAND\`"
  echo
  echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION --latency per measurement, $WARMUP warm-up per target, $ROUNDS interleaved rounds; every column is the median over rounds, errors are summed (socket errors + responses >= 400)."
  echo "Pinning: $PINNING."
  echo
  machine
  echo
  tables
  echo "Ratios are of the medians. req/s above 1 and p99 and CPU µs/req below 1 favour the edge."
  echo
  echo "![latency percentiles]($STAMP.png)"
  if [ -s "$WIRE_TSV" ]; then
    echo
    echo "## The 30 KiB page's response heads, one per server (as counted in head bytes above)"
    while read -r w t _; do
      echo
      echo "$w, $(peer_name "$w" "$t"):"
      echo
      echo '```'
      tr -d '\r' < "$OUT/raw/$STAMP-$w-$t.headers" | sed '/^$/d'
      echo '```'
    done < "$WIRE_TSV"
  fi
  if [ "$PROFILE" = jfr ]; then
    echo
    echo "## JFR profile of the edge (measured rounds only, all workloads; settings=profile; $JFR_FILE)"
    echo
    echo '```'
    jfr_top "$JFR_FILE"
    echo '```'
  fi
} > "$MD"

echo
tables
tracing_wanted && echo "OTLP sink: $(cat "$WORK/sink.log" 2>/dev/null | grep -c 'POST /v1/traces' || true) exports received"
echo "$PINNING"
echo "load average before: $LOAD_BEFORE; after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "written: $MD, $PNG"
[ "$PROFILE" = jfr ] && sed -n '/## JFR profile/,$p' "$MD"
exit 0
