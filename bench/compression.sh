#!/usr/bin/env bash
# bench/compression.sh: how small the edge makes real Next.js output, per coding, measured through the real edge.
#
# For each fixture in FIXTURES (default: every file in bench/fixtures/nextjs/, a real Next.js 16 build's HTML pages,
# RSC payload and largest JS chunk; see its README), the bytes the edge sends:
#   identity            no Accept-Encoding
#   stored  br zstd gzip  the fixture cached (the origin says `public, max-age=3600`), asked with one coding at a time
#                       until a hit answers in it: the body the edge compressed once, in the background, at its stored
#                       levels (EDGE_COMPRESS_STORED_LEVELS)
#   streamed br zstd gzip the same bytes under a URL the origin gives no freshness: passed through and compressed on
#                       the fly at the streamed levels (EDGE_COMPRESS_STREAMED_LEVELS); the median of STREAMED_TRIES
#                       answers, with the range when they differ (the edge flushes its encoder at every piece of body
#                       the origin connection delivers, so the split can move a few bytes)
# Every answer is read raw (curl without --compressed), checked to carry the Content-Encoding asked for and decoded
# with Debian's brotli, zstd and gzip back to the fixture. An .rsc fixture is requested with `RSC: 1`. For reference, the same file through `gzip -6`, `gzip -9`,
# `brotli -q 11` and `zstd -19`, and through the command-line tools at the edge's own levels, so a difference between
# the edge and its format's reference encoder at the same level shows. Levels are read from conf/edge.json.
#
# Usage: bench/compression.sh          (needs java, nginx, curl, brotli, zstd, gzip; installs the last four and nginx
#                                       from Debian when missing; builds the jar when target/paintbox-edge.jar is absent)
# Knobs: JAR (default target/paintbox-edge.jar), JAR_REV (the commit JAR was built from, for the report; default:
# HEAD when JAR is the default), FIXTURES (files), OUT (default bench/results), STREAMED_TRIES (3).
# Writes bench/results/compression-<date>.md. Takes about a minute. Not EDGE_*: the edge refuses unknown EDGE_ names.
set -euo pipefail
cd "$(dirname "$0")/.."

JAR=${JAR:-target/paintbox-edge.jar}
if [ -z "${JAR_REV:-}" ]; then
  if [ "$JAR" = target/paintbox-edge.jar ]; then
    JAR_REV="$(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD -- src/main pom.xml 2>/dev/null || echo "+local changes")"
  else
    JAR_REV="an unstated commit"
  fi
fi
OUT=${OUT:-bench/results}
STREAMED_TRIES=${STREAMED_TRIES:-3}
if [ -z "${FIXTURES:-}" ]; then
  FIXTURES=$(find bench/fixtures/nextjs -maxdepth 1 -type f ! -name README.md | sort)
fi
CODINGS="br zstd gzip"

say() { echo "compression: $*" >&2; }
die() { say "ERROR: $*"; exit 1; }

