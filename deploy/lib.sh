# shellcheck shell=bash
# deploy/lib.sh: helpers shared by the deploy/ scripts, .ci/run and bench/coldstart.sh. Sourced, never run.
#
# Everything here works in three places, so it uses only bash, coreutils, grep/sed and curl:
#   - CI and developer machines (Debian, default JDK 17, Temurin 25 under /usr/lib/jvm),
#   - the Dockerfile's build stage (a Temurin 25 + Maven image),
#   - nothing here ever runs in the runtime image (distroless: no shell there).
#
# Settings (environment, all optional):
#   DEPLOY_JDK    the JDK whose jlink/jdeps build the runtime (default: Temurin 25, else the default JDK)
#   RUNTIME_DIR   where the runtime is assembled: jre/, app/ (default: target/runtime)
#   DEPLOY_JAR    the shaded jar to ship (default: target/paintbox-edge.jar)
#   SECRETS_TLS   "no" to talk to the emulator over plain http (default: TLS when socat and openssl exist)
# Not EDGE_*: the service refuses EDGE_* variables it does not know.

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
TEMURIN_25="/usr/lib/jvm/temurin-25-jdk-amd64"
RUNTIME_DIR="${RUNTIME_DIR:-$ROOT/target/runtime}"
DEPLOY_JAR="${DEPLOY_JAR:-$ROOT/target/paintbox-edge.jar}"
# Dev credentials the --dev emulator accepts (it checks the SigV4 shape, not the key); never real ones.
DEV_ACCESS_KEY="AKIDEVEDGE000000"
DEV_SECRET_KEY="dev-secret-access-key"

# The service refuses EDGE_* variables it does not know, and the SDK obeys AWS_* ones: every process these scripts
# start gets "env ${SCRUB[@]} ..." so it sees only what the script sets, not what CI or a shell exported.
mapfile -t SCRUB < <(compgen -e | grep -E '^(EDGE|AWS|FLY)_' | sed 's/^/--unset=/' || true)

HELPER_PID=""; TLS_PID=""; HELPER_JAVA_OPTS=(); HELPER_TLS=no

say() { printf '[%s] %s\n' "$(basename "$0")" "$*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# The JDK that builds the runtime: DEPLOY_JDK, else Temurin 25 where this kind of machine keeps it, else JAVA_HOME
# (the Dockerfile's build image), else the javac on PATH. Java 25 is preferred: its AOT cache (JEP 483/514/515) holds
# classes loaded and linked plus method profiles, where JDK 17's AppCDS holds parsed classes only.
pick_jdk() {
  local javac candidate
  javac="$(command -v javac || true)"
  for candidate in "${DEPLOY_JDK:-}" "$TEMURIN_25" "${JAVA_HOME:-}" ${javac:+"$(dirname "$(dirname "$(readlink -f "$javac")")")"}; do
    [[ -n "$candidate" && -x "$candidate/bin/jlink" && -x "$candidate/bin/jdeps" ]] || continue
    if (( $(java_feature "$candidate") < 25 )); then
      say "no Java 25 JDK (looked for DEPLOY_JDK, $TEMURIN_25, JAVA_HOME); falling back to $candidate."
      say "Java $(java_feature "$candidate") has no AOT cache: the runtime gets an AppCDS archive and starts slower."
    fi
    echo "$candidate"
    return
  done
  die "no JDK with jlink and jdeps: set DEPLOY_JDK, or install Temurin 25 at $TEMURIN_25"
}

# Feature release of a JDK or runtime image, e.g. 25 or 17, from its release file.
java_feature() {
  sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$1/release"
}

# The JVM flags of deploy/jvm.flags that the java at $1 accepts, one per line. A flag this runtime does not know
# (JDK 17 has no --enable-native-access or compact headers) is dropped with a note rather than failing start-up.
supported_flags() {
  local java="$1" flag
  grep -v -e '^[[:space:]]*#' -e '^[[:space:]]*$' "$ROOT/deploy/jvm.flags" | while read -r flag; do
    if "$java" "$flag" -version >/dev/null 2>&1; then
      echo "$flag"
    else
      say "dropping $flag: $java does not accept it"
    fi
  done
}

# The archive a runtime was trained into, and the flags that use it.
archive_path() {
  if [[ -f "$RUNTIME_DIR/app/edge.aot" ]]; then echo "$RUNTIME_DIR/app/edge.aot";
  elif [[ -f "$RUNTIME_DIR/app/edge.jsa" ]]; then echo "$RUNTIME_DIR/app/edge.jsa";
  fi
}

# $1 = archive; $2 = "on" to fail when it cannot be used (smoke), "auto" to fall back silently (production).
archive_flags() {
  local archive="$1" mode="${2:-auto}"
  case "$archive" in
    *.aot) echo "-XX:AOTCache=$archive"; [[ "$mode" == on ]] && echo "-XX:AOTMode=on" ;;
    *.jsa) echo "-XX:SharedArchiveFile=$archive"; [[ "$mode" == on ]] && echo "-Xshare:on" ;;
  esac
  return 0
}

