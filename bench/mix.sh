#!/usr/bin/env bash
# A Paintbox-like mix replayed through `--dev`'s demo origin, for issue 11's closing figures: how much of it the
# origin cache answers (hit ratio) and how much of it never reaches the origin (offload).
#
# The edge: `java -jar target/paintbox-edge.jar --dev`, no EDGE_ORIGIN_URL, so its demo origin answers as a
# self-hosted Next.js app does (dev/DemoOrigin.java). wrk replays for DURATION a weighted mix (weights in percent of
# requests; ranks drawn from a Zipf law with exponent ZIPF_S, rank 1 the most requested):
#   static   STATIC=40   /_next/static/chunks/<n>-<hash>.js for CHUNKS=300 content-hashed assets, Zipf by rank
#                        (the framework and main chunks on every page, a page's own chunks less often): immutable
#   isr      ISR=40      /blog/post-<n> for SLUGS=200 posts, Zipf by rank (s-maxage=60, stale-while-revalidate=300);
#                        RSC_SHARE=50 % of them are client navigations: `RSC: 1`, `Next-Router-State-Tree` naming one
#                        of RSC_STATES=4 routes navigated from, and `_rsc=<hash of that state>` in the query, as Next.js
#                        14.1+ sends them (the answer varies on RSC and Next-Router-State-Tree: one variant per state)
#   private  PRIVATE=10  /account with a session cookie (private, no-store, Set-Cookie): never stored, every request
#                        goes to the origin (hit-for-miss)
#   home     HOMEPAGE=10 / (public, max-age=60)
# Start cold (an empty cache, as a machine that Fly has just started), unthrottled, CONNECTIONS connections.
#
# Figures, from the edge's own counters on the admin port (scraped before and after the run):
#   hit ratio      (hit + stale + revalidated) / all requests the cache counted; also over the cacheable classes
#   origin offload 1 - edge_cache_origin_fetches_total / edge_cache_requests_total (every reason: misses, passes of
#                  the private page, revalidations, background refreshes)
# and per class, from each response's Cache-Status as wrk's Lua script counts them (a class is told by the response:
# its Content-Type and Cache-Control): hit, stale (a hit past its freshness), revalidated (a 304 merged), miss
# (forwarded and stored), collapsed (shared another request's fetch), forwarded (not stored: pass, private). Background
# refreshes are nobody's response, so the per-class origin share leaves them out; the overall offload counts them.
# X-Origin-Request (the demo origin's request counter) gives a cross-check: the largest value seen is at most the
# origin's requests.
#
#   bench/mix.sh                                  # 60 s, about 70 s in all; writes bench/results/mix-<date>.md
#   DURATION=10s PRIVATE=20 STATIC=30 bench/mix.sh
#
# Knobs (none starts with EDGE_): DURATION=60s CONNECTIONS=16 THREADS=2 STATIC ISR PRIVATE HOMEPAGE (percent, summing
# to 100) RSC_SHARE=50 CHUNKS=300 SLUGS=200 RSC_STATES=4 ZIPF_S=1.0 SEED=1 JAR=target/paintbox-edge.jar JAVA_OPTS=""
# OUT=bench/results, ports MIX_PORT=18383 MIX_ADMIN_PORT=18393. Raw wrk output and the edge's log go to
# OUT/raw/. Needs java 17, wrk, curl; builds the jar when JAR is absent.
set -euo pipefail
cd "$(dirname "$0")/.."

