#!/usr/bin/env bash
# bench/ab-flags.sh: which of two JVM flag sets starts the trained runtime faster. Interleaved pairs (A, B, A, B, ...)
# so that other load on the machine hits both sides alike; that is how deploy/jvm.flags' choices were measured.
#
# Workload: as bench/coldstart.sh's "trained" variant (production mode, the --dev emulator of a helper process behind
# TLS, -XX:MaxRAM=256m), PAIRS cold starts per side, each timed from exec to the first 200 on the JWKS, with the CPU
# time (user + system, all threads) the JVM had spent by then. Prints every pair and the medians; writes them to
# bench/results/ab-flags-<date>.md with the machine and the command.
#
# Usage: A="-XX:TieredStopAtLevel=4" B="-XX:TieredStopAtLevel=1" CPUS=0 PAIRS=10 bench/ab-flags.sh
#   A, B   extra flags after app/jvm.flags (later flags win); CPUS: taskset list, empty for all; PAIRS: default 10.
#   RUNTIME_DIR_B: a second runtime for side B (e.g. one built with DEPLOY_JDK=JDK 17), with its own archive.
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib.sh

read -r -a flags_a <<<"${A:-}"
read -r -a flags_b <<<"${B:-}"
PAIRS="${PAIRS:-10}"
CPUS="${CPUS:-}"
RUNTIME_A="$RUNTIME_DIR"
RUNTIME_B="${RUNTIME_DIR_B:-$RUNTIME_DIR}"
[[ -n "$(archive_path)" ]] || die "no trained runtime in $RUNTIME_DIR: run deploy/build-runtime.sh"
pin=(); [[ -n "$CPUS" ]] && pin=(taskset -c "$CPUS")
HZ="$(getconf CLK_TCK)"

work="$(mktemp -d)"
pid=""
cleanup() {
  [[ -n "$pid" ]] && kill -KILL "$pid" 2>/dev/null || true
  stop_helper
  rm -rf "$work"
}
trap cleanup EXIT
start_helper "$RUNTIME_DIR/jre/bin/java" "$work/helper.log"
mapfile -t prod < <(prod_env)
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

# One cold start of runtime $1 with extra flags $2...; prints "wall_ms cpu_ms".
start_once() {
  local rd="$1"; shift
  local port t0 t1 arc
  arc="$(RUNTIME_DIR="$rd" archive_path)"
  mapfile -t use_archive < <(archive_flags "$arc" on)
  port="$(free_port)"
  t0="$(now_us)"
  env "${SCRUB[@]}" "${prod[@]}" FLY_REGION=iad EDGE_PORT="$port" EDGE_ADMIN_PORT="$(free_port)" "${pin[@]}" \
    "$rd/jre/bin/java" "@$rd/app/jvm.flags" "${use_archive[@]}" "${HELPER_JAVA_OPTS[@]}" -XX:MaxRAM=256m "$@" \
    -jar "$rd/app/paintbox-edge.jar" >"$work/edge.log" 2>&1 &
  pid=$!
  wait_200 "$port" /.well-known/jwks.json 60 "$pid" || { cat "$work/edge.log" >&2; die "no JWKS 200"; }
  t1="$(now_us)"
  echo "$(( (t1 - t0) / 1000 )) $(awk -v hz="$HZ" '{ printf "%d", ($14 + $15) * 1000 / hz }' "/proc/$pid/stat")"
  stop_service "$pid" 40 || die "exit code $? after SIGTERM"
  pid=""
}

: >"$work/a"; : >"$work/b"
for i in $(seq 1 "$PAIRS"); do
  start_once "$RUNTIME_A" "${flags_a[@]}" >>"$work/a"
  start_once "$RUNTIME_B" "${flags_b[@]}" >>"$work/b"
  printf 'pair %2d: A %s | B %s   (wall ms, CPU ms)\n' "$i" "$(tail -1 "$work/a")" "$(tail -1 "$work/b")"
done
median_of() { cut -d' ' -f"$2" "$1" | sort -n | awk '{ v[NR] = $1 } END { print (NR % 2) ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2) }'; }

mkdir -p bench/results
out="bench/results/ab-flags-$(date -u +%Y%m%d-%H%M).md"
{
  echo "# bench/ab-flags.sh, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), pinned to: ${CPUS:-all}."
  echo "Load average before: $load_before; after: $(cut -d' ' -f1-3 /proc/loadavg). Secrets Manager over TLS: $HELPER_TLS. Niceness: $(nice)."
  echo "Command: \`RUNTIME_DIR=${RUNTIME_A} A=\"${flags_a[*]}\" B=\"${flags_b[*]}\" CPUS=$CPUS PAIRS=$PAIRS RUNTIME_DIR_B=${RUNTIME_DIR_B:-} bench/ab-flags.sh\`"
  echo
  echo "| side | runtime | extra flags | first JWKS 200, median | CPU time by then, median |"
  echo "|---|---|---|---:|---:|"
  echo "| A | ${RUNTIME_A#"$ROOT"/} | ${flags_a[*]:-(none)} | $(median_of "$work/a" 1) ms | $(median_of "$work/a" 2) ms |"
  echo "| B | ${RUNTIME_B#"$ROOT"/} | ${flags_b[*]:-(none)} | $(median_of "$work/b" 1) ms | $(median_of "$work/b" 2) ms |"
  echo
  echo "Pairs (wall ms, CPU ms): $(paste -d'|' "$work/a" "$work/b" | tr '\n' ';')"
} >"$out"
tail -n +7 "$out"
echo "written: $out"
