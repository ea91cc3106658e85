#!/usr/bin/env bash
# bench/ab-flags.sh: JVM flag sets for the trained runtime, side by side: how fast each answers its first JWKS after
# exec, and how fast it serves the JWKS once warm, against the plain jar on the machine's JDK (C2) as the throughput
# reference. This is how deploy/jvm.flags' choices are measured (issue 15: start-up and throughput, not one or the
# other).
#
# Options: OPTIONS names them, FLAGS_<name> gives each its flags, added after deploy/jvm.flags (later flags win).
# Every option but "jar" runs on its own copy of the jlink runtime in $RUNTIME_DIR whose AOT cache is retrained by
# deploy/train.sh with exactly the flags that option runs with (an AOT cache must be trained with the flags it runs
# with; its method profiles (JEP 515) are only recorded when the training run profiles, i.e. not under C1 only).
# "jar" is `java -XX:MaxRAM=256m -jar` on the machine's default JDK (17): no flags, no archive, C2. Any other name
# starting with "jar" is the plain jar too, on JAVA_<name> (a java binary) with FLAGS_<name> (default none), e.g.
# JAVA_jar25=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java: which part of a gap is the JDK and which the flags.
#   defaults:  OPTIONS="jar c1 tiered tuned"
#     c1      FLAGS_c1="-XX:TieredStopAtLevel=1"          C1 only (the first version's production choice)
#     tiered  FLAGS_tiered="-XX:CompileThresholdScaling=1"  C1 then C2 at the JVM's default thresholds
#     tuned   FLAGS_tuned=""                              deploy/jvm.flags as they are: C1 then C2, every compile
#             threshold ten times higher (the file says why)
#   any other name needs its FLAGS_<name>.
#
# Two phases, each interleaved so that load from elsewhere on the machine hits every option alike:
#   1. start-up: PAIRS rounds; each round cold-starts every option once (order rotated per round), as
#      bench/coldstart.sh's "trained" variant does (production mode, the --dev emulator of a helper process behind
#      TLS as Secrets Manager, -XX:MaxRAM=256m), pinned to CPUS with taskset, timed from exec to the first 200 on the
#      JWKS, with the CPU time (user + system, all threads) spent by then and how much of it the JIT compiler threads
#      (C1, C2) took.
#   2. throughput (LOAD=yes): one instance of every option, pinned to CPUS, all running, measured one at a time with
#      wrk pinned to CLIENT_CPUS (as bench/run.sh pins them), CONNECTIONS connections on the JWKS: first DURATION right
#      after the first 200 (how fast it is before warming up), then WARMUP each, then ROUNDS rounds of DURATION
#      (order rotated per round): req/s, p99 and CPU µs per request (the steadiest figure on a shared machine), then
#      RSS.
# Writes bench/results/ab-flags-<date>.md with the machine, its load during each phase and the command; the ratios
# are to the "jar" option when it ran.
#
# Usage: bench/ab-flags.sh                                     (the four options above, one core: ~15 minutes)
#        OPTIONS="tuned cts5" FLAGS_cts5="-XX:CompileThresholdScaling=5" PAIRS=5 bench/ab-flags.sh
#        A="…" B="…" bench/ab-flags.sh                          the old two-sided form: OPTIONS="A B" on the runtime(s)
#                                                              as trained (no retraining; B on RUNTIME_DIR_B if set),
#                                                              start-up only unless LOAD=yes
#   env: PAIRS=10 CPUS=0 (empty: all CPUs) CLIENT_CPUS=1 LOAD=yes WARMUP=30s DURATION=10s ROUNDS=3 CONNECTIONS=64
#        MAX_RAM=256m RETRAIN=auto (auto: reuse a copy trained with the same flags from the same jar; yes; no)
#        AB_DIR=target/ab-flags (where the per-option runtimes live)
set -euo pipefail
cd "$(dirname "$0")/.."
source deploy/lib.sh