# ---- tools -------------------------------------------------------------------------------------------------------
missing=()
command -v nginx >/dev/null || [ -x /usr/sbin/nginx ] || missing+=(nginx)
for tool in curl brotli zstd gzip; do command -v "$tool" >/dev/null || missing+=("$tool"); done
if [ ${#missing[@]} -gt 0 ]; then
  say "installing from Debian: ${missing[*]}"
  sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get install -y -q "${missing[@]}" >/dev/null 2>&1 \
    || { $sudo apt-get update -q >/dev/null && $sudo apt-get install -y -q "${missing[@]}" >/dev/null; }
fi
export PATH="$PATH:/usr/sbin"
[ -f "$JAR" ] || { say "building $JAR"; mvn -B -q package -DskipTests; }

# The edge's levels, from its defaults: "br=11, zstd=19, gzip=9" -> level_of stored br -> 11.
levels_of() { # key
  sed -n "s/.*\"$1\": *\"\([^\"]*\)\".*/\1/p" conf/edge.json
}
STORED_LEVELS=$(levels_of EDGE_COMPRESS_STORED_LEVELS)
STREAMED_LEVELS=$(levels_of EDGE_COMPRESS_STREAMED_LEVELS)
level_of() { # stored|streamed, coding
  local levels
  if [ "$1" = stored ]; then levels=$STORED_LEVELS; else levels=$STREAMED_LEVELS; fi
  echo "$levels" | tr ',' '\n' | sed -n "s/^ *$2 *= *\([0-9]*\).*/\1/p"
}
for kind in stored streamed; do
  for coding in $CODINGS; do
    [ -n "$(level_of "$kind" "$coding")" ] || die "no $kind level for $coding in conf/edge.json"
  done
done

free_port() {
  local port hex
  for _ in $(seq 1 50); do
    port=$((20000 + RANDOM % 40000))
    printf -v hex '%04X' "$port"
    grep -qs ":$hex " /proc/net/tcp /proc/net/tcp6 || { echo "$port"; return; }
  done
  die "no free port"
}

# ---- origin and edge ---------------------------------------------------------------------------------------------
WORK=$(mktemp -d /tmp/paintbox-compression.XXXXXX)
chmod 755 "$WORK"
EDGE_PID=""
cleanup() {
  set +e
  [ -n "$EDGE_PID" ] && kill "$EDGE_PID" 2>/dev/null && wait "$EDGE_PID" 2>/dev/null
  [ -f "$WORK/origin.pid" ] && kill "$(cat "$WORK/origin.pid")" 2>/dev/null
  sleep 0.3
  [ -n "${KEEP_WORK:-}" ] || rm -rf "$WORK"
}
trap cleanup EXIT

ORIGIN_PORT=$(free_port)
EDGE_PORT=$(free_port)
ADMIN_PORT=$(free_port)
mkdir -p "$WORK/www"
for f in $FIXTURES; do
  [ -f "$f" ] || die "no fixture $f"
  cp "$f" "$WORK/www/"
done
chmod -R a+rX "$WORK/www"
# /stored/ is cacheable, /streamed/ has no freshness (Last-Modified and ETag only, as nginx sends for any file): the
# edge stores the first and passes the second as hit-for-miss. The types are what Next.js sends for each.
cat > "$WORK/origin.conf" <<CONF
worker_processes 1;
pid $WORK/origin.pid;
error_log $WORK/origin.error.log warn;
events { worker_connections 256; }
http {
  access_log off;
  client_body_temp_path $WORK/body; proxy_temp_path $WORK/proxy; fastcgi_temp_path $WORK/fastcgi;
  uwsgi_temp_path $WORK/uwsgi; scgi_temp_path $WORK/scgi;
  types { text/html html; text/x-component rsc; application/javascript js; text/css css; application/json json; }
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$ORIGIN_PORT;
    location /stored/ { alias $WORK/www/; add_header Cache-Control "public, max-age=3600"; }
    location /streamed/ { alias $WORK/www/; }
  }
}
CONF
nginx -p "$WORK" -c "$WORK/origin.conf"

EDGE_PORT=$EDGE_PORT EDGE_ADMIN_PORT=$ADMIN_PORT EDGE_BIND=127.0.0.1 EDGE_ORIGIN_URL="http://127.0.0.1:$ORIGIN_PORT" \
  EDGE_CACHE_ENABLED=true java -Xmx512m -jar "$JAR" --dev > "$WORK/edge.log" 2>&1 &
EDGE_PID=$!
for _ in $(seq 1 150); do
  curl -fs -o /dev/null "http://127.0.0.1:$EDGE_PORT/_edge/ready" && break
  kill -0 "$EDGE_PID" 2>/dev/null || { cat "$WORK/edge.log" >&2; die "the edge exited"; }
  sleep 0.2
done
curl -fs -o /dev/null "http://127.0.0.1:$EDGE_PORT/_edge/ready" || { cat "$WORK/edge.log" >&2; die "the edge is not ready"; }
if grep -i 'cannot load' "$WORK/edge.log" >&2; then die "a compression library did not load (above)"; fi

# ---- measuring ---------------------------------------------------------------------------------------------------
decoder() { # coding -> command
  case "$1" in br) echo "brotli -d -c" ;; zstd) echo "zstd -d -c -q" ;; gzip) echo "gzip -d -c" ;; identity) echo cat ;; esac
}

