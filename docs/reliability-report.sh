#!/usr/bin/env bash
# Regenerates docs/reliability.md, the table of issue 7's cases, from test results and the last soak run:
#
#   docs/reliability-report.sh            # runs the test classes the table names (mvn test), then writes the doc
#   docs/reliability-report.sh --no-test  # writes the doc from the last run's results (e.g. after mvn verify)
#
# Inputs: target/reliability-figures/cases.tsv (one line per test invocation, by testing.CaseLog, with display
# names, so each parameterized case is named by what it tries), target/reliability-figures/*.properties (figures
# tests measured), bench/results/latest-{load,soak,storm,cache}.properties (bench/soak.sh). The catalogue below maps each
# case of the issue to the tests that try it; a case passes when every invocation it names passed.
set -euo pipefail
cd "$(dirname "$0")/.."

CATALOGUE=$(cat <<'TSV'
1 AWS faults	latency within the attempt timeout, cold cache	requests wait on the one fetch, then 200; ready	AwsFaultMatrixTest#coldStart_awsFault~latency 400 ms
1 AWS faults	latency within the attempt timeout, warm cache (3 s refresh)	no request waits: fresh or stale served at once	JwksFaultsTest#slowAws_threeSecondRefresh_noRequestWaitsForIt
1 AWS faults	latency past the attempt timeout	cold: 503 + Retry-After, not ready, type timeout, recovers	AwsFaultMatrixTest#coldStart_awsFault~latency 1.5 s
1 AWS faults	no answer at all (hang)	cold: 503, type timeout; warm: last good until fresh+SIE, then 503	AwsFaultMatrixTest#coldStart_awsFault~hang	JwksFaultsTest#failingAws~HANG
1 AWS faults	5xx InternalServiceError	cold: 503, not ready, type 5xx; warm: stale then 503	AwsFaultMatrixTest#coldStart_awsFault~5xx	JwksFaultsTest#failingAws~SERVER_ERROR	AdminPortTest#refresh_awsFailing_502AndTheServedJwksIsKept
1 AWS faults	ThrottlingException	cold: 503, type throttled; warm: stale then 503; backoff, not one call per request	AwsFaultMatrixTest#coldStart_awsFault~Throttling	JwksFaultsTest#failingAws~THROTTLING	JwksMetricsTest#awsFailing_staleServedErrorsCountedByTypeThen503
1 AWS faults	AccessDeniedException	cold: 503, type denied; warm: stale then 503	AwsFaultMatrixTest#coldStart_awsFault~AccessDenied	JwksFaultsTest#failingAws~ACCESS_DENIED
1 AWS faults	secret not found	cold: 503, not ready, type not_found (emulator and moto); warm: stale then 503	AwsFaultMatrixTest#coldStart_awsFault~ResourceNotFound	JwksFaultsTest#failingAws~NOT_FOUND	EmulatorBlackBoxTest#missingSecret	MotoBlackBoxTest#missingSecret
1 AWS faults	connection reset	cold: 503, type network; warm: stale then 503	AwsFaultMatrixTest#coldStart_awsFault~reset	JwksFaultsTest#failingAws~RESET
1 AWS faults	truncated body	cold: 503, type network; warm: stale then 503	AwsFaultMatrixTest#coldStart_awsFault~truncated	JwksFaultsTest#failingAws~TRUNCATED
1 AWS faults	garbage body	cold: 503, type malformed; warm: stale then 503	AwsFaultMatrixTest#coldStart_awsFault~garbage	JwksFaultsTest#failingAws~GARBAGE
1 AWS faults	secret over 64 KiB	invalid: cold 503/not ready; warm: good JWKS kept byte for byte, ready (emulator and moto)	AwsFaultMatrixTest#~over 64 KiB	MotoBlackBoxTest#invalidVersion~over 64 KiB	EmulatorBlackBoxTest#invalidVersion~over 64 KiB	KeyMaterialTest#publicKeys_overSixtyFourKiB_isInvalid
1 AWS faults	only symmetric keys	invalid, as above; k never published	AwsFaultMatrixTest#~only symmetric	MotoBlackBoxTest#~only symmetric	EmulatorBlackBoxTest#~only symmetric	MotoBlackBoxTest#symmetricOnlySecret_isInvalidAndNeverServed	KeyMaterialTest#publicKeys_onlySymmetricKeys_isInvalidAndTheMessageHoldsNoKeyMaterial
1 AWS faults	only private keys without their public members	invalid, as above	AwsFaultMatrixTest#~only private keys	MotoBlackBoxTest#~only private keys	EmulatorBlackBoxTest#~only private keys	KeyMaterialTest#publicKeys_privateWithoutPublicMembers_isInvalidWithoutQuotingIt
1 AWS faults	duplicate kids	invalid, as above; counted invalid, not error	AwsFaultMatrixTest#~duplicate kids	MotoBlackBoxTest#~duplicate kids	EmulatorBlackBoxTest#~duplicate kids	JwksMetricsTest#invalidSecret_countedAsInvalidAndNothingPrivateReachesTheMetrics	KeyMaterialTest#publicKeys_duplicateKid_isInvalid
1 AWS faults	rotation in the middle of a refresh	the key current when the refresh began stays published; next refresh converges (emulator); rotation publishes every stage (emulator and moto)	AwsFaultMatrixTest#rotationDuringRefresh	EmulatorBlackBoxTest#rotation_newCurrentAndPending_publishesEveryStageTogether	MotoBlackBoxTest#rotation_newCurrentAndPending_publishesEveryStageTogether
1 AWS faults	past every window with a fallback file	fallback served (detail=fallback), ready; recovers when AWS heals	JwksFaultsTest#failingAws_pastEveryWindow_servesTheFallbackFile
1 AWS faults	no private member in responses, admin answers, metrics or logs	checked in every case above; private JWKs in the secret	AwsFaultMatrixTest#	EmulatorBlackBoxTest#privateKeySecret_isPublishedPublicOnlyAndVerifiesTokens	MotoBlackBoxTest#privateKeySecret_isPublishedPublicOnlyAndVerifiesTokens
2 origin faults	connection refused	502 origin_unreachable, fast; JWKS still served and ready	FailureTest#originRefusesConnections_answers502FastWithJsonNoStoreAndNoCacheStatus	FailureTest#originDown_jwksStillServedAndEdgeReady	FailureTest#originDown_webSocketUpgrade_answers502WithJson
2 origin faults	reset or closed before the response head	502 origin_error; next client served	OriginFaultsTest#originResetsBeforeHeaders_answers502AndTheNextClientIsServed	FailureTest#originClosesBeforeAnswering_answers502
2 origin faults	reset or closed mid-body	client's response aborted (short body then close, no last chunk, h2 stream reset)	AbortTest#originDiesMidBody
2 origin faults	slow headers	504 origin_timeout within the origin timeout; origin request dropped	FailureTest#originNeverAnswers_answers504WithinOriginTimeoutAndDropsTheOriginRequest
2 origin faults	slow body	trickled: every byte in order; stalled: aborted after the body idle timeout	OriginFaultsTest#originTricklesItsBody_everyByteArrivesInOrder	AbortTest#originStallsAfterHead_clientAbortedAfterBodyIdleTimeout
2 origin faults	endless body	streamed with back-pressure; client leaving closes the origin response	AbortTest#clientLeavesMidDownload_originResponseIsClosed	StreamingTest#download_100MiBToSlowReader_arrivesIntactAndOriginIsHeldBack
2 origin faults	huge response head (70 KB)	502 origin_error	OriginFaultsTest#originSendsHugeResponseHead_answers502
2 origin faults	invalid status lines and framing	502 origin_error, or aborted when the fault is in the body; never relayed	OriginFaultsTest#originSendsInvalidResponse
2 origin faults	103 Early Hints before the response	final response intact	OriginFaultsTest#originSendsEarlyHintsBeforeTheResponse_clientGetsTheFinalResponseIntact
2 origin faults	unsolicited 100 Continue	final response only	OriginFaultsTest#originSendsUnsolicited100Continue_clientGetsTheFinalResponseOnly
2 origin faults	101 to a plain request	502, no tunnel	OriginFaultsTest#originSends101ToAPlainRequest_noTunnelIsOpened
2 origin faults	client leaves first	origin request cancelled, or never sent when still queued	AbortTest#clientLeaves	OriginPoolTest#clientLeavesWhileQueuedForAPooledConnection_itsRequestNeverReachesOrigin
2 origin faults	10,000 failures (refused, reset, cut), 32 at a time	pool, origin and client connections, descriptors and heap back to baseline	OriginLeakTest#
3 hostile clients	malformed request lines and heads	refused or closed, never forwarded	HostileClientTest#malformedRequest
3 hostile clients	oversized URI	414 before the origin	SafetyTest#oversizedRequestLine_refused414BeforeTheOrigin
3 hostile clients	oversized headers	431 before the origin	SafetyTest#oversizedHeaders_refused431BeforeTheOrigin
3 hostile clients	CL.TE	chunks frame the body, connection closed, nothing pipelined served	SafetyTest#contentLengthAndChunked_http11_chunksFrameTheBodyAndNothingPipelinedBehindIsServed	HostileClientTest#smugglingVariant~Transfer-Encoding: chunked\r\nContent-Length	HostileClientTest#smugglingVariant~Content-Length: 4\r\nTransfer-Encoding
3 hostile clients	TE.CL	one request at the origin, with the chunked body	HostileClientTest#teCl_bodyLooksLikeARequest_originGetsOneRequestWithThatBody
3 hostile clients	duplicate or odd Content-Length	400, or one consistent length; nothing smuggled	SafetyTest#duplicateDifferingContentLength_refused400	HostileClientTest#smugglingVariant~Content-Length: 5
3 hostile clients	obfuscated Transfer-Encoding	400 and close, nothing pipelined behind forwarded	SafetyTest#transferEncodingOtherThanChunked_refused400	SafetyTest#transferEncodingOnHttp10_refused400AndNothingForwarded	HostileClientTest#smugglingVariant~Transfer	HostileClientTest#smugglingVariant~X-Folded
3 hostile clients	invalid chunking	request never completes at the origin; client gets no 200	HostileClientTest#invalidChunking	HostileClientTest#chunkSizeWithTrailingJunk_readLenientlyReFramedAndConnectionClosed
3 hostile clients	absolute-form and CONNECT	only the origin is contacted, in origin-form; CONNECT 405	SafetyTest#absoluteFormTarget_naming_anotherHost_reachesOriginInOriginForm	SafetyTest#connect_toAnotherHost_refused405AndNothingForwarded	SafetyTest#requestTargetNotOriginOrAbsoluteForm_refused400	SafetyTest#optionsAsterisk_forwardedAsIs	HostileClientTest#targetOrHeadersNamingAnotherHost	HostileClientTest#absoluteFormNamingTheEdgesOwnPaths_servedByTheEdgeNotForwarded	SafetyTest#oddHostValues
3 hostile clients	CRLF injection into forwarded values	no injected header, no CR/LF in any forwarded value	HostileClientTest#crlfInjectionAttempt
3 hostile clients	path traversal, encoded dot segments, //	routed by the raw path only; the origin gets the target byte for byte	HostileClientTest#pathTrick
3 hostile clients	slowloris and silent connections	closed at the idle timeout; nothing forwarded	SlowClientTest#slowloris	SlowClientTest#silentConnection
3 hostile clients	slow but honest clients	slow uploads and busy WebSockets are not cut	SlowClientTest#slowUpload	SlowClientTest#webSocket	StreamingTest#slowUpload_longerThanOriginTimeout_isNotMistakenForASlowOrigin	WebSocketTest#webSocket_quietLongerThanOriginTimeout_staysOpen
3 hostile clients	3,000 idle connections	JWKS answers a new client; all shed; edge up	SlowClientTest#idleConnections
3 hostile clients	X-Forwarded-Proto behind Fly (EDGE_TRUST_FORWARDED)	kept when trusted and http/https; else the edge's own hop	ForwardedTrustTest#	PassThroughTest#request_existingForwardedHeaders_forAppendedProtoAndHostReplaced
4 property	generated JWK documents, validation	public-only, valid, unique kids, nothing private in messages (3,000 documents)	KeyMaterialPropertyTest#
4 property	generated secrets through emulator, SDK and HTTP	public-only over HTTP; an invalid document never changes the served bytes (150 documents)	PublishedJwksPropertyTest#
5 load (in mvn verify)	cold burst on an empty cache	one AWS call per stage for 500 concurrent requests (emulator)	EmulatorBlackBoxTest#coldBurst_500ConcurrentRequests_allServedFromOneCallPerStage	MotoBlackBoxTest#coldBurst_500ConcurrentRequests_allServedFromOneCallPerStage	JwksMetricsTest#coldBurst_everyRequestCollapsedOntoOneFetch
6 origin cache	what is stored (RFC 9111 §3): no-store, private, Set-Cookie, Authorization, status, size	stored only when every rule allows; qualified private/no-cache stored without the named fields	StorageTest#	HeuristicFreshnessTest#
6 origin cache	freshness and age (RFC 9111 §4.2, §5.1, §5.3)	s-maxage > max-age > Expires; duplicates and junk treated as stale; corrected initial age; stale on arrival not stored	FreshnessTest#	AgeTest#
6 origin cache	targeted fields (RFC 9213)	Paintbox-Edge-Cache-Control > CDN-Cache-Control > Cache-Control; invalid ones ignored; the edge's own never sent on	TargetedFieldsTest#
6 origin cache	validation (RFC 9111 §4.3)	stale entries revalidated with the stored validators; 304 updates the entry; client conditionals answered by the edge	ValidationTest#
6 origin cache	stale-while-revalidate and stale-if-error (RFC 5861)	one background revalidation; stale on 5xx, refused connection and timeout within the window; error past it	StaleTest#
6 origin cache	Vary and its normalisation (RFC 9111 §4.1)	variants stored apart; field lines, case and Accept-Encoding spellings normalised; Vary: * not stored	VaryTest#
6 origin cache	one fetch per miss (RFC 9211 §2.6)	20 concurrent misses, one origin request; unshareable answers release waiters in parallel; a leaving leader stops nothing	CollapsingTest#
6 origin cache	client directives, HEAD, ranges	no-cache/max-age=0 kept from the origin by default; only-if-cached 504; HEAD and Range served from a GET entry	ClientDirectivesTest#	HeadTest#	RangeTest#
6 origin cache	invalidation by unsafe methods (RFC 9111 §4.4)	target, Location and Content-Location on the same host invalidated after a 2xx/3xx only	InvalidationTest#
6 origin cache	purge (admin port)	by path, URL, prefix, surrogate key; soft or hard; every variant; bad body 400; no token 401/403	PurgeTest#
6 origin cache	shared-cache safety	private and Set-Cookie answers never reach a second client, through collapsing too; unkeyed fields cannot poison; RSC and HTML never cross	CacheSecurityTest#
6 origin cache	random request and answer sequences against a reference model	no invariant broken (what is stored, what is served, to whom)	CachePropertyTest#
6 origin cache	metrics	hit, miss, collapsed, stale, pass, bypass, revalidated each counted; stored bytes reported	CacheMetricsTest#
7 fleet	three regions, one shield, 3 x 1,000 requests for 100 URLs	the origin sees 100 fills; Cache-Status names the shield and the edge	FleetTest#threeRegions	FleetTest#hitAtAnEdge
7 fleet	purge by surrogate key at any machine	every machine misses next; a purge id applied once	FleetTest#purgeBySurrogateKey	FleetTest#purgeId
7 fleet	a machine down, or never answering, during a purge	the others purged; 502 naming the failure; answered within the deadline	FleetTest#purge_oneMachineDown	FleetTest#purge_aMachineThatNeverAnswers
7 fleet	the shield down, or unable to reach the origin	edges fall back to the origin; the origin's own errors relayed	FleetTest#shieldDown	ShieldFallbackTest#
7 fleet	forged hop markers	stripped, no trust granted; a valid marker only for its method, URL and window	FleetTest#hopMarker	HopMarkerTest#
7 fleet	discovery through Fly's private DNS (a DNS server the test starts)	machines followed as they start and stop; the list kept while the resolver is silent	DnsDiscoveryTest#
7 fleet	shield choice among several machines	each URL to one machine; a leaving machine moves only its share; a failing one left out for a while	ShieldsTest#
8 compression	stored answers in br, zstd, gzip over HTTP/1.1 and h2	each decodes (JDK, brotli and zstd tools) to the origin's body, own strong ETag, exact length	CompressionTest#storedAnswer	CompressionTest#miss_streamed	CodecsTest#
8 compression	answers compressed on the fly	weak ETag, no length, decodes to the body	CompressionTest#uncachedAnswer
8 compression	negotiation and what is left alone	q-values honoured, 406 when nothing is acceptable; no-transform, images and encoded bodies untouched	CompressionTest#negotiation	CompressionTest#noTransform
8 compression	conditionals, HEAD and ranges on compressed answers	304 for any coding's tag; HEAD headers of the coding; ranges from the identity body	CompressionTest#conditional	CompressionTest#head	CompressionTest#range	CompressionTest#varyAcceptEncoding
8 compression	the JWKS in every coding	each decodes to the same keys	CompressionTest#jwks
TSV
)