PAIRS="${PAIRS:-10}"
CPUS="${CPUS-0}"
CLIENT_CPUS="${CLIENT_CPUS:-1}"
WARMUP="${WARMUP:-30s}"
DURATION="${DURATION:-10s}"
ROUNDS="${ROUNDS:-3}"
CONNECTIONS="${CONNECTIONS:-64}"
MAX_RAM="${MAX_RAM-256m}"
AB_DIR="${AB_DIR:-$ROOT/target/ab-flags}"
FLAGS_c1="${FLAGS_c1--XX:TieredStopAtLevel=1}"
FLAGS_tiered="${FLAGS_tiered--XX:CompileThresholdScaling=1}"
FLAGS_tuned="${FLAGS_tuned-}"
if [[ -n "${A+x}${B+x}" && -z "${OPTIONS:-}" ]]; then
  OPTIONS="A B"; FLAGS_A="${A:-}"; FLAGS_B="${B:-}"; RETRAIN="${RETRAIN:-no}"; LOAD="${LOAD:-no}"
fi
OPTIONS="${OPTIONS:-jar c1 tiered tuned}"
RETRAIN="${RETRAIN:-auto}"
LOAD="${LOAD:-yes}"
read -r -a names <<<"$OPTIONS"

pin=(); [[ -n "$CPUS" ]] && pin=(taskset -c "$CPUS")
ram=(); [[ -n "$MAX_RAM" ]] && ram=(-XX:MaxRAM="$MAX_RAM")
HZ="$(getconf CLK_TCK)"
sys_java="$(command -v java)"

# ---- prerequisites -------------------------------------------------------------------------------------------
if ! command -v wrk >/dev/null && [[ "$LOAD" == yes ]]; then
  say "installing wrk (Debian package)"
  sudo_=""; [[ "$(id -u)" == 0 ]] || sudo_="sudo"
  $sudo_ apt-get install -y -q wrk >/dev/null 2>&1 || { $sudo_ apt-get update -q >/dev/null && $sudo_ apt-get install -y -q wrk >/dev/null; }
fi
[[ -f "$DEPLOY_JAR" ]] || mvn -B -q package -DskipTests
if [[ ! -x "$RUNTIME_DIR/jre/bin/java" || "$DEPLOY_JAR" -nt "$RUNTIME_DIR/app/paintbox-edge.jar" ]]; then
  deploy/jlink-runtime.sh
fi

flags_of() {
  local v="FLAGS_$1"
  [[ -n "${!v+x}" || "$1" == jar* ]] || die "option $1 has no FLAGS_$1"
  echo "${!v:-}"
}

# The runtime each option runs on: $AB_DIR/<name>, the base runtime's jre and jar, app/jvm.flags with the option's
# flags appended, and an AOT cache trained with that file. With RETRAIN=no, the runtime(s) as they are.
declare -A RT
prepare() {
  local name="$1" dir flags stamp
  flags="$(flags_of "$name")"
  if [[ "$name" == jar* ]]; then RT[$name]=jar; return; fi
  if [[ "$RETRAIN" == no ]]; then
    RT[$name]="$RUNTIME_DIR"; [[ "$name" == B && -n "${RUNTIME_DIR_B:-}" ]] && RT[$name]="$RUNTIME_DIR_B"
    [[ -n "$(RUNTIME_DIR="${RT[$name]}" archive_path)" ]] || die "no trained runtime in ${RT[$name]}: run deploy/build-runtime.sh"
    return
  fi
  dir="$AB_DIR/$name"
  stamp="$(sha256sum "$RUNTIME_DIR/app/paintbox-edge.jar" | cut -c1-16) $(grep -v '^#' "$RUNTIME_DIR/app/jvm.flags" | tr '\n' ' ')| $flags"
  RT[$name]="$dir"
  if [[ "$RETRAIN" == auto && -f "$dir/trained-with" && "$(cat "$dir/trained-with")" == "$stamp" \
        && -n "$(RUNTIME_DIR="$dir" archive_path)" ]]; then
    say "$name: reusing $dir (trained with the same jar and flags)"
    return
  fi
  say "$name: training $dir with app/jvm.flags + ${flags:-(nothing)}"
  rm -rf "$dir"; mkdir -p "$dir"
  cp -a "$RUNTIME_DIR/jre" "$dir/jre"
  mkdir "$dir/app"
  cp -p "$RUNTIME_DIR/app/paintbox-edge.jar" "$dir/app/"
  { cat "$RUNTIME_DIR/app/jvm.flags"; echo "# bench/ab-flags.sh option $name"; for f in $flags; do echo "$f"; done; } \
    >"$dir/app/jvm.flags"
  RUNTIME_DIR="$dir" deploy/train.sh >"$dir/train.log" 2>&1 || { tail -20 "$dir/train.log" >&2; die "$name: training failed"; }
  echo "$stamp" >"$dir/trained-with"
}

