#!/usr/bin/env bash
# bench/coldstart.sh: how fast the edge answers its first JWKS after exec, and how much memory it holds under load.
#
# Workload: for each variant, N cold starts (a new JVM each, nothing warm but the OS page cache) of the edge in
# production mode, reading a local Secrets Manager: the --dev emulator of one helper process started first (the
# real SDK signs real AWS JSON 1.1 requests to it over loopback). Each start is timed from just before exec to the
# first 200 on /.well-known/jwks.json, polled every 5 ms from bash itself (no curl fork per poll); the log's own
# timestamps split that time into exec -> port listening, exec -> first fetch started, fetch duration. Then one more
# start per variant takes LOAD_SECONDS of wrk at CONNECTIONS connections on the JWKS, after which VmRSS and VmHWM
# are read from /proc/<pid>/status.
#
# Variants:
#   jar      java -jar target/paintbox-edge.jar on the machine's default JDK, no flags: the baseline
#   jlink    the jlink runtime with deploy/jvm.flags, no archive: what the runtime alone brings
#   trained  the jlink runtime with deploy/jvm.flags and the trained AOT cache: what the image runs
# Every variant gets -XX:MaxRAM=$MAX_RAM, so each JVM sizes itself as in the Fly VM fly.toml asks for (256 MB)
# rather than for this machine's RAM; MAX_RAM= (empty) turns that off.
#
# Usage: bench/coldstart.sh [N]              N defaults to 10
#   (on a machine shared with other work, `nice -n -10 bench/coldstart.sh` keeps that work from landing in the figures)
#   env: LOAD_SECONDS=30 CONNECTIONS=64 VARIANTS="jar jlink trained" MAX_RAM=256m CPUS= (e.g. CPUS=0 pins the edge to
#        one core with taskset, like a shared-cpu-1x) EXTRA_FLAGS= (added to the jlink and trained variants)
# Builds what is missing (the jar with Maven, the runtime with deploy/build-runtime.sh), installs wrk from Debian if
# missing. Prints a table and writes it, with the machine and the command, to bench/results/coldstart-<date>.md.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib.sh

N="${1:-${N:-10}}"
LOAD_SECONDS="${LOAD_SECONDS:-30}"
CONNECTIONS="${CONNECTIONS:-64}"
VARIANTS="${VARIANTS:-jar jlink trained}"
MAX_RAM="${MAX_RAM-256m}"
CPUS="${CPUS:-}"
read -r -a EXTRA <<<"${EXTRA_FLAGS:-}"

# ---- prerequisites -------------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null; then
  say "installing wrk (Debian package)"
  sudo_=""; [[ "$(id -u)" == 0 ]] || sudo_="sudo"
  $sudo_ apt-get install -y -q wrk >/dev/null 2>&1 || { $sudo_ apt-get update -q >/dev/null && $sudo_ apt-get install -y -q wrk >/dev/null; }
fi
[[ -f "$DEPLOY_JAR" ]] || mvn -B -q package -DskipTests
if [[ -z "$(archive_path)" || "$DEPLOY_JAR" -nt "$RUNTIME_DIR/app/paintbox-edge.jar" ]]; then
  deploy/build-runtime.sh
fi
rt_java="$RUNTIME_DIR/jre/bin/java"
archive="$(archive_path)"
mapfile -t use_archive < <(archive_flags "$archive" on)
sys_java="$(command -v java)"
ram=(); [[ -n "$MAX_RAM" ]] && ram=(-XX:MaxRAM="$MAX_RAM")
pin=(); [[ -n "$CPUS" ]] && pin=(taskset -c "$CPUS")

command_of() {  # the command line of a variant
  case "$1" in
    jar) echo "$sys_java" "${ram[@]}" -jar "$DEPLOY_JAR" ;;
    jlink) echo "$rt_java" "@$RUNTIME_DIR/app/jvm.flags" "${ram[@]}" "${EXTRA[@]}" -jar "$RUNTIME_DIR/app/paintbox-edge.jar" ;;
    trained) echo "$rt_java" "@$RUNTIME_DIR/app/jvm.flags" "${use_archive[@]}" "${ram[@]}" "${EXTRA[@]}" \
      -jar "$RUNTIME_DIR/app/paintbox-edge.jar" ;;
    *) die "unknown variant $1" ;;
  esac
}