if [ "${1:-}" != "--no-test" ]; then
  CLASSES=$(printf '%s\n' "$CATALOGUE" | tr '\t' '\n' | grep '#' | sed 's/#.*//' | sort -u | paste -sd, -)
  command -v moto_server >/dev/null 2>&1 && export PAINTBOX_REQUIRE_MOTO=1
  # Failures are reported in the table rather than stopping it.
  mvn -B -q test -Dtest="$CLASSES" -Dsurefire.failIfNoSpecifiedTests=false -Dmaven.test.failure.ignore=true \
    > target/reliability-report-mvn.log 2>&1 || true
fi

CATALOGUE="$CATALOGUE" python3 - <<'PY'
import glob, os, re, datetime

cases = []
path = "target/reliability-figures/cases.tsv"
if os.path.exists(path):
    for line in open(path, encoding="utf-8"):
        parts = line.rstrip("\n").split("\t")
        if len(parts) == 5:
            cases.append(dict(cls=parts[0], method=parts[1], display=parts[2], outcome=parts[3], ms=int(parts[4])))

def props(file):
    out = {}
    if os.path.exists(file):
        for line in open(file, encoding="utf-8"):
            if "=" in line:
                k, v = line.rstrip("\n").split("=", 1)
                out[k] = v
    return out