# A TCP port nobody listens on (checked against /proc/net/tcp{,6}); the window until we bind it is tiny.
free_port() {
  local port hex
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    printf -v hex '%04X' "$port"
    if ! grep -qs ":$hex " /proc/net/tcp /proc/net/tcp6; then
      echo "$port"; return
    fi
  done
  die "no free port found"
}

# Microseconds since the epoch, without forking (bash 5's EPOCHREALTIME).
now_us() {
  local t="${EPOCHREALTIME/./}"
  echo "${t/,/}"
}

# HTTP status of GET $2 on 127.0.0.1:$1, or 000 when nothing answers. Pure bash (/dev/tcp), so polling every few
# milliseconds does not fork a curl each time and disturb the start-up being measured.
http_status() {
  local port="$1" path="$2" line=""
  {
    exec 3<>"/dev/tcp/127.0.0.1/$port"
  } 2>/dev/null || { echo 000; return; }
  printf 'GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n' "$path" >&3
  IFS= read -r -t 10 line <&3 || true
  exec 3<&- 3>&-
  line="${line#HTTP/1.1 }"
  echo "${line:0:3}"
}

# Waits until GET $2 on port $1 answers 200, polling every 5 ms; fails after $3 seconds or when pid $4 dies.
wait_200() {
  local port="$1" path="$2" timeout_s="$3" pid="$4" deadline
  deadline=$(( $(now_us) + timeout_s * 1000000 ))
  while (( $(now_us) < deadline )); do
    [[ "$(http_status "$port" "$path")" == 200 ]] && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.005
  done
  return 1
}

# Sends SIGTERM to $1 and waits (at most $2 s, default 40) for it; returns its exit code.
stop_service() {
  local pid="$1" timeout_s="${2:-40}" rc=0
  kill -TERM "$pid" 2>/dev/null || true
  for _ in $(seq 1 $((timeout_s * 10))); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "pid $pid still running ${timeout_s}s after SIGTERM; killing it"
    kill -KILL "$pid" 2>/dev/null || true
  fi
  wait "$pid" || rc=$?
  return "$rc"
}