# GET $1 with Accept-Encoding $2 (none when empty), raw; prints "coding bytes cache-status" and checks the body
# decodes to the fixture $3.
fetch() { # path, coding or "", fixture
  local args=() coding status bytes
  [ -n "$2" ] && args=(-H "Accept-Encoding: $2")
  # An RSC payload is asked for as the Next.js router asks: the edge stores a text/x-component answer only for a
  # request that says RSC: 1 (else Cache-Status says detail=rsc-mismatch and passes it).
  [[ $1 == *.rsc ]] && args+=(-H "RSC: 1")
  bytes=$(curl -fsS "${args[@]}" -o "$WORK/answer.body" -D "$WORK/answer.head" -w '%{size_download}' "http://127.0.0.1:$EDGE_PORT$1") \
    || die "GET $1 (${2:-identity}) failed: curl exit $?"
  coding=$(tr -d '\r' < "$WORK/answer.head" | sed -n 's/^[Cc]ontent-[Ee]ncoding: *//p' | tail -1)
  coding=${coding:-identity}
  status=$(tr -d '\r' < "$WORK/answer.head" | sed -n 's/^[Cc]ache-[Ss]tatus: *//p' | tail -1 | tr ' ' '_')
  # shellcheck disable=SC2046
  $(decoder "$coding") < "$WORK/answer.body" | cmp -s - "$3" || die "GET $1 ($coding) does not decode to $3"
  echo "$coding $bytes ${status:-none}"
}

median_range() { # numbers... -> "median" or "median min–max"
  printf '%s\n' "$@" | sort -n | awk '{ v[NR] = $1 } END { m = v[int((NR + 1) / 2)]
    if (v[1] == v[NR]) print m; else printf "%d %d–%d\n", m, v[1], v[NR] }'
}

# The stored coding, once the background compression is done: poll until a hit answers in it.
stored_size() { # file, coding
  local name answer
  name=$(basename "$1")
  for _ in $(seq 1 200); do
    read -r -a answer <<< "$(fetch "/stored/$name" "$2" "$1")"
    [[ ${answer[0]} == "$2" && ${answer[2]} == *"_hit"* ]] && { echo "${answer[1]}"; return; }
    sleep 0.1
  done
  die "/stored/$name never answered a $2 hit (last: ${answer[*]})"
}

streamed_size() { # file, coding
  local name answer sizes=()
  name=$(basename "$1")
  for _ in $(seq 1 "$STREAMED_TRIES"); do
    read -r -a answer <<< "$(fetch "/streamed/$name" "$2" "$1")"
    [ "${answer[0]}" = "$2" ] || die "/streamed/$name with Accept-Encoding: $2 came back ${answer[0]}"
    [[ ${answer[2]} != *"_hit"* && ${answer[2]} != *stored* ]] \
      || die "/streamed/$name was cached (Cache-Status: ${answer[2]}): it must be passed through"
    sizes+=("${answer[1]}")
  done
  median_range "${sizes[@]}"
}

cli_size() { # file, command...
  local file=$1
  shift
  "$@" < "$file" | wc -c
}