figures = {os.path.basename(f)[:-len(".properties")]: props(f) for f in glob.glob("target/reliability-figures/*.properties")}
bench = {p: props(f"bench/results/latest-{p}.properties") for p in ("load", "soak", "storm", "cache")}

def match(selector):
    cls, _, rest = selector.partition("#")
    method, _, display = rest.partition("~")
    return [c for c in cases if c["cls"] == cls and c["method"].startswith(method) and display in c["display"]]

FIGURE_KEYS = {
    "OriginLeakTest#": ("OriginLeakTest", lambda f: f"{f.get('failures')} failures in {int(f.get('elapsed_ms', 0)) / 1000:.1f} s; "
        f"fds {f.get('open_files_before')}→{f.get('open_files_after')}; heap {f.get('heap_before_mib')}→{f.get('heap_after_mib')} MiB after GC; "
        f"pool in use {f.get('pool_in_use_after')}"),
    "SlowClientTest#idleConnections": ("SlowClientTest.idleConnections", lambda f: f"{f.get('idle_connections')} opened in {f.get('open_ms')} ms; "
        f"JWKS in {f.get('jwks_with_all_open_ms')} ms with all open; {f.get('shed')} shed in {int(f.get('shed_ms', 0)) / 1000:.1f} s"),
}

rows, total_cases, passed_cases, invocations, passed_inv = [], 0, 0, 0, 0
for line in os.environ["CATALOGUE"].strip().split("\n"):
    part, case, expected, *selectors = line.split("\t")
    found, labels = [], {}
    for s in selectors:
        m = match(s)
        found += m
        label = s.split('~')[0].rstrip('#')
        labels[label] = labels.get(label, 0) + len(m)
    tests = [f"`{label}`" + (f" ({n})" if n != 1 else "") for label, n in labels.items()]
    # A test named by two selectors counts once.
    unique = {(c["cls"], c["method"], c["display"]): c for c in found}.values()
    n, ok = len(unique), sum(1 for c in unique if c["outcome"] == "passed")
    total_cases += 1
    invocations += n
    passed_inv += ok
    if n == 0:
        result = "not run"
    elif ok == n:
        result = f"pass ({ok}/{n})"
        passed_cases += 1
    else:
        result = f"**FAIL** ({ok}/{n})"
    ms = sum(c['ms'] for c in unique)
    figure = f"tests ran {ms} ms" if ms < 1000 else f"tests ran {ms / 1000:.1f} s"
    for s in selectors:
        if s in FIGURE_KEYS and FIGURE_KEYS[s][0] in figures:
            figure = FIGURE_KEYS[s][1](figures[FIGURE_KEYS[s][0]])
    rows.append((part, case, expected, result, figure, ", ".join(tests)))

