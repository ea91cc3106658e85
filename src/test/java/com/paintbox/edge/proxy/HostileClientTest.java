package com.paintbox.edge.proxy;

import static com.paintbox.edge.proxy.PassThroughTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.testing.ProxyRawClient;
import com.paintbox.edge.testing.ProxyRawOrigin;
import com.paintbox.edge.testing.ProxyTestEdge;
import com.paintbox.edge.testing.ProxyTestOrigin;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import com.paintbox.edge.testing.OriginPath;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.AfterParameterizedClassInvocation;
import org.junit.jupiter.params.BeforeParameterizedClassInvocation;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 7, part 3: hostile clients on raw sockets. Every attack is followed by three checks: the edge is still up,
 * the "evil" server on loopback saw no connection, and a bystander on a keep-alive connection opened before the
 * attack gets exactly the bytes it got before (as does a fresh JWKS request). {@link SafetyTest} already covers
 * absolute-form targets naming another host, CONNECT, odd Host values, 414/431, CL.TE, TE on HTTP/1.0, codings
 * other than chunked and duplicate differing Content-Length; this class adds the rest.
 *
 * <p>The routing rule under test (docs/reliability.md): the edge compares the <em>raw</em> path, undecoded and
 * unnormalised, with exactly {@code /.well-known/jwks.json} and the prefix {@code /_edge/}; everything else goes to
 * the origin with its request-target byte for byte. No encoding or dot-segment trick can reach the edge's own
 * endpoints through the origin route or the origin through them.
 */
class HostileClientTest extends OriginPathTestBase {

  private static final Duration QUIET = Duration.ofMillis(300);
  private static final String SMUGGLED = "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n";

  // One edge, origin and "evil" host for the whole class: every attack lands on the edge the previous ones hit,
  // which is what "no attack changes what another client receives" asks of it.
  private static ProxyTestOrigin origin;
  private static ProxyRawOrigin evil;
  private static ProxyTestEdge edge;
  private static String evilAuthority;
  private static String jwksBefore;
  private static final ConcurrentLinkedQueue<String> completed = new ConcurrentLinkedQueue<>();
  private ProxyRawClient bystander;
  private String bystanderReply;
  private int seenBefore;