# Starts a --dev process on the runtime at $1 (a java binary) to act as the Secrets Manager endpoint and origin
# for a production-mode process. $2 = log file; its directory also holds the TLS material. Sets:
#   HELPER_PID, HELPER_ORIGIN (URL), HELPER_SECRETS (URL: https when TLS could be set up, else http),
#   HELPER_JAVA_OPTS (array: what a JVM needs to trust that endpoint), HELPER_TLS (yes|no).
# TLS, because AWS's endpoints speak nothing else: the first fetch's handshake loads and runs some 600 ms of JSSE
# code on a cold JVM (measured), which the AOT cache should hold and the benchmark should count. socat terminates TLS
# with a throwaway RSA certificate for localhost (AWS's are RSA too) and forwards to the emulator; the JVM trusts it
# through a trust store given as system properties, which the AOT cache does not pin. Needs socat, openssl, keytool;
# without them (or with SECRETS_TLS=no) the helper is plain http and says so.
start_helper() {
  local java="$1" log="$2" dir port admin
  dir="$(dirname "$log")"
  port="$(free_port)"; admin="$(free_port)"
  env "${SCRUB[@]}" EDGE_PORT="$port" EDGE_ADMIN_PORT="$admin" \
    "$java" -XX:TieredStopAtLevel=1 -jar "$RUNTIME_DIR/app/paintbox-edge.jar" --dev >"$log" 2>&1 &
  HELPER_PID=$!
  wait_200 "$port" /_edge/ready 60 "$HELPER_PID" || { cat "$log" >&2; die "the --dev helper did not become ready"; }
  HELPER_SECRETS="$(grep -o '"secrets_manager":"[^"]*"' "$log" | head -1 | cut -d'"' -f4)"
  HELPER_ORIGIN="$(grep -o '"origin":"[^"]*"' "$log" | head -1 | cut -d'"' -f4)"
  [[ -n "$HELPER_SECRETS" && -n "$HELPER_ORIGIN" ]] || { cat "$log" >&2; die "could not read the helper's URLs"; }
  HELPER_JAVA_OPTS=()
  HELPER_TLS=no
  TLS_PID=""
  local keytool
  keytool="$(command -v keytool || echo "${DEPLOY_JDK:-${JAVA_HOME:-$TEMURIN_25}}/bin/keytool")"
  if [[ "${SECRETS_TLS:-auto}" == no ]]; then
    say "SECRETS_TLS=no: Secrets Manager over plain http"
    return 0
  fi
  if ! command -v socat >/dev/null || ! command -v openssl >/dev/null || [[ ! -x "$keytool" ]]; then
    say "socat, openssl or keytool missing: Secrets Manager over plain http, TLS start-up not covered"
    return 0
  fi
  openssl req -x509 -newkey rsa:2048 -nodes -days 1 -subj /CN=localhost \
    -addext "subjectAltName=DNS:localhost,IP:127.0.0.1" -keyout "$dir/tls-key.pem" -out "$dir/tls-cert.pem" 2>/dev/null
  "$keytool" -importcert -noprompt -alias edge-helper -file "$dir/tls-cert.pem" -keystore "$dir/trust.p12" \
    -storetype PKCS12 -storepass changeit >/dev/null 2>&1
  port="$(free_port)"
  socat "openssl-listen:$port,reuseaddr,fork,cert=$dir/tls-cert.pem,key=$dir/tls-key.pem,verify=0" \
    "tcp:127.0.0.1:${HELPER_SECRETS##*:}" 2>/dev/null &
  TLS_PID=$!
  local hex; printf -v hex '%04X' "$port"
  for _ in $(seq 1 100); do grep -qs ":$hex 00000000:0000 0A" /proc/net/tcp /proc/net/tcp6 && break; sleep 0.02; done
  HELPER_SECRETS="https://localhost:$port"
  HELPER_JAVA_OPTS=(-Djavax.net.ssl.trustStore="$dir/trust.p12" -Djavax.net.ssl.trustStorePassword=changeit)
  HELPER_TLS=yes
}

stop_helper() {
  [[ -n "${TLS_PID:-}" ]] && kill "$TLS_PID" 2>/dev/null || true
  [[ -n "${HELPER_PID:-}" ]] && stop_service "$HELPER_PID" 10 >/dev/null 2>&1 || true
  return 0
}

# The environment of a production-mode edge that uses the helper: explicit endpoint and credentials, as on Fly.
prod_env() {
  echo "AWS_ENDPOINT_URL_SECRETS_MANAGER=$HELPER_SECRETS"
  echo "AWS_ACCESS_KEY_ID=$DEV_ACCESS_KEY"
  echo "AWS_SECRET_ACCESS_KEY=$DEV_SECRET_KEY"
  echo "EDGE_ORIGIN_URL=$HELPER_ORIGIN"
}