DURATION=${DURATION:-60s}
CONNECTIONS=${CONNECTIONS:-16}
THREADS=${THREADS:-2}
STATIC=${STATIC:-40}
ISR=${ISR:-40}
PRIVATE=${PRIVATE:-10}
HOME_SHARE=${HOMEPAGE:-10}
RSC_SHARE=${RSC_SHARE:-50}
CHUNKS=${CHUNKS:-300}
SLUGS=${SLUGS:-200}
RSC_STATES=${RSC_STATES:-4}
ZIPF_S=${ZIPF_S:-1.0}
SEED=${SEED:-1}
JAR=${JAR:-target/paintbox-edge.jar}
JAVA_OPTS=${JAVA_OPTS:-}
OUT=${OUT:-bench/results}
MIX_PORT=${MIX_PORT:-18383}
MIX_ADMIN_PORT=${MIX_ADMIN_PORT:-18393}
COMMAND="DURATION=$DURATION CONNECTIONS=$CONNECTIONS THREADS=$THREADS STATIC=$STATIC ISR=$ISR PRIVATE=$PRIVATE \
HOMEPAGE=$HOME_SHARE RSC_SHARE=$RSC_SHARE CHUNKS=$CHUNKS SLUGS=$SLUGS RSC_STATES=$RSC_STATES ZIPF_S=$ZIPF_S SEED=$SEED\
$([ "$JAR" = target/paintbox-edge.jar ] || echo " JAR=$JAR")$([ -z "$JAVA_OPTS" ] || echo " JAVA_OPTS=\"$JAVA_OPTS\"") bench/mix.sh"

say() { echo "mix: $*" >&2; }

[ $((STATIC + ISR + PRIVATE + HOME_SHARE)) = 100 ] \
  || { say "STATIC + ISR + PRIVATE + HOMEPAGE must be 100, not $((STATIC + ISR + PRIVATE + HOME_SHARE))"; exit 2; }
for tool in java wrk curl; do
  command -v "$tool" >/dev/null || { say "$tool is required (apt-get install openjdk-17-jdk-headless wrk curl)"; exit 2; }
done
[ -f "$JAR" ] || { say "building $JAR"; mvn -B -q package -DskipTests; }

mkdir -p "$OUT/raw"
STAMP=$(date +%Y-%m-%d-%H%M%S)
WORK=$(mktemp -d /tmp/paintbox-mix.XXXXXX)
EDGE_PID=""
cleanup() {
  [ -n "$EDGE_PID" ] && kill "$EDGE_PID" 2>/dev/null && wait "$EDGE_PID" 2>/dev/null
  rm -rf "$WORK"
}
trap cleanup EXIT

# ---- the edge, with its demo origin ------------------------------------------------------------------------------
read -r -a flags <<< "$JAVA_OPTS"
env -u EDGE_ORIGIN_URL EDGE_PORT="$MIX_PORT" EDGE_ADMIN_PORT="$MIX_ADMIN_PORT" EDGE_BIND=127.0.0.1 \
  EDGE_CACHE_ENABLED=true java ${flags[@]+"${flags[@]}"} -jar "$JAR" --dev > "$OUT/raw/mix-$STAMP-edge.log" 2>&1 &
EDGE_PID=$!
for _ in $(seq 1 150); do
  curl -fs "http://127.0.0.1:$MIX_PORT/_edge/ready" >/dev/null 2>&1 && break
  kill -0 "$EDGE_PID" 2>/dev/null || break
  sleep 0.2
done
curl -fs "http://127.0.0.1:$MIX_PORT/_edge/ready" >/dev/null \
  || { tail -20 "$OUT/raw/mix-$STAMP-edge.log" >&2; say "the edge did not become ready"; exit 1; }

# The demo origin answers as the mix expects: a post is stored then hit (a slug outside the mix, so the run still
# starts cold), the private page is not stored.
cache_status() { curl -fs -o /dev/null -D - "$@" | awk -F': ' 'tolower($1) == "cache-status" { sub(/\r$/, "", $2); print $2 }'; }
cache_status "http://127.0.0.1:$MIX_PORT/blog/mix-check" > /dev/null
[[ $(cache_status "http://127.0.0.1:$MIX_PORT/blog/mix-check") == *"; hit"* ]] \
  || { say "the edge did not store --dev's /blog/mix-check: is the demo origin the one answering?"; exit 1; }
[[ $(cache_status "http://127.0.0.1:$MIX_PORT/account") != *stored* ]] \
  || { say "the edge stored /account"; exit 1; }