work="$(mktemp -d)"
pid=""
cleanup() {
  [[ -n "$pid" ]] && kill -KILL "$pid" 2>/dev/null || true
  stop_helper
  rm -rf "$work"
}
trap cleanup EXIT

start_helper "$rt_java" "$work/helper.log"
mapfile -t prod < <(prod_env)
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
HZ="$(getconf CLK_TCK)"

# Starts variant $1 (log $2); sets pid, port, and t0 (µs, taken just before exec).
launch() {
  local cmd; read -r -a cmd <<<"$(command_of "$1")"
  port="$(free_port)"
  t0="$(now_us)"
  # every command ends in "-jar <jar>"; the trust store for the TLS helper goes just before it
  env "${SCRUB[@]}" "${prod[@]}" FLY_REGION=iad EDGE_PORT="$port" EDGE_ADMIN_PORT="$(free_port)" \
    "${pin[@]}" "${cmd[@]:0:${#cmd[@]}-2}" "${HELPER_JAVA_OPTS[@]}" "${cmd[@]: -2}" >"$2" 2>&1 &
  pid=$!
}
# Milliseconds from t0 ($1, µs) to an ISO timestamp ($2, ms precision, UTC).
ms_since() { echo $(( $(date -d "$2" +%s%3N) - $1 / 1000 )); }
log_ts() { grep -F "\"msg\":\"$2\"" "$1" | head -1 | sed 's/^{"ts":"\([^"]*\)".*/\1/'; }

median() { sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else print int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }
max() { sort -n | tail -1; }

declare -A MED MAX CPU LISTEN FETCH_AT FETCH_MS RSS ANON HWM RPS
# Cold starts interleaved (run 1 of every variant, then run 2, ...), so load from elsewhere hits all variants alike.
for v in $VARIANTS; do
  : >"$work/$v.first"; : >"$work/$v.cpu"; : >"$work/$v.listen"; : >"$work/$v.fetch_at"; : >"$work/$v.fetch_ms"
done
for i in $(seq 1 "$N"); do
  for v in $VARIANTS; do
    log="$work/$v.$i.log"
    launch "$v" "$log"
    wait_200 "$port" /.well-known/jwks.json 60 "$pid" || { cat "$log" >&2; die "$v run $i: no JWKS 200"; }
    t1="$(now_us)"
    echo $(( (t1 - t0) / 1000 )) >>"$work/$v.first"
    # CPU time (user + system, all threads) spent by then: the work itself, less disturbed by other load than wall time.
    awk -v hz="$HZ" '{ printf "%d\n", ($14 + $15) * 1000 / hz }' "/proc/$pid/stat" >>"$work/$v.cpu"
    stop_service "$pid" 40 || die "$v run $i: exit code $? after SIGTERM"
    pid=""
    ms_since "$t0" "$(log_ts "$log" 'paintbox-edge listening')" >>"$work/$v.listen"
    fetched_ms="$(ms_since "$t0" "$(log_ts "$log" 'JWKS fetched')")"
    took="$(grep -F '"msg":"JWKS fetched"' "$log" | head -1 | sed 's/.*"elapsed_ms":\([0-9]*\).*/\1/')"
    echo $(( fetched_ms - took )) >>"$work/$v.fetch_at"
    echo "$took" >>"$work/$v.fetch_ms"
    printf '%-8s run %2d: first JWKS 200 after %5d ms\n' "$v" "$i" "$(tail -1 "$work/$v.first")" >&2
  done
done