# The command line of an option (for the jar: no flags but its own; for the others: the trained runtime with its
# flags file, the cache, AOTMode=on so a cache the JVM refuses fails loudly). The trust store goes before -jar.
command_of() {
  local name="$1" rd="${RT[$1]}" extra=()
  if [[ "$rd" == jar ]]; then
    read -r -a extra <<<"$(flags_of "$name")"
    local jv="JAVA_$name"
    echo "${!jv:-$sys_java}" "${ram[@]}" "${extra[@]}" -jar "$RUNTIME_DIR/app/paintbox-edge.jar"
  else
    [[ "$RETRAIN" == no ]] && read -r -a extra <<<"$(flags_of "$name")"
    echo "$rd/jre/bin/java" "@$rd/app/jvm.flags" $(archive_flags "$(RUNTIME_DIR="$rd" archive_path)" on) "${ram[@]}" \
      "${extra[@]}" -jar "$rd/app/paintbox-edge.jar"
  fi
}

work="$(mktemp -d)"
declare -A PID
cleanup() {
  local p
  for p in "${PID[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
  stop_helper
  rm -rf "$work"
}
trap cleanup EXIT

for n in "${names[@]}"; do prepare "$n"; done
start_helper "$RUNTIME_DIR/jre/bin/java" "$work/helper.log"
mapfile -t prod < <(prod_env)