def bench_row(name, p, expected, figure):
    if not p:
        return (f"5 {name}", expected, "not run", "run bench/soak.sh", "`bench/soak.sh`")
    ok = p.get(f"{name}.pass", p.get(f"{name}.rss_flat")) == "true"
    if name == "soak":
        ok = all(p.get(f"soak.{k}") == "true" for k in ("rss_flat", "heap_flat", "errors_free"))
    return (f"5 {name}", expected, "pass" if ok else "**FAIL**", figure(p), f"`bench/soak.sh {name}` ({p.get(name + '.date', '?')})")

L, S, T, C = bench["load"], bench["soak"], bench["storm"], bench["cache"]
bench_rows = [
    bench_row("load", L, "1,000 connections, 60 s, JWKS and pass-through mixed: zero errors",
        lambda p: f"{int(p.get('load.requests', 0)):,} requests, {p.get('load.req_per_s')} req/s, p99 {p.get('load.latency_p99_ms')} ms, "
                  f"errors c/r/w/t {p.get('load.errors_connect')}/{p.get('load.errors_read')}/{p.get('load.errors_write')}/{p.get('load.errors_timeout')}, non-2xx {p.get('load.non_2xx_3xx')}"),
    bench_row("soak", S, "10 min; RSS and heap: last minute within 10% of minutes 2-3",
        lambda p: f"RSS {p.get('soak.rss_mib_minutes_2_3')}→{p.get('soak.rss_mib_last_minute')} MiB ({p.get('soak.rss_change_pct')}%), "
                  f"heap {p.get('soak.heap_mib_minutes_2_3')}→{p.get('soak.heap_mib_last_minute')} MiB ({p.get('soak.heap_change_pct')}%), "
                  f"{int(p.get('soak.requests', 0)):,} requests, errors {'none' if p.get('soak.errors_free') == 'true' else 'SOME'}"),
    bench_row("storm", T, "admin refresh and expiry racing 1,000 concurrent requests: one AWS call per stage per refresh",
        lambda p: f"{int(p.get('storm.requests', 0)):,} requests, {p.get('storm.refreshes')} refreshes, AWS calls per stage "
                  f"{p.get('storm.aws_calls.AWSCURRENT')}/{p.get('storm.aws_calls.AWSPENDING')}/{p.get('storm.aws_calls.AWSPREVIOUS')}, non-200 {p.get('storm.non_200')}"),
    bench_row("cache", C, "10,000 distinct 10 KiB objects through a 64 MiB cache on a 256 MB JVM: bytes held within the limit, RSS flat, no error",
        lambda p: f"{int(p.get('cache.requests', 0)):,} requests ({p.get('cache.passes')} passes), bytes held max {int(p.get('cache.bytes_max', 0)) / 1048576:.1f} "
                  f"of {int(p.get('cache.limit_bytes', 0)) / 1048576:.0f} MiB, RSS {p.get('cache.rss_mib_first_30s_full')}→{p.get('cache.rss_mib_last_30s')} MiB once full "
                  f"({p.get('cache.rss_drift_pct')}%), {int(p.get('cache.evictions_size', 0)):,} size evictions, errors {'none' if p.get('cache.errors_free') == 'true' else 'SOME'}"),
]
bench_pass = sum(1 for r in bench_rows if r[2] == "pass")