  @BeforeParameterizedClassInvocation
  static void startAll(OriginPath path, Vertx vertx) throws Exception {
    origin = await(new ProxyTestOrigin(vertx).start());
    origin.handle(request -> request.body().onSuccess(body -> {
      completed.add(request.uri());
      request.response().end("echo " + request.method().name() + " " + request.uri() + " len=" + body.length()
          + " xfh=" + request.getHeader("X-Forwarded-Host"));
    }));
    evil = await(new ProxyRawOrigin(vertx).start());
    evilAuthority = "127.0.0.1:" + evil.port();
    edge = await(ProxyTestEdge.start(vertx, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), origin.url(),
        Map.of(), path));
    jwksBefore = exchange("GET /.well-known/jwks.json HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").body();
    assertThat(jwksBefore).contains("\"keys\"");
  }

  @AfterParameterizedClassInvocation
  static void stopAll() {
    await(edge.close().eventually(origin::close).eventually(evil::close));
  }

  @BeforeEach
  void openBystander() throws Exception {
    bystander = new ProxyRawClient(edge.port());
    bystanderReply = bystander.send("GET /bystander HTTP/1.1\r\nHost: a\r\n\r\n").read(QUIET).body();
    assertThat(bystanderReply).isEqualTo("echo GET /bystander len=0 xfh=a");
    completed.clear();
    seenBefore = origin.seen().size();
  }

  @AfterEach
  void checkBystander() throws Exception {
    try {
      assertOriginHeadersWellFormed();
      assertThat(evil.connections()).as("connections to the other host").isZero();
      assertThat(bystander.send("GET /bystander HTTP/1.1\r\nHost: a\r\n\r\n").read(QUIET).body())
          .as("the bystander's connection after the attack").isEqualTo(bystanderReply);
      assertThat(exchange("GET /.well-known/jwks.json HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n").body())
          .as("a fresh JWKS request after the attack").isEqualTo(jwksBefore);
    } finally {
      bystander.close();
    }
  }

  /** What the origin received since the attack began (the bystander's first request excluded). */
  private List<ProxyTestOrigin.Seen> seen() {
    List<ProxyTestOrigin.Seen> all = origin.seen();
    return all.subList(Math.min(seenBefore, all.size()), all.size());
  }

  /** Every header the origin received has a field name that is an RFC 9110 token: no whitespace, no controls. */
  private void assertOriginHeadersWellFormed() {
    for (ProxyTestOrigin.Seen seen : seen()) {
      assertThat(seen.headers().names()).as("header names at the origin")
          .allMatch(name -> !name.isEmpty() && name.chars().allMatch(HostileClientTest::isTokenChar));
    }
  }

  private static boolean isTokenChar(int c) {
    return c > 0x20 && c < 0x7f && "\"(),/:;<=>?@[\\]{}".indexOf(c) < 0;
  }

  /** True when the reply is an HTTP/1.x 200, whatever else it is. */
  private static boolean ok(ProxyRawClient.Reply reply) {
    return reply.text().startsWith("HTTP/1.1 200") || reply.text().startsWith("HTTP/1.0 200");
  }

  // ---- malformed requests --------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {
      "GET\r\n\r\n",
      "GET / HTTP/9.9\r\nHost: a\r\n\r\n",
      "GET /a b HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET / HTTP/1.1 extra\r\nHost: a\r\n\r\n",
      "G\u0000T / HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET /\u0000 HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET / HTTP/1.1\r\nHost: a\r\nNo colon in this line\r\n\r\n",
      "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003 a TLS ClientHello on the plain port",
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n garbage where h2 frames belong"})
  void malformedRequest_refusedOrClosed_neverForwarded(String request) throws Exception {
    ProxyRawClient.Reply reply = exchange(request);

    assertThat(ok(reply)).as(reply.text()).isFalse();
    assertThat(seen()).isEmpty();
  }

  // ---- smuggling -----------------------------------------------------------------------------------------------

  /**
   * Each head is followed by an empty chunked body and a second request. Whatever the edge makes of the framing, the
   * second request must never reach the origin as a request: refused (400, closed), or framed by the chunks alone
   * and the connection closed after the answer, so the bytes behind are never parsed.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "Transfer-Encoding: chunked\r\nContent-Length: 4",
      "Content-Length: 4\r\nTransfer-Encoding: chunked",
      "Transfer-Encoding: xchunked",
      "Transfer-Encoding: chunked, identity",
      "Transfer-Encoding: identity, chunked",
      "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked",
      "Transfer-Encoding: chunked, chunked",
      "Transfer-Encoding:\tchunked",
      "Transfer-Encoding:  chunked ",
      "Transfer-Encoding : chunked",
      "Transfer_Encoding: chunked",
      "Transfer-Encoding:\r\n chunked",
      "X-Folded: a\r\n Transfer-Encoding: chunked",
      "Transfer-Encoding: \u000bchunked",
      "Transfer-Encoding: chunked\u0000",
      "Content-Length: 5\r\nContent-Length: 5",
      "Content-Length: 5, 5",
      "Content-Length: +5",
      "Content-Length: 0x5",
      "Content-Length: 5\r\nContent-Length: 0",
      "Content-Length: 5\r\nTransfer-Encoding : chunked",
      "Content-Length: 5\r\nTransfer-Encoding\t: chunked",
      "Content-Length: 5\r\n Transfer-Encoding: chunked"})
  void smugglingVariant_secondRequestNeverReachesTheOrigin(String framing) throws Exception {
    ProxyRawClient.Reply reply = exchange("POST /first HTTP/1.1\r\nHost: a\r\n" + framing + "\r\n\r\n0\r\n\r\n"
        + SMUGGLED);

    assertThat(seen()).extracting(ProxyTestOrigin.Seen::uri).doesNotContain("/smuggled");
    assertThat(reply.text()).doesNotContain("/smuggled");
    if (reply.status() != 400) {
      assertThat(reply.eof()).as("connection closed after a request whose framing was ambiguous: %s", reply.text())
          .isTrue();
    }
  }

  @Test
  void teCl_bodyLooksLikeARequest_originGetsOneRequestWithThatBody() throws Exception {
    String inner = "GPOST /smuggled HTTP/1.1\r\nHost: a\r\nContent-Length: 15\r\n\r\nx=1";
    ProxyRawClient.Reply reply = exchange("POST /first HTTP/1.1\r\nHost: a\r\nContent-Length: 4\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n" + Integer.toHexString(inner.length()) + "\r\n" + inner + "\r\n0\r\n\r\n");

    assertThat(reply.body()).isEqualTo("echo POST /first len=" + inner.length() + " xfh=a");
    assertThat(completed).containsExactly("/first");
    assertThat(reply.eof()).isTrue();
  }

  // ---- invalid chunking ----------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {
      "zz\r\nhello\r\n0\r\n\r\n",
      "5\r\nhelloXX0\r\n\r\n",
      "-5\r\nhello\r\n0\r\n\r\n",
      "fffffffffffffffff\r\nhello\r\n0\r\n\r\n",
      "LONG_SIZE_LINE",
      "LONG_EXTENSION"})
  void invalidChunking_requestNeverCompletesAtTheOrigin(String body) throws Exception {
    String chunks = switch (body) {
      case "LONG_SIZE_LINE" -> "0".repeat(20_000) + "5\r\nhello\r\n0\r\n\r\n";
      case "LONG_EXTENSION" -> "5;" + "e".repeat(20_000) + "\r\nhello\r\n0\r\n\r\n";
      default -> body;
    };
    ProxyRawClient.Reply reply = exchange("POST /chunky HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        + chunks + SMUGGLED);

    assertThat(completed).as("requests the origin read to the end").doesNotContain("/chunky", "/smuggled");
    assertThat(reply.status()).as(reply.text()).isNotEqualTo(200);
    assertThat(reply.eof()).isTrue();
  }

  /**
   * Netty reads a chunk size up to its first non-hex character, so {@code 5 5} is read as 5: lenient, but the edge
   * re-frames the body for the origin and closes the connection after a chunked request, so no reading of those
   * bytes can desynchronise the edge from its origin or reach another client.
   */
  @Test
  void chunkSizeWithTrailingJunk_readLenientlyReFramedAndConnectionClosed() throws Exception {
    ProxyRawClient.Reply reply = exchange("POST /chunky HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5 5\r\nhello\r\n0\r\n\r\n" + SMUGGLED);

    assertThat(reply.body()).isEqualTo("echo POST /chunky len=5 xfh=a");
    assertThat(completed).containsExactly("/chunky");
    assertThat(reply.eof()).isTrue();
  }

  // ---- where the edge connects ---------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {
      "GET http://EVIL HTTP/1.1", "GET https://EVIL/x HTTP/1.1", "GET http://user:pw@EVIL/x HTTP/1.1",
      "GET http://EVIL@127.0.0.1/x HTTP/1.1", "GET //EVIL/x HTTP/1.1", "GET http:/EVIL/x HTTP/1.1",
      "CONNECT http://EVIL/ HTTP/1.1", "GET /x HTTP/1.1\r\nX-Forwarded-Host: EVIL\r\nForwarded: host=EVIL"})
  void targetOrHeadersNamingAnotherHost_onlyTheOriginIsContacted(String line) throws Exception {
    ProxyRawClient.Reply reply = exchange(line.replace("EVIL", evilAuthority) + "\r\nHost: " + evilAuthority
        + "\r\n\r\n");

    assertThat(reply.status()).isIn(200, 400, 405);
    seen().forEach(seen -> assertThat(seen.header("Host")).isEqualTo(origin.authority()));
  }

  // ---- header injection ----------------------------------------------------------------------------------------

  /**
   * Values that would become header lines of their own if copied naively into the origin request, and header lines
   * Netty reads leniently (a space or nothing before the colon): refused, or forwarded only as well-formed headers.
   */
  @ParameterizedTest
  @ValueSource(strings = {
      "GET /x HTTP/1.1\r\nHost: a\rX-Injected: 1\r\n\r\n",
      "GET /x HTTP/1.1\r\nHost: a\nX-Injected: 1\r\n\r\n",
      "GET /x HTTP/1.1\r\nHost: a%0d%0aX-Injected: 1\r\n\r\n",
      "GET /x HTTP/1.1\r\nHost: a\r\n X-Injected: 1\r\n\r\n",
      "GET /x%0d%0aX-Injected:%201 HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET /x\rX-Injected: 1 HTTP/1.1\r\nHost: a\r\n\r\n",
      "GET /x HTTP/1.1\r\nHost: a\r\nX-Test: a\u0000b\r\nX-Forwarded-For: 1.2.3.4\rX-Injected: 1\r\n\r\n",
      "GET /x HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n",
      "GET /x HTTP/1.1\r\nHost: a%41\r\n\r\n",
      "GET /x HTTP/1.1\r\nHost: a\r\nX Space: in the name\r\n\r\n",
      "GET /x HTTP/1.1\r\nHost: a\r\n: empty name\r\n\r\n"})
  void crlfInjectionAttempt_noInjectedHeaderAndForwardedValuesClean(String request) throws Exception {
    ProxyRawClient.Reply reply = exchange(request);

    assertThat(reply.status()).as(reply.text()).isIn(200, 400);
    for (ProxyTestOrigin.Seen seen : seen()) {
      assertThat(seen.headers().names()).noneMatch(name -> name.equalsIgnoreCase("x-injected"));
      seen.headers().forEach(header -> assertThat(header.getValue()).as(header.getKey()).doesNotContain("\r", "\n"));
      assertThat(seen.headers().getAll("X-Forwarded-Host")).hasSizeLessThanOrEqualTo(1);
    }
  }

  // ---- paths ---------------------------------------------------------------------------------------------------

  @ParameterizedTest
  @ValueSource(strings = {
      "/../_edge/ready", "/%2e%2e/_edge/ready", "/%2E%2E/%2e%2e/.well-known/jwks.json", "//.well-known/jwks.json",
      "/.well-known/./jwks.json", "/.well-known/jwks.json/", "/.well-known%2fjwks.json", "/_edge%2fready",
      "/x/..%2f_edge/ready", "/.well-known/jwks.json%00", "/%5c_edge%5cready", "/.WELL-KNOWN/JWKS.JSON",
      "/.well-known/jwks.json;x", "/x/../.well-known/jwks.json", "/_edge/../x", "/_edge/health/..%2f..%2fsecret"})
  void pathTrick_routedByTheRawPathOnly_originGetsItByteForByte(String target) throws Exception {
    ProxyRawClient.Reply reply = exchange("GET " + target + " HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n");

    if (target.startsWith("/_edge/")) {
      assertThat(reply.status()).isEqualTo(404); // the edge's own namespace: answered by the edge, never forwarded
      assertThat(seen()).isEmpty();
    } else {
      assertThat(reply.body()).isEqualTo("echo GET " + target + " len=0 xfh=a");
      assertThat(origin.last().uri()).isEqualTo(target);
    }
  }

  @Test
  void absoluteFormNamingTheEdgesOwnPaths_servedByTheEdgeNotForwarded() throws Exception {
    ProxyRawClient.Reply ready = exchange("GET http://" + evilAuthority + "/_edge/health HTTP/1.1\r\nHost: a\r\n"
        + "Connection: close\r\n\r\n");
    ProxyRawClient.Reply jwks = exchange("GET http://" + evilAuthority + "/.well-known/jwks.json HTTP/1.1\r\n"
        + "Host: a\r\nConnection: close\r\n\r\n");

    assertThat(ready.body()).isEqualTo("{\"status\":\"ok\"}");
    assertThat(jwks.body()).isEqualTo(jwksBefore);
    assertThat(seen()).isEmpty();
  }

  private static ProxyRawClient.Reply exchange(String request) throws Exception {
    return ProxyRawClient.exchange(edge.port(), request, QUIET);
  }
}