for v in $VARIANTS; do
  MED[$v]="$(median <"$work/$v.first")"; MAX[$v]="$(max <"$work/$v.first")"; CPU[$v]="$(median <"$work/$v.cpu")"
  LISTEN[$v]="$(median <"$work/$v.listen")"; FETCH_AT[$v]="$(median <"$work/$v.fetch_at")"
  FETCH_MS[$v]="$(median <"$work/$v.fetch_ms")"

  launch "$v" "$work/$v.load.log"
  wait_200 "$port" /.well-known/jwks.json 60 "$pid" || die "$v load run: no JWKS 200"
  say "$v: ${LOAD_SECONDS}s of wrk at $CONNECTIONS connections"
  wrk -t2 -c"$CONNECTIONS" -d"${LOAD_SECONDS}s" "http://127.0.0.1:$port/.well-known/jwks.json" >"$work/$v.wrk" 2>&1
  RSS[$v]="$(awk '/^VmRSS/ { printf "%d", $2 / 1024 }' "/proc/$pid/status")"
  ANON[$v]="$(awk '/^RssAnon/ { printf "%d", $2 / 1024 }' "/proc/$pid/status")"
  HWM[$v]="$(awk '/^VmHWM/ { printf "%d", $2 / 1024 }' "/proc/$pid/status")"
  RPS[$v]="$(awk '/^Requests\/sec/ { printf "%d", $2 }' "$work/$v.wrk")"
  stop_service "$pid" 40 || die "$v load run: exit code $? after SIGTERM"
  pid=""
done

# ---- report --------------------------------------------------------------------------------------------------
jre_b="$(du -sb "$RUNTIME_DIR/jre" | cut -f1)"
jar_b="$(stat -c %s "$RUNTIME_DIR/app/paintbox-edge.jar")"
arc_b="$(stat -c %s "$archive")"
mb() { awk -v b="$1" 'BEGIN { printf "%.1f MB", b / 1048576 }'; }
size="jre $(mb "$jre_b") + jar $(mb "$jar_b") + $(basename "$archive") $(mb "$arc_b") = $(mb $((jre_b + jar_b + arc_b)))"
model="$(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
ram_total="$(awk '/^MemTotal/ { printf "%.1f GiB", $2 / 1048576 }' /proc/meminfo)"
date_="$(date -u +%Y-%m-%dT%H:%MZ)"

table() {
  echo "| variant | first JWKS 200, median | max | CPU time by then | listening (median) | fetch started | fetch took | RSS after load | of which anon | peak RSS | wrk req/s |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  for v in $VARIANTS; do
    echo "| $v | ${MED[$v]} ms | ${MAX[$v]} ms | ${CPU[$v]} ms | ${LISTEN[$v]} ms | ${FETCH_AT[$v]} ms | ${FETCH_MS[$v]} ms | ${RSS[$v]} MB | ${ANON[$v]} MB | ${HWM[$v]} MB | ${RPS[$v]} |"
  done
}

mkdir -p bench/results
out="bench/results/coldstart-$(date -u +%Y%m%d-%H%M).md"
{
  echo "# bench/coldstart.sh, $date_"
  echo
  echo "Machine: $(nproc) CPUs ($model), $ram_total RAM, $(uname -sr)."
  echo "Load average (1/5/15 min) before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg). Other work on the machine adds noise; this run's niceness: $(nice) (negative = ahead of it)."
  echo "Command: \`RUNTIME_DIR=${RUNTIME_DIR#"$ROOT"/} VARIANTS=\"$VARIANTS\" N=$N LOAD_SECONDS=$LOAD_SECONDS CONNECTIONS=$CONNECTIONS MAX_RAM=$MAX_RAM CPUS=$CPUS EXTRA_FLAGS=\"${EXTRA[*]}\" bench/coldstart.sh\`"
  echo "Secrets Manager: the --dev emulator of a helper process, over TLS: $HELPER_TLS (see deploy/lib.sh start_helper)."
  echo "Runs per variant: $N cold starts, interleaved across variants, then one start under ${LOAD_SECONDS}s of \`wrk -t2 -c$CONNECTIONS\` on the JWKS (wrk shares the machine)."
  echo "Times are from exec; listening, fetch started and fetch took come from the edge's log timestamps (ms resolution)."
  echo "CPU time is user + system of all the JVM's threads at the first 200 (median; 10 ms ticks): the work start-up"
  echo "takes, which other load on the machine disturbs less than the wall time."
  echo
  table
  echo
  echo "Runtime on disk: $size."
  echo
  echo "Commands:"
  for v in $VARIANTS; do echo "- $v: \`$(command_of "$v" | sed "s#$ROOT/##g")\`"; done
  echo "- Java: default $("$sys_java" -version 2>&1 | head -1); runtime $("$rt_java" -version 2>&1 | head -1)"
} >"$out"

echo
table
echo
echo "runtime on disk: $size"
echo "written: $out"
