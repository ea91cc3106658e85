#!/usr/bin/env bash
# deploy/smoke.sh: starts the edge exactly as the image does (the jlink runtime, app/jvm.flags, the trained
# archive) and checks it answers; prints the time from exec to the first 200 on the JWKS.
#
# Usage: deploy/smoke.sh                     (RUNTIME_DIR: see deploy/lib.sh)
#
# The Secrets Manager it reads is the --dev emulator of a helper process (`java -jar paintbox-edge.jar --dev`, on the
# same runtime), reached by the real SDK through AWS_ENDPOINT_URL_SECRETS_MANAGER, so the edge under test runs the
# production path, over TLS when socat is available (proving the jlink runtime's TLS too). The archive is used
# with -XX:AOTMode=on (or -Xshare:on for AppCDS): a cache the JVM would
# silently ignore fails the smoke test instead. Checks, in order:
#   GET /.well-known/jwks.json  200 with a "keys" array       GET /_edge/health  200      GET /_edge/ready  200
#   the JWKS with Accept-Encoding: br, zstd, gzip  Content-Encoding br, zstd, gzip (decoded with Debian's brotli,
#   zstd, gzip when present: the identity body), and no "cannot load" warning for Brotli or Zstandard in the log
#   nothing on stderr/stdout that is not a JSON log line (JVM warnings, stack traces)
#   SIGTERM  exit code 0
# Then once more with tracing on (OTEL_EXPORTER_OTLP_ENDPOINT at a port nobody listens on): "tracing on" logged, the
# JWKS 200, exit 0, and the exporter's failure at shutdown logged as a JSON line. That proves what only the shipped
# artifacts can: the shaded jar kept the SPI files autoconfigure finds the OTLP exporter and the JDK sender by, and
# the jlink runtime has java.net.http for that sender.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

java="$RUNTIME_DIR/jre/bin/java"
jar="$RUNTIME_DIR/app/paintbox-edge.jar"
archive="$(archive_path)"
[[ -x "$java" && -f "$jar" ]] || die "no runtime in $RUNTIME_DIR: run deploy/jlink-runtime.sh first"
[[ -n "$archive" ]] || die "no archive in $RUNTIME_DIR/app: run deploy/train.sh first"
mapfile -t use_archive < <(archive_flags "$archive" on)

logs="$(mktemp -d)"
pid=""
cleanup() {
  [[ -n "$pid" ]] && kill -KILL "$pid" 2>/dev/null || true
  stop_helper
  rm -rf "$logs"
}
trap cleanup EXIT
fail() { cat "$logs/edge.log" >&2; die "$*"; }

start_helper "$java" "$logs/helper.log"
mapfile -t prod < <(prod_env)
port="$(free_port)"; admin="$(free_port)"

t0="$(now_us)"
env "${SCRUB[@]}" "${prod[@]}" FLY_REGION=iad EDGE_PORT="$port" EDGE_ADMIN_PORT="$admin" \
  "$java" "@$RUNTIME_DIR/app/jvm.flags" "${use_archive[@]}" "${HELPER_JAVA_OPTS[@]}" -jar "$jar" >"$logs/edge.log" 2>&1 &
pid=$!
wait_200 "$port" /.well-known/jwks.json 30 "$pid" || fail "no 200 on /.well-known/jwks.json within 30 s"
t1="$(now_us)"

body="$(curl -fsS "http://127.0.0.1:$port/.well-known/jwks.json")" || fail "JWKS fetch failed"
grep -q '"keys":\[{' <<<"$body" || fail "JWKS body has no keys array: $body"
[[ "$(http_status "$port" /_edge/health)" == 200 ]] || fail "/_edge/health is not 200"
[[ "$(http_status "$port" /_edge/ready)" == 200 ]] || fail "/_edge/ready is not 200"