counters() { # -> "name{label} value" lines of the cache's request and origin fetch counters
  curl -fs "http://127.0.0.1:$MIX_ADMIN_PORT/metrics" \
    | awk '/^edge_cache_(requests|origin_fetches)_total\{/ { sub(/\.0$/, "", $NF); print $1, $NF }'
}

# ---- the mix -----------------------------------------------------------------------------------------------------
cat > "$WORK/mix.lua" <<LUA
-- Paintbox-like mix; see bench/mix.sh. Each thread draws from its own seeded generator.
local weights = { static = $STATIC, isr = $ISR, private = $PRIVATE, home = $HOME_SHARE }
local rsc_share, chunks, slugs, states, s = $RSC_SHARE, $CHUNKS, $SLUGS, $RSC_STATES, $ZIPF_S

local threads = {}
setup = function(thread)
  thread:set("id", #threads + 1)
  table.insert(threads, thread)
end

-- Cumulative Zipf weights over n ranks.
local function zipf(n)
  local c, total = {}, 0
  for k = 1, n do total = total + 1 / k ^ s; c[k] = total end
  for k = 1, n do c[k] = c[k] / total end
  return c
end
local function draw(c)
  local r, lo, hi = math.random(), 1, #c
  while lo < hi do
    local mid = math.floor((lo + hi) / 2)
    if c[mid] < r then lo = mid + 1 else hi = mid end
  end
  return lo
end
local function hash(n) return bit.tohex(bit.tobit(n * 2654435761 % 4294967296)) end

local chunk_ranks, slug_ranks
local routes = { "/", "/blog", "/blog/post-1", "/account", "/blog/post-2", "/about", "/blog/post-3", "/search" }
counts = {}
max_origin = 0

init = function(args)
  math.randomseed($SEED * 7919 + id)
  chunk_ranks, slug_ranks = zipf(chunks), zipf(slugs)
end

request = function()
  local r = math.random() * 100
  if r < weights.static then
    local n = draw(chunk_ranks)
    return wrk.format("GET", "/_next/static/chunks/" .. n .. "-" .. hash(n) .. ".js")
  end
  r = r - weights.static
  if r < weights.isr then
    local path = "/blog/post-" .. draw(slug_ranks)
    if math.random() * 100 < rsc_share then
      local state = math.random(states)
      local tree = '["",{"children":["' .. routes[(state - 1) % #routes + 1] .. '",{}]},null,null,true]'
      return wrk.format("GET", path .. "?_rsc=" .. hash(state * 131 + 7), { ["RSC"] = "1",
        ["Next-Router-State-Tree"] = tree, ["Next-Url"] = path })
    end
    return wrk.format("GET", path)
  end
  r = r - weights.isr
  if r < weights.private then
    return wrk.format("GET", "/account", { ["Cookie"] = "session=" .. math.random(1000) })
  end
  return wrk.format("GET", "/")
end

-- The class, from the response (hits carry the stored head), and how the cache answered, from Cache-Status.
response = function(status, headers, body)
  local h = {}
  for k, v in pairs(headers) do h[string.lower(k)] = v end
  local ct, cc, cs = h["content-type"] or "", h["cache-control"] or "", h["cache-status"] or ""
  local class
  if ct:find("javascript", 1, true) then class = "static"
  elseif ct:find("x-component", 1, true) then class = "isr-rsc"
  elseif cc:find("private", 1, true) then class = "private"
  elseif cc:find("s-maxage", 1, true) then class = "isr-html"
  else class = "home" end
  local result
  if status < 200 or status >= 400 then result = "error"
  elseif cs:find("; hit", 1, true) then
    local ttl = tonumber(cs:match("ttl=(%-?%d+)") or "0")
    result = (ttl < 0 or cs:find("stale-if-error", 1, true)) and "stale" or "hit"
  elseif cs:find("fwd-status=304", 1, true) then result = "revalidated"
  elseif cs:find("; collapsed", 1, true) then result = "collapsed"
  elseif cs:find("; stored", 1, true) then result = "miss"
  else result = "forwarded" end
  local key = class .. " " .. result
  counts[key] = (counts[key] or 0) + 1
  local origin = tonumber(h["x-origin-request"] or "0") or 0
  if origin > max_origin then max_origin = origin end
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("wrk requests %d\nwrk seconds %.1f\nwrk errors %d\nwrk non2xx %d\nwrk p50_ms %.2f\nwrk p99_ms %.2f\n",
    summary.requests, summary.duration / 1e6, e.connect + e.read + e.write + e.timeout, e.status,
    latency:percentile(50) / 1000, latency:percentile(99) / 1000))
  local total, max = {}, 0
  for _, thread in ipairs(threads) do
    for key, n in pairs(thread:get("counts")) do total[key] = (total[key] or 0) + n end
    local m = thread:get("max_origin")
    if m > max then max = m end
  end
  for key, n in pairs(total) do io.write("class " .. key .. " " .. n .. "\n") end
  io.write("origin max_seen " .. max .. "\n")
end
LUA

LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
BEFORE=$(counters)
say "replaying the mix for $DURATION over $CONNECTIONS connections (static $STATIC %, ISR $ISR % of which RSC $RSC_SHARE %, private $PRIVATE %, home $HOME_SHARE %)"
wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --timeout 10s -s "$WORK/mix.lua" "http://127.0.0.1:$MIX_PORT" \
  > "$OUT/raw/mix-$STAMP.wrk"
AFTER=$(counters)
kill -0 "$EDGE_PID" 2>/dev/null || { say "the edge exited during the run"; exit 1; }

# ---- figures -----------------------------------------------------------------------------------------------------
# "name{label} value" before and after -> "label delta" (label: result or reason)
delta() { # counter name
  { echo "$BEFORE" | sed 's/^/b /'; echo "$AFTER" | sed 's/^/a /'; } | awk -v n="$1" '
    index($2, n "{") == 1 { match($2, /"[a-z]+"/); l = substr($2, RSTART + 1, RLENGTH - 2)
      if ($1 == "b") b[l] = $3; else a[l] = $3 }
    END { for (l in a) print l, a[l] - b[l] }' | sort
}
REQUESTS=$(delta edge_cache_requests_total)
FETCHES=$(delta edge_cache_origin_fetches_total)
WRK_OUT="$OUT/raw/mix-$STAMP.wrk"
wrk_value() { awk -v k="$1" '$1 == "wrk" && $2 == k { print $3 }' "$WRK_OUT"; }

overall() {
  awk -v requests="$REQUESTS" -v fetches="$FETCHES" -v priv="$(awk '$1 == "class" && $2 == "private" { s += $4 } END { print s + 0 }' "$WRK_OUT")" 'BEGIN {
    n = split(requests, r, "\n"); for (i = 1; i <= n; i++) { split(r[i], f, " "); q[f[1]] = f[2]; all += f[2] }
    n = split(fetches, r, "\n"); for (i = 1; i <= n; i++) { split(r[i], f, " "); o[f[1]] = f[2]; origin += f[2] }
    served = q["hit"] + q["stale"] + q["revalidated"]
    printf "| requests the cache counted | %d |\n", all
    printf "| hit ratio, (hit + stale + revalidated) / all | **%.1f %%** |\n", (all ? 100 * served / all : 0)
    printf "| hit ratio of the cacheable classes (all but the %d private-page requests) | %.1f %% |\n", priv,
      (all - priv > 0 ? 100 * served / (all - priv) : 0)
    printf "| origin fetches (miss %d, pass %d, revalidate %d, background %d) | %d |\n", o["miss"], o["pass"], o["revalidate"], o["background"], origin
    printf "| origin offload, 1 - origin fetches / requests | **%.1f %%** |\n", (all ? 100 * (1 - origin / all) : 0)
    printf "| results: hit %d, stale %d, revalidated %d, miss %d, collapsed %d, pass %d, bypass %d | |\n", q["hit"], q["stale"],
      q["revalidated"], q["miss"], q["collapsed"], q["pass"], q["bypass"]
  }'
}