pct() { # bytes, identity -> "18.3 %"
  awk -v b="${1%% *}" -v i="$2" 'BEGIN { printf "%.1f %%", 100 * b / i }'
}
cell() { # bytes (maybe "median min–max"), identity -> "6914 (22.1 %)" or "6914 (22.1 %; 6901–6950)"
  local range=""
  [[ $1 == *" "* ]] && range="; ${1#* }"
  echo "${1%% *} ($(pct "$1" "$2")$range)"
}
vs() { # edge bytes, reference bytes -> "+3.2 %"
  awk -v a="${1%% *}" -v b="$2" 'BEGIN { printf "%+.1f %%", 100 * (a / b - 1) }'
}

declare -A SIZE
for f in $FIXTURES; do
  name=$(basename "$f")
  read -r -a answer <<< "$(fetch "/stored/$name" "" "$f")"
  [ "${answer[0]}" = identity ] || die "/stored/$name without Accept-Encoding came back ${answer[0]}"
  SIZE[$name,identity]=${answer[1]}
  for coding in $CODINGS; do
    SIZE[$name,stored,$coding]=$(stored_size "$f" "$coding")
    SIZE[$name,streamed,$coding]=$(streamed_size "$f" "$coding")
  done
  SIZE[$name,gzip-6]=$(cli_size "$f" gzip -6 -n -c)
  SIZE[$name,gzip-9]=$(cli_size "$f" gzip -9 -n -c)
  SIZE[$name,brotli-11]=$(cli_size "$f" brotli -q 11 -c)
  SIZE[$name,zstd-19]=$(cli_size "$f" zstd -19 -q -c)
  for coding in $CODINGS; do
    level=$(level_of streamed "$coding")
    case "$coding" in
      br) SIZE[$name,cli-streamed,$coding]=$(cli_size "$f" brotli -q "$level" -c) ;;
      zstd) SIZE[$name,cli-streamed,$coding]=$(cli_size "$f" zstd "-$level" -q -c) ;;
      gzip) SIZE[$name,cli-streamed,$coding]=$(cli_size "$f" gzip "-$level" -n -c) ;;
    esac
    level=$(level_of stored "$coding")
    case "$coding" in
      br) SIZE[$name,cli-stored,$coding]=$(cli_size "$f" brotli -q "$level" -c) ;;
      zstd) SIZE[$name,cli-stored,$coding]=$(cli_size "$f" zstd "-$level" -q -c) ;;
      gzip) SIZE[$name,cli-stored,$coding]=$(cli_size "$f" gzip "-$level" -n -c) ;;
    esac
  done
  say "$name: identity ${SIZE[$name,identity]}; stored br ${SIZE[$name,stored,br]} zstd ${SIZE[$name,stored,zstd]} gzip ${SIZE[$name,stored,gzip]}; streamed br ${SIZE[$name,streamed,br]} zstd ${SIZE[$name,streamed,zstd]} gzip ${SIZE[$name,streamed,gzip]}"
done