# Compression: Brotli and Zstandard are JNI libraries (brotli4j, zstd-jni) that the jar unpacks to java.io.tmpdir
# and loads at start-up; where that fails the edge offers gzip only and says so in one warning. Only this runtime
# can show they load here: the JWKS must come back br and zstd when asked, decode (with Debian's tools when present)
# to the identity body, and the log must hold no "cannot load" warning.
curl -fsS -o "$logs/jwks.identity" "http://127.0.0.1:$port/.well-known/jwks.json" || fail "JWKS fetch failed"
decoded=()
for coding in br zstd gzip; do
  curl -fsS -H "Accept-Encoding: $coding" -D "$logs/jwks.$coding.head" -o "$logs/jwks.$coding" \
    "http://127.0.0.1:$port/.well-known/jwks.json" || fail "JWKS fetch with Accept-Encoding: $coding failed"
  encoding="$(tr -d '\r' <"$logs/jwks.$coding.head" | sed -n 's/^content-encoding: *//Ip' | tail -1)"
  [[ "$encoding" == "$coding" ]] \
    || fail "Accept-Encoding: $coding got Content-Encoding: '${encoding:-none}' (native library not loaded in this runtime?)"
  case "$coding" in br) tool=(brotli -d -c) ;; zstd) tool=(zstd -d -c -q) ;; gzip) tool=(gzip -d -c) ;; esac
  if command -v "${tool[0]}" >/dev/null; then
    "${tool[@]}" <"$logs/jwks.$coding" | cmp -s - "$logs/jwks.identity" \
      || fail "the $coding JWKS does not decode (${tool[*]}) to the identity body"
    decoded+=("$coding")
  fi
done
if grep -iE 'cannot load' "$logs/edge.log" | grep -iqE 'brotli|zstandard|zstd|\bbr\b'; then
  fail "the edge could not load a compression library: $(grep -iE 'cannot load' "$logs/edge.log")"
fi

rc=0
stop_service "$pid" 40 || rc=$?
pid=""
(( rc == 0 )) || fail "exit code $rc after SIGTERM, expected 0"
if grep -v '^{' "$logs/edge.log" >"$logs/stray"; then
  cat "$logs/stray" >&2
  fail "output lines that are not JSON log lines (above)"
fi

# Tracing on: a second start exporting to a closed port.
closed="$(free_port)"
port="$(free_port)"; admin="$(free_port)"
env "${SCRUB[@]}" "${prod[@]}" FLY_REGION=iad EDGE_PORT="$port" EDGE_ADMIN_PORT="$admin" \
  OTEL_EXPORTER_OTLP_ENDPOINT="http://127.0.0.1:$closed" OTEL_BSP_SCHEDULE_DELAY=100 OTEL_JAVA_EXPORTER_OTLP_RETRY_DISABLED=true \
  "$java" "@$RUNTIME_DIR/app/jvm.flags" "${use_archive[@]}" "${HELPER_JAVA_OPTS[@]}" -jar "$jar" >"$logs/edge.log" 2>&1 &
pid=$!
wait_200 "$port" /.well-known/jwks.json 30 "$pid" || fail "tracing on: no 200 on /.well-known/jwks.json within 30 s"
grep -q '"msg":"tracing on"' "$logs/edge.log" || fail "tracing on: no \"tracing on\" line"
rc=0
stop_service "$pid" 40 || rc=$?
pid=""
(( rc == 0 )) || fail "tracing on: exit code $rc after SIGTERM, expected 0"
grep -q '"msg":"Failed to export' "$logs/edge.log" || fail "tracing on: the exporter never tried to send (no SPI?)"
if grep -v '^{' "$logs/edge.log" >"$logs/stray"; then
  cat "$logs/stray" >&2
  fail "tracing on: output lines that are not JSON log lines (above)"
fi

say "OK: JWKS 200 with keys, br, zstd and gzip (decoded: ${decoded[*]:-none, tools missing}), health 200, ready 200, exit 0 on SIGTERM; archive $(basename "$archive") in use;" \
  "Secrets Manager over TLS: $HELPER_TLS; tracing on: OTLP exporter and JDK sender found, exit 0"
say "exec to first JWKS 200: $(( (t1 - t0) / 1000 )) ms"