per_class() {
  awk '$1 == "class" { n[$2] += $4; c[$2 " " $3] = $4; total += $4 }
    END {
      split("static isr-html isr-rsc private home", order, " ")
      for (i = 1; i <= 5; i++) {
        k = order[i]; if (!(k in n)) continue
        served = c[k " hit"] + c[k " stale"] + c[k " revalidated"]
        fetched = c[k " miss"] + c[k " forwarded"] + c[k " revalidated"]
        printf "| %s | %d | %.1f %% | %.1f %% | %.1f %% | %d | %d | %d | %d | %d | %d | %d |\n", k, n[k], 100 * n[k] / total,
          100 * served / n[k], 100 * (1 - fetched / n[k]), c[k " hit"], c[k " stale"], c[k " revalidated"], c[k " miss"],
          c[k " collapsed"], c[k " forwarded"], c[k " error"]
      }
    }' "$WRK_OUT"
}

MD="$OUT/mix-$STAMP.md"
{
  echo "# A Paintbox-like mix through --dev, $STAMP"
  echo
  echo "Command: \`$COMMAND\`"
  echo
  echo "The edge: \`java${JAVA_OPTS:+ $JAVA_OPTS} -jar $JAR --dev\` (demo origin, cache on, default size), from $(git rev-parse --short HEAD 2>/dev/null)$(git diff --quiet HEAD -- src 2>/dev/null || echo "+local changes"); started cold."
  echo "Machine: $(nproc) CPUs, $(awk -F': ' '/model name/ { print $2; exit }' /proc/cpuinfo); load average before/after the run: $LOAD_BEFORE / $(cut -d' ' -f1-3 /proc/loadavg)."
  echo
  echo "## The mix"
  echo
  echo "| class | share of requests | what | popularity |"
  echo "|---|---:|---|---|"
  echo "| static | $STATIC % | \`/_next/static/chunks/<n>-<hash>.js\`, $CHUNKS distinct, \`public, max-age=31536000, immutable\` | Zipf s=$ZIPF_S |"
  echo "| isr | $ISR % | \`/blog/post-<n>\`, $SLUGS slugs, \`s-maxage=60, stale-while-revalidate=300\` (\`CDN-Cache-Control: max-age=60, stale-while-revalidate=300\`, which rules); $RSC_SHARE % of them with \`RSC: 1\`, \`Next-Router-State-Tree\` (one of $RSC_STATES routes) and \`_rsc=<hash>\`, answered \`text/x-component\` | Zipf s=$ZIPF_S |"
  echo "| private | $PRIVATE % | \`/account\` with a session cookie: \`private, no-store\`, \`Set-Cookie\` | one URL |"
  echo "| home | $HOME_SHARE % | \`/\`, \`public, max-age=60\` | one URL |"
  echo
  echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION, unthrottled: $(wrk_value requests) requests in $(wrk_value seconds) s, $(wrk_value errors) socket errors, $(wrk_value non2xx) non-2xx/3xx, p50 $(wrk_value p50_ms) ms, p99 $(wrk_value p99_ms) ms."
  echo
  echo "## Overall, from the edge's counters (admin /metrics before and after)"
  echo
  echo "| figure | value |"
  echo "|---|---:|"
  overall
  echo
  echo "The demo origin's X-Origin-Request, largest value seen in a response: $(awk '$1 == "origin" { print $3 }' "$WRK_OUT") (requests it answered since start, including the two checks and background refreshes nobody saw; the counters above say $(echo "$FETCHES" | awk '{ s += $2 } END { print s }') fetches during the run)."
  echo
  echo "## Per class, from each response's Cache-Status (counted in wrk's Lua)"
  echo
  echo "origin share left out: background refreshes (no response shows them). \"not from origin\" = 1 - (miss + forwarded + revalidated) / requests."
  echo
  echo "| class | requests | share | hit ratio | not from origin | hit | stale | revalidated | miss | collapsed | forwarded | error |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|"
  per_class
} > "$MD.tmp"
mv "$MD.tmp" "$MD"
sed -n '/^## Overall/,$p' "$MD"
echo
echo "written: $MD (raw: $WRK_OUT)"