# ---- report ------------------------------------------------------------------------------------------------------
sl() { level_of stored "$1"; }
st() { level_of streamed "$1"; }
STAMP=$(date +%Y-%m-%d-%H%M)
MD="$OUT/compression-$STAMP.md"
mkdir -p "$OUT"
{
  echo "# Compression through the edge on real Next.js output, $STAMP"
  echo
  echo "Command: \`bench/compression.sh\`. Bytes of the body as sent (raw, curl without \`--compressed\`), and the share"
  echo "of the identity body in brackets. Every compressed answer was decoded with Debian's tools back to the fixture."
  echo "Stored: a cache hit, compressed once in the background at EDGE_COMPRESS_STORED_LEVELS ($STORED_LEVELS)."
  echo "Streamed: the same file passed through (no freshness from the origin), compressed on the fly at"
  echo "EDGE_COMPRESS_STREAMED_LEVELS ($STREAMED_LEVELS); median of $STREAMED_TRIES answers, range in brackets when they differ."
  echo
  echo "- edge: $JAR built from $JAR_REV; brotli4j $(sed -n 's:.*<brotli4j.version>\(.*\)</brotli4j.version>.*:\1:p' pom.xml), zstd-jni $(sed -n 's:.*<zstd-jni.version>\(.*\)</zstd-jni.version>.*:\1:p' pom.xml); $(java -version 2>&1 | head -1)"
  echo "- reference tools: $(brotli --version 2>&1 | head -1), $(zstd --version 2>&1 | sed 's/\*//g; s/,.*//; s/^ *//'), $(gzip --version | head -1)"
  echo "- fixtures: bench/fixtures/nextjs/ (README there: Next.js 16.4.6, React 19.3.1)"
  echo
  echo "## Through the edge"
  echo
  echo "| fixture | identity | stored br $(sl br) | stored zstd $(sl zstd) | stored gzip $(sl gzip) | streamed br $(st br) | streamed zstd $(st zstd) | streamed gzip $(st gzip) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for f in $FIXTURES; do
    n=$(basename "$f"); i=${SIZE[$n,identity]}
    echo "| $n | $i | $(cell "${SIZE[$n,stored,br]}" "$i") | $(cell "${SIZE[$n,stored,zstd]}" "$i") | $(cell "${SIZE[$n,stored,gzip]}" "$i") | $(cell "${SIZE[$n,streamed,br]}" "$i") | $(cell "${SIZE[$n,streamed,zstd]}" "$i") | $(cell "${SIZE[$n,streamed,gzip]}" "$i") |"
  done
  echo
  echo "## The same files through the command-line tools"
  echo
  echo "| fixture | identity | gzip -6 | gzip -9 | brotli -q 11 | zstd -19 | brotli -q $(st br) | zstd -$(st zstd) | gzip -$(st gzip) |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  for f in $FIXTURES; do
    n=$(basename "$f"); i=${SIZE[$n,identity]}
    echo "| $n | $i | $(cell "${SIZE[$n,gzip-6]}" "$i") | $(cell "${SIZE[$n,gzip-9]}" "$i") | $(cell "${SIZE[$n,brotli-11]}" "$i") | $(cell "${SIZE[$n,zstd-19]}" "$i") | $(cell "${SIZE[$n,cli-streamed,br]}" "$i") | $(cell "${SIZE[$n,cli-streamed,zstd]}" "$i") | $(cell "${SIZE[$n,cli-streamed,gzip]}" "$i") |"
  done
  echo
  echo "## The edge against its format's reference tool at the same level (+ is larger than the tool)"
  echo
  echo "| fixture | stored br / brotli -q $(sl br) | stored zstd / zstd -$(sl zstd) | stored gzip / gzip -$(sl gzip) | streamed br / brotli -q $(st br) | streamed zstd / zstd -$(st zstd) | streamed gzip / gzip -$(st gzip) | best stored / gzip -6 |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|"
  for f in $FIXTURES; do
    n=$(basename "$f")
    best=$(printf '%s\n' "${SIZE[$n,stored,br]}" "${SIZE[$n,stored,zstd]}" "${SIZE[$n,stored,gzip]}" | sort -n | head -1)
    echo "| $n | $(vs "${SIZE[$n,stored,br]}" "${SIZE[$n,cli-stored,br]}") | $(vs "${SIZE[$n,stored,zstd]}" "${SIZE[$n,cli-stored,zstd]}") | $(vs "${SIZE[$n,stored,gzip]}" "${SIZE[$n,cli-stored,gzip]}") | $(vs "${SIZE[$n,streamed,br]}" "${SIZE[$n,cli-streamed,br]}") | $(vs "${SIZE[$n,streamed,zstd]}" "${SIZE[$n,cli-streamed,zstd]}") | $(vs "${SIZE[$n,streamed,gzip]}" "${SIZE[$n,cli-streamed,gzip]}") | $(vs "$best" "${SIZE[$n,gzip-6]}") |"
  done
} > "$MD"
cat "$MD"
say "written: $MD"