out = []
w = out.append
w("# Reliability: faults, hostile input, load, soak, the origin cache, the fleet and compression (issues 7, 11, 12, 13)")
w("")
w("Generated by `docs/reliability-report.sh` on " + datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC")
  + "; do not edit by hand. Fast cases run in `mvn -B verify`; load, soak, storm and the cache soak are `bench/soak.sh`.")
w("")
w(f"**Summary: {total_cases + len(bench_rows)} cases tried, {passed_cases + bench_pass} passed** "
  f"({invocations} test invocations, {passed_inv} passed; bench/soak.sh phases: {bench_pass} of {len(bench_rows)} passed).")
w("")
w("Every AWS case also checks that no private member (`d p q dp dq qi k`) of the stored keys appears in any response,")
w("admin answer, `/metrics` or log line (logs captured in-process through the production JSON encoder, the edge's loggers at DEBUG).")
w("Every hostile-client case also checks that an \"evil\" server on loopback saw no connection, and that a bystander's")
w("keep-alive connection and a fresh JWKS request get exactly the bytes they got before the attack.")
part = None
for r in rows:
    if r[0] != part:
        part = r[0]
        w("")
        w(f"## {part}")
        w("")
        w("| case | the edge's answer | result | figure | tests (invocations, when not 1) |")
        w("|---|---|---|---|---|")
    w(f"| {r[1]} | {r[2]} | {r[3]} | {r[4]} | {r[5]} |")
w("")
w("## 5 load, soak, refresh storm and cache soak (`bench/soak.sh`, loopback only)")
w("")
w("| case | criterion | result | figure | command |")
w("|---|---|---|---|---|")
for r in bench_rows:
    w(f"| {r[0][2:]} | {r[1]} | {r[2]} | {r[3]} | {r[4]} |")
w("")
for name, p in (("load", L), ("soak", S), ("storm", T), ("cache", C)):
    if p.get(f"{name}.command"):
        w(f"- {name}: `{p[f'{name}.command']}`")
w("")
w(open("docs/reliability-notes.md", encoding="utf-8").read().rstrip())
os.makedirs("docs", exist_ok=True)
open("docs/reliability.md", "w", encoding="utf-8").write("\n".join(out) + "\n")
print(f"docs/reliability.md: {total_cases + len(bench_rows)} cases, {passed_cases + bench_pass} passed; "
      f"{invocations} invocations, {passed_inv} passed")
PY