# Starts option $1 with its log in $2; sets PID[$1], PORT[$1] and T0 (µs, just before exec).
declare -A PORT
launch() {
  local cmd; read -r -a cmd <<<"$(command_of "$1")"
  PORT[$1]="$(free_port)"
  T0="$(now_us)"
  env "${SCRUB[@]}" "${prod[@]}" FLY_REGION=iad EDGE_PORT="${PORT[$1]}" EDGE_ADMIN_PORT="$(free_port)" "${pin[@]}" \
    "${cmd[@]:0:${#cmd[@]}-2}" "${HELPER_JAVA_OPTS[@]}" "${cmd[@]: -2}" >"$2" 2>&1 &
  PID[$1]=$!
}
# CPU ms (user + system) of pid $1: all threads, or those whose name starts with $2.
cpu_ms() {
  local pid="$1" prefix="${2:-}"
  if [[ -z "$prefix" ]]; then
    awk -v hz="$HZ" '{ sub(/^.*\) /, ""); printf "%d", ($12 + $13) * 1000 / hz }' "/proc/$pid/stat"
  else
    cat "/proc/$pid"/task/*/stat 2>/dev/null | awk -v hz="$HZ" -v p="($prefix" '
      index($0, p) { s = $0; sub(/^.*\) /, "", s); split(s, f, " "); t += f[12] + f[13] } END { printf "%d", t * 1000 / hz }'
  fi
}
loadavg() { cut -d' ' -f1-3 /proc/loadavg; }
median() { sort -g | awk '{ v[NR] = $1 } END { if (NR == 0) print "n/a"; else if (NR % 2) print v[(NR + 1) / 2]; else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'; }
rotated() { local k="$1" i n="${#names[@]}"; for ((i = 0; i < n; i++)); do echo "${names[$(((i + k) % n))]}"; done; }

# ---- 1. start-up -------------------------------------------------------------------------------------------------
load_start="$(loadavg)"
for n in "${names[@]}"; do : >"$work/$n.start"; done
for i in $(seq 1 "$PAIRS"); do
  line="round $i:"
  for n in $(rotated "$i"); do
    launch "$n" "$work/$n.log"
    wait_200 "${PORT[$n]}" /.well-known/jwks.json 60 "${PID[$n]}" || { cat "$work/$n.log" >&2; die "$n: no JWKS 200"; }
    t1="$(now_us)"
    p="${PID[$n]}"
    echo "$(( (t1 - T0) / 1000 )) $(cpu_ms "$p") $(cpu_ms "$p" 'C1 Compiler') $(cpu_ms "$p" 'C2 Compiler')" >>"$work/$n.start"
    stop_service "$p" 40 || die "$n: exit code $? after SIGTERM"
    unset "PID[$n]"
    line+="  $n $(tail -1 "$work/$n.start" | cut -d' ' -f1,2)"
  done
  say "$line   (wall ms, CPU ms)"
done
load_start="$load_start -> $(loadavg)"

# ---- 2. throughput -----------------------------------------------------------------------------------------------
THREADS=$(( $(taskset -c "$CLIENT_CPUS" nproc) ))
wrk_run() { taskset -c "$CLIENT_CPUS" wrk -t"$THREADS" -c"$CONNECTIONS" -d"$2" --latency "$1"; }
# wrk's text on stdin -> "rps p99_ms requests"
parse_wrk() {
  awk 'function ms(v,  u) { u = v; gsub(/[0-9.]/, "", u); sub(/[a-z]+$/, "", v); return u == "us" ? v / 1000 : u == "s" ? v * 1000 : v }
    /Requests\/sec:/ { rps = $2 } / requests in / { n = $1 } $1 == "99%" { p99 = ms($2) }
    /Non-2xx/ { bad += $NF } /Socket errors:/ { gsub(/,/, ""); bad += $4 + $6 + $8 + $10 }
    END { printf "%.0f %.2f %d %d\n", rps, p99, n, bad }'
}
measure() { # option, duration, file to append "rps p99 cpu_us_per_req errors" to
  local p="${PID[$1]}" c0 c1 text parsed rps p99 n bad
  c0="$(cpu_ms "$p")"
  text="$(wrk_run "http://127.0.0.1:${PORT[$1]}/.well-known/jwks.json" "$2")"
  c1="$(cpu_ms "$p")"
  parsed="$(parse_wrk <<<"$text")"
  read -r rps p99 n bad <<<"$parsed"
  echo "$rps $p99 $(awk -v d=$((c1 - c0)) -v n="$n" 'BEGIN { printf "%.1f", (n > 0 ? 1000 * d / n : 0) }') $bad" >>"$3"
}
load_tput="n/a"
if [[ "$LOAD" == yes ]]; then
  load_tput="$(loadavg)"
  for n in "${names[@]}"; do
    launch "$n" "$work/$n.load.log"
    wait_200 "${PORT[$n]}" /.well-known/jwks.json 60 "${PID[$n]}" || { cat "$work/$n.load.log" >&2; die "$n: no JWKS 200"; }
    measure "$n" "$DURATION" "$work/$n.cold"
    say "$n: first $DURATION after the first 200: $(cut -d' ' -f1 "$work/$n.cold") req/s; warming up for $WARMUP"
    wrk_run "http://127.0.0.1:${PORT[$n]}/.well-known/jwks.json" "$WARMUP" >/dev/null
  done
  for n in "${names[@]}"; do : >"$work/$n.tput"; done
  for r in $(seq 1 "$ROUNDS"); do
    for n in $(rotated "$r"); do
      measure "$n" "$DURATION" "$work/$n.tput"
      say "round $r: $n $(tail -1 "$work/$n.tput")   (req/s, p99 ms, CPU µs/req, errors)"
    done
  done
  for n in "${names[@]}"; do
    awk '/^VmRSS/ { r = $2 } /^VmHWM/ { h = $2 } END { printf "%d %d\n", r / 1024, h / 1024 }' "/proc/${PID[$n]}/status" >"$work/$n.rss"
    stop_service "${PID[$n]}" 40 || die "$n: exit code $? after SIGTERM"
    unset "PID[$n]"
  done
  load_tput="$load_tput -> $(loadavg)"
fi

# ---- report ------------------------------------------------------------------------------------------------------
col() { cut -d' ' -f"$2" "$1" | median; }
coli() { col "$@" | awk '{ printf ($1 ~ /^[0-9.]+$/ ? "%.0f" : "%s"), $1 }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { if (a + 0 > 0 && b + 0 > 0) printf "%.2f", a / b; else print "n/a" }'; }
ref=""; [[ " ${names[*]} " == *" jar "* ]] && ref=jar
table() {
  echo "| option | first JWKS 200, median (min-max) | CPU by then | of which C1 / C2 | req/s, first $DURATION | req/s warm | p99 warm | CPU µs/req warm | RSS after load (peak) | req/s / ${ref:-ref} | ${ref:-ref} CPU µs/req / this |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  local n wall cpu c1 c2 cold rps p99 us rss peak
  for n in "${names[@]}"; do
    wall="$(coli "$work/$n.start" 1)"; cpu="$(coli "$work/$n.start" 2)"
    c1="$(coli "$work/$n.start" 3)"; c2="$(coli "$work/$n.start" 4)"
    local lo hi; lo="$(cut -d' ' -f1 "$work/$n.start" | sort -n | head -1)"; hi="$(cut -d' ' -f1 "$work/$n.start" | sort -n | tail -1)"
    if [[ "$LOAD" == yes ]]; then
      cold="$(coli "$work/$n.cold" 1)"; rps="$(coli "$work/$n.tput" 1)"; p99="$(col "$work/$n.tput" 2)"; us="$(col "$work/$n.tput" 3)"
      read -r rss peak <"$work/$n.rss"
    else cold=n/a; rps=n/a; p99=n/a; us=n/a; rss=n/a; peak=n/a; fi
    local rr="n/a" ur="n/a"
    if [[ -n "$ref" && "$LOAD" == yes ]]; then rr="$(ratio "$rps" "$(col "$work/$ref.tput" 1)")"; ur="$(ratio "$(col "$work/$ref.tput" 3)" "$us")"; fi
    echo "| $n | $wall ms ($lo-$hi) | $cpu ms | $c1 / $c2 ms | $cold | $rps | $p99 ms | $us | $rss MB ($peak) | $rr | $ur |"
  done
}
mkdir -p bench/results
out="bench/results/ab-flags-$(date -u +%Y%m%d-%H%M).md"
cmdline="OPTIONS=\"$OPTIONS\""
for n in "${names[@]}"; do
  jv="JAVA_$n"; [[ -n "${!jv:-}" ]] && cmdline+=" JAVA_$n=${!jv}"
  cmdline+=" FLAGS_$n=\"$(flags_of "$n")\""
done
cmdline+=" PAIRS=$PAIRS CPUS=$CPUS CLIENT_CPUS=$CLIENT_CPUS LOAD=$LOAD WARMUP=$WARMUP DURATION=$DURATION ROUNDS=$ROUNDS CONNECTIONS=$CONNECTIONS MAX_RAM=$MAX_RAM RETRAIN=$RETRAIN bench/ab-flags.sh"
{
  echo "# bench/ab-flags.sh, $(date -u +%Y-%m-%dT%H:%MZ)"
  echo
  echo "Machine: $(nproc) CPUs ($(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)), shared with other work; edge pinned to CPU(s) ${CPUS:-all}, wrk to $CLIENT_CPUS. Niceness: $(nice)."
  echo "Load average (1/5/15 min), start-up phase: $load_start; throughput phase: $load_tput. Secrets Manager over TLS: $HELPER_TLS."
  echo "Command: \`$cmdline\`"
  echo "Jar: $(sha256sum "$RUNTIME_DIR/app/paintbox-edge.jar" | cut -c1-12) from $(git rev-parse --short HEAD 2>/dev/null || cat REV 2>/dev/null || echo '?'). Java: default $("$sys_java" -version 2>&1 | head -1); runtime $("$RUNTIME_DIR/jre/bin/java" -version 2>&1 | head -1)."
  echo
  echo "Start-up: $PAIRS cold starts per option, interleaved (order rotated each round), exec to first JWKS 200; CPU is"
  echo "user + system of all threads by then, and of the C1 and C2 compiler threads (medians, 10 ms ticks)."
  [[ "$LOAD" == yes ]] && echo "Throughput: wrk -t$THREADS -c$CONNECTIONS on the JWKS, first $DURATION right after start, then $WARMUP warm-up, then $ROUNDS interleaved rounds of $DURATION (medians); ratios to \`${ref:-none}\` from this run."
  echo
  table
  echo
  echo "Commands:"
  for n in "${names[@]}"; do echo "- $n: \`$(command_of "$n" | sed "s#$ROOT/##g")\`"; done
  echo
  echo "Raw (start-up: wall ms, CPU ms, C1 ms, C2 ms; throughput: req/s, p99 ms, CPU µs/req, errors):"
  echo
  for n in "${names[@]}"; do
    echo "- $n start: $(tr '\n' ';' <"$work/$n.start")"
    [[ "$LOAD" == yes ]] && echo "- $n first $DURATION: $(tr '\n' ';' <"$work/$n.cold") warm: $(tr '\n' ';' <"$work/$n.tput")"
  done
} >"$out"
echo
table
echo "written: $out"
