#!/usr/bin/env bash
# deploy/train.sh: trains the start-up archive from a run of the real service on the runtime jlink-runtime.sh built.
#
#   Java 25+: $RUNTIME_DIR/app/edge.aot, an AOT cache (JEP 483/514/515): classes loaded and linked, lambdas and
#             method profiles, recorded with -XX:AOTCacheOutput and assembled when the JVM exits.
#   Java <25: $RUNTIME_DIR/app/edge.jsa, a dynamic AppCDS archive (-XX:ArchiveClassesAtExit).
#
# Usage: deploy/train.sh                     (RUNTIME_DIR: see deploy/lib.sh)
#        TRAIN_MODE=dev deploy/train.sh  trains one `--dev` process instead (see below)
#
# The run: `java -jar paintbox-edge.jar --dev` on the runtime, as the source of a real Secrets Manager endpoint (AWS
# JSON 1.1 on loopback, signed requests from the real SDK) and of a demo origin; then the trained process, in
# production mode, on free ports, pointed at them the way Fly points the edge at AWS: AWS_ENDPOINT_URL_SECRETS_MANAGER,
# AWS_* keys in the environment, FLY_REGION=iad (so the region overlay is read), and TLS in front of the emulator
# (deploy/lib.sh start_helper: socat with a throwaway certificate), because AWS speaks only TLS and the first
# handshake costs a cold JVM ~600 ms that belongs in the cache. Training the production path
# rather than --dev itself keeps dev-only classes (emulator, key generation) out of the cache and puts the
# production ones (credentials from the environment, endpoint from the SDK's variables) in.
# Traffic, once /_edge/ready answers: JWKS plain, gzip, conditional (304), HEAD, a wrong method, query strings;
# pass-through GETs and a POST with a body; /_edge/health, /_edge/ready, an unknown /_edge/ path; and the admin
# port's /metrics, /health and /ready when it answers. Then SIGTERM: the service drains and exits 0, and the JVM
# writes the archive on that exit. A non-zero exit or a missing archive fails the script.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

MODE="${TRAIN_MODE:-prod}"
# Rounds of the traffic mix: enough to load and profile what the hot paths use, short enough to keep builds quick.
ROUNDS="${TRAIN_ROUNDS:-200}"

java="$RUNTIME_DIR/jre/bin/java"
jar="$RUNTIME_DIR/app/paintbox-edge.jar"
[[ -x "$java" && -f "$jar" ]] || die "no runtime in $RUNTIME_DIR: run deploy/jlink-runtime.sh first"
command -v curl >/dev/null || die "curl is needed to drive the training traffic"
feature="$(java_feature "$RUNTIME_DIR/jre")"
rm -f "$RUNTIME_DIR/app/edge.aot" "$RUNTIME_DIR/app/edge.jsa"
if (( feature >= 25 )); then
  archive="$RUNTIME_DIR/app/edge.aot"; record=(-XX:AOTCacheOutput="$archive")
else
  archive="$RUNTIME_DIR/app/edge.jsa"; record=(-XX:ArchiveClassesAtExit="$archive")
fi

logs="$(mktemp -d)"
cleanup() {
  stop_helper
  rm -rf "$logs"
}
trap cleanup EXIT

port="$(free_port)"; admin="$(free_port)"
env_args=(EDGE_PORT="$port" EDGE_ADMIN_PORT="$admin")
app_args=()
if [[ "$MODE" == prod ]]; then
  start_helper "$java" "$logs/helper.log"
  mapfile -t prod < <(prod_env)
  env_args+=("${prod[@]}" FLY_REGION=iad)
else
  app_args=(--dev)
fi

say "training ($MODE mode, Secrets Manager over TLS: $HELPER_TLS) on ports $port/$admin -> $archive"
env "${SCRUB[@]}" "${env_args[@]}" "$java" "@$RUNTIME_DIR/app/jvm.flags" "${record[@]}" "${HELPER_JAVA_OPTS[@]}" -jar "$jar" "${app_args[@]}" \
  >"$logs/train.log" 2>&1 &
pid=$!
if ! wait_200 "$port" /_edge/ready 120 "$pid"; then
  cat "$logs/train.log" >&2; die "the service did not become ready"
fi

base="http://127.0.0.1:$port"
jwks="$base/.well-known/jwks.json"
etag="$(curl -fsS -D - -o /dev/null "$jwks" | tr -d '\r' | sed -n 's/^etag: *//Ip')"
[[ -n "$etag" ]] || die "the JWKS answered without an ETag"

# One curl per request kind, ROUNDS requests each on one keep-alive connection; prints one status per request.
burst() {
  local n="$1"; shift
  local url="${*: -1}" opts=("${@:1:$#-1}") args=()
  for _ in $(seq 1 "$n"); do args+=(-o /dev/null "$url"); done
  curl -s -w '%{http_code}\n' "${opts[@]}" "${args[@]}" || true
}
expect() {  # $1 = wanted status, then a burst's arguments
  local want="$1"; shift
  local got; got="$(burst "$@" | sort | uniq -c | tr -s ' ' | tr '\n' ';')"
  [[ "$got" == " $1 $want;" ]] || die "expected $1 x $want from ${*: -1}, got:$got"
}
# The pass-through answers whatever the origin (or, before the proxy lands, the placeholder) answers; training
# only needs the path exercised.
any() { burst "$@" >/dev/null; }

expect 200 "$ROUNDS" "$jwks"
expect 200 "$ROUNDS" -H 'Accept-Encoding: gzip' "$jwks?v=1"
expect 304 "$ROUNDS" -H "If-None-Match: $etag" "$jwks"
expect 200 20 -I "$jwks"
expect 405 20 -X POST "$jwks"
expect 200 "$ROUNDS" "$base/_edge/health"
expect 200 20 "$base/_edge/ready"
expect 404 5 "$base/_edge/nope"
any "$ROUNDS" "$base/"
any 50 -H 'Accept-Encoding: gzip' "$base/paintings/42?view=full"
any 50 -X POST -H 'Content-Type: application/json' --data '{"brush":"fine"}' "$base/api/strokes"
if [[ "$(http_status "$admin" /health)" == 200 ]]; then
  expect 200 20 "http://127.0.0.1:$admin/metrics"
  expect 200 20 "http://127.0.0.1:$admin/health"
  expect 200 20 "http://127.0.0.1:$admin/ready"
else
  say "no admin port answering on $admin yet: admin endpoints not trained"
fi

say "traffic done; SIGTERM and waiting for the archive"
rc=0
stop_service "$pid" 120 || rc=$?
if (( rc != 0 )) || [[ ! -s "$archive" ]]; then
  cat "$logs/train.log" >&2
  die "training run exited $rc; archive $(ls -la "$archive" 2>&1)"
fi
say "archive written: $archive ($(du -h "$archive" | cut -f1))"
