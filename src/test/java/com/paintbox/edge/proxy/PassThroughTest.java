package com.paintbox.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.metrics.EdgeMeters;
import com.paintbox.edge.testing.ProxyRawClient;
import com.paintbox.edge.testing.ProxyTestEdge;
import com.paintbox.edge.testing.ProxyTestOrigin;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What reaches the origin and what comes back, on HTTP/1.1, h2c and HTTP/1.0. */
class PassThroughTest extends OriginPathTestBase {

  private Vertx vertx;
  private ProxyTestOrigin origin;
  private ProxyTestEdge edge;
  private HttpClient client;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    origin = await(new ProxyTestOrigin(vertx).start());
    edge = await(startEdge(vertx, origin.url()));
    client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(edge.port()));
  }

  @AfterEach
  void stop() {
    await(client.close().eventually(edge::close).eventually(origin::close));
  }

  @ParameterizedTest
  @ValueSource(strings = {"GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS", "PROPFIND"})
  void request_anyMethod_methodPathQueryHeadersAndBodyReachOriginUnchanged(String method) {
    origin.handle(request -> request.body().onSuccess(body -> request.response().setStatusCode(207)
        .putHeader("X-Origin", "yes").putHeader("Set-Cookie", (Iterable<String>) java.util.List.of("a=1", "b=2"))
        .end("got " + request.method().name() + " " + body)));

    Reply reply = send(new RequestOptions().setMethod(HttpMethod.valueOf(method)).setURI("/a/b%2Fc?x=1&y=%20&x=2")
        .putHeader("X-Custom", "one").addHeader("X-Custom", "two").putHeader("Content-Type", "text/plain"),
        Buffer.buffer("payload"));

    ProxyTestOrigin.Seen seen = origin.last();
    assertThat(seen.method()).isEqualTo(method);
    assertThat(seen.uri()).isEqualTo("/a/b%2Fc?x=1&y=%20&x=2");
    assertThat(seen.headers().getAll("X-Custom")).containsExactly("one", "two");
    assertThat(seen.header("Content-Type")).isEqualTo("text/plain");
    assertThat(seen.header("Content-Length")).isEqualTo("7");
    assertThat(reply.status).isEqualTo(207);
    assertThat(reply.headers.get("X-Origin")).isEqualTo("yes");
    assertThat(reply.headers.getAll("Set-Cookie")).containsExactly("a=1", "b=2");
    assertThat(reply.body).isEqualTo("got " + method + " payload");
  }

  @Test
  void head_originSendsLength_clientGetsHeadersAndNoBody() {
    origin.handle(request -> request.response().putHeader("Content-Length", "1234").end());

    Reply reply = send(new RequestOptions().setMethod(HttpMethod.HEAD).setURI("/big"), null);

    assertThat(reply.status).isEqualTo(200);
    assertThat(reply.headers.get("Content-Length")).isEqualTo("1234");
    assertThat(reply.body).isEmpty();
  }

  @Test
  void request_byDefault_hostIsOriginAuthorityAndForwardedHeadersDescribeTheClientHop() {
    send(new RequestOptions().setURI("/who").putHeader("Host", "shop.example:8443"), null);

    ProxyTestOrigin.Seen seen = origin.last();
    assertThat(seen.header("Host")).isEqualTo(origin.authority());
    assertThat(seen.header("X-Forwarded-Host")).isEqualTo("shop.example:8443");
    assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("http");
    assertThat(seen.header("X-Forwarded-For")).isEqualTo("127.0.0.1");
    assertThat(seen.header("Via")).isEqualTo("1.1 paintbox-edge");
  }

  @Test
  void request_existingForwardedHeaders_forAppendedProtoAndHostReplaced() {
    send(new RequestOptions().setURI("/who").putHeader("Host", "shop.example")
        .putHeader("X-Forwarded-For", "203.0.113.7, 198.51.100.2").putHeader("X-Forwarded-Proto", "https")
        .putHeader("X-Forwarded-Host", "spoofed.example").putHeader("Via", "1.1 cdn"), null);

    ProxyTestOrigin.Seen seen = origin.last();
    assertThat(seen.header("X-Forwarded-For")).isEqualTo("203.0.113.7, 198.51.100.2, 127.0.0.1");
    assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("http");
    assertThat(seen.header("X-Forwarded-Host")).isEqualTo("shop.example");
    assertThat(seen.headers().getAll("Via")).containsExactly("1.1 cdn", "1.1 paintbox-edge");
  }

  @Test
  void request_hopByHopAndConnectionListedHeaders_neverReachOrigin() throws Exception {
    String request = "POST /hop HTTP/1.1\r\nHost: shop.example\r\n"
        + "Connection: keep-alive, X-Secret\r\nConnection: X-Other\r\n"
        + "X-Secret: s3cret\r\nX-Other: 1\r\nX-Kept: yes\r\nKeep-Alive: timeout=5\r\n"
        + "Proxy-Connection: keep-alive\r\nProxy-Authorization: Basic Zm9vOmJhcg==\r\nTE: trailers\r\n"
        + "Trailer: X-Sum\r\nUpgrade: foo/2\r\nContent-Length: 2\r\n\r\nhi";

    ProxyRawClient.Reply reply = ProxyRawClient.exchange(edge.port(), request, Duration.ofMillis(500));

    assertThat(reply.status()).isEqualTo(200);
    MultiMap seen = origin.last().headers();
    assertThat(seen.get("X-Kept")).isEqualTo("yes");
    assertThat(seen.get("Content-Length")).isEqualTo("2");
    for (String name : new String[] {"X-Secret", "X-Other", "Keep-Alive", "Proxy-Connection", "Proxy-Authorization",
        "TE", "Trailer", "Upgrade"}) {
      assertThat(seen.contains(name)).as(name).isFalse();
    }
    assertThat(seen.get("Connection")).isNotEqualToIgnoringCase("X-Secret");
  }

  @Test
  void response_hopByHopAndConnectionListedHeaders_neverReachClient() {
    origin.handle(request -> request.response()
        .putHeader("Connection", "X-Internal, keep-alive").putHeader("X-Internal", "debug")
        .putHeader("Keep-Alive", "timeout=5, max=100").putHeader("Proxy-Authenticate", "Basic realm=x")
        .putHeader("Proxy-Connection", "keep-alive").putHeader("Upgrade", "h2c").putHeader("Trailer", "X-Sum")
        .putHeader("X-Kept", "yes").end("body"));

    for (HttpClient each : new HttpClient[] {client, h2cClient()}) {
      Reply reply = send(each, new RequestOptions().setURI("/hop"), null);

      assertThat(reply.status).isEqualTo(200);
      assertThat(reply.body).isEqualTo("body");
      assertThat(reply.headers.get("X-Kept")).isEqualTo("yes");
      assertThat(reply.headers.get("Via")).isEqualTo("1.1 paintbox-edge");
      for (String name : new String[] {"X-Internal", "Keep-Alive", "Proxy-Authenticate", "Proxy-Connection",
          "Upgrade", "Trailer"}) {
        assertThat(reply.headers.contains(name)).as(name).isFalse();
      }
    }
  }

  @Test
  void response_originCacheStatus_keptFirstWithTheEdgesMemberAfterIt() {
    origin.handle(request -> request.response().putHeader("Cache-Status", "nextjs; hit; ttl=30").end("page"));

    Reply reply = send(new RequestOptions().setURI("/page"), null);

    String expected = path.cached()
        ? "nextjs; hit; ttl=30, paintbox-edge; fwd=uri-miss; fwd-status=200; detail=no-freshness"
        : "nextjs; hit; ttl=30";
    assertThat(reply.headers.getAll("Cache-Status")).containsExactly(expected);
  }

  /** docs/vertx-gaps.md gap 11: vertx-http-proxy would throw on this head; a POST with a body takes it. */
  @Test
  void response_publicWithAnUnparsableExpires_relayedAsAlreadyStaleNotA502() {
    origin.handle(request -> request.body().onSuccess(body -> request.response()
        .putHeader("Cache-Control", "public").putHeader("Date", "Sun, 06 Nov 1994 08:49:37 GMT")
        .putHeader("Expires", "0").end("fine")));

    Reply reply = send(new RequestOptions().setMethod(HttpMethod.POST).setURI("/form"), Buffer.buffer("a=1"));

    assertThat(reply.status).isEqualTo(200);
    assertThat(reply.body).isEqualTo("fine");
    assertThat(reply.headers.get("Expires")).isIn("0", "Thu, 01 Jan 1970 00:00:00 GMT"); // both say "stale"
  }

  @Test
  void preserveHost_enabled_originSeesClientHost() {
    ProxyTestEdge preserving = await(startEdge(vertx, origin.url(),
        Map.of("EDGE_ORIGIN_PRESERVE_HOST", "true")));
    try {
      send(new RequestOptions().setPort(preserving.port()).setURI("/who").putHeader("Host", "shop.example"), null);

      assertThat(origin.last().header("Host")).isEqualTo("shop.example");
      assertThat(origin.last().remotePort()).isPositive();
    } finally {
      await(preserving.close());
    }
  }

  @Test
  void h2cPriorKnowledge_uploadWithoutLength_passesThroughChunkedToOrigin() {
    origin.handle(request -> request.body().onSuccess(body -> request.response().end("h2 got " + body.length())));
    HttpClient h2 = h2cClient();
    Buffer upload = ProxyTestOrigin.filler(200_000);

    Reply reply = await(h2.request(new RequestOptions().setMethod(HttpMethod.POST).setURI("/upload"))
        .compose(request -> {
          request.setChunked(true);
          request.write(upload.slice(0, 100_000));
          return request.end(upload.slice(100_000, 200_000)).compose(sent -> request.response());
        })
        .compose(PassThroughTest::read));

    assertThat(reply.version).isEqualTo(HttpVersion.HTTP_2);
    assertThat(reply.body).isEqualTo("h2 got 200000");
    assertThat(origin.last().header("Via")).isEqualTo("2 paintbox-edge");
    assertThat(origin.last().header("Transfer-Encoding")).isEqualTo("chunked");
    assertThat(origin.last().headers().names()).noneMatch(name -> name.startsWith(":"));
  }

  @Test
  void h2cUpgrade_get_passesThrough() {
    HttpClient upgrading = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(true).setDefaultHost("127.0.0.1").setDefaultPort(edge.port()));

    Reply reply = send(upgrading, new RequestOptions().setURI("/upgraded"), null);

    assertThat(reply.status).isEqualTo(200);
    assertThat(reply.body).isEqualTo("ok");
    assertThat(origin.last().uri()).isEqualTo("/upgraded");
  }

  @Test
  void expectContinue_edgeAnswers100AtOnceAndOriginGetsBodyWithoutExpectation() throws Exception {
    origin.handle(request -> request.body().onSuccess(body -> request.response().end("got " + body)));
    try (ProxyRawClient raw = new ProxyRawClient(edge.port())) {
      raw.send("PUT /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\n");

      ProxyRawClient.Reply interim = raw.read(Duration.ofMillis(300));
      assertThat(interim.statusLine()).isEqualTo("HTTP/1.1 100 Continue");

      raw.send("hello");
      ProxyRawClient.Reply reply = raw.read(Duration.ofMillis(300));
      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.body()).isEqualTo("got hello");
    }
    assertThat(origin.last().headers().contains("Expect")).isFalse();
  }

  @Test
  void http10Client_originBodyOfUnknownLength_streamedAndEndedByClose() throws Exception {
    origin.handle(request -> request.response().setChunked(true).write("first,").compose(v -> request.response()
        .end("second")));

    ProxyRawClient.Reply reply = ProxyRawClient.exchange(edge.port(),
        "GET /old HTTP/1.0\r\nConnection: keep-alive\r\n\r\n", Duration.ofSeconds(5));

    assertThat(reply.statusLine()).startsWith("HTTP/1.0 200");
    assertThat(reply.head()).doesNotContain("transfer-encoding").doesNotContain("content-length")
        .contains("connection: close");
    assertThat(reply.body()).isEqualTo("first,second");
    assertThat(reply.eof()).isTrue();
    assertThat(origin.last().header("Via")).isEqualTo("1.0 paintbox-edge");
  }

  @Test
  void keepAlive_sequentialRequests_reuseOneOriginConnection() {
    for (int i = 0; i < 5; i++) {
      assertThat(send(new RequestOptions().setURI("/r" + i), null).status).isEqualTo(200);
    }

    assertThat(origin.seen()).hasSize(5);
    assertThat(origin.seen().stream().map(ProxyTestOrigin.Seen::remotePort).distinct()).hasSize(1);
  }

  @Test
  void originAnswers_countedByStatusClassWithSourceOriginAndTimed() {
    origin.handle(request -> request.response().setStatusCode(Integer.parseInt(request.path().substring(1))).end());

    for (String status : new String[] {"200", "204", "301", "404", "503"}) {
      send(new RequestOptions().setURI("/" + status), null);
    }

    assertThat(edge.count(EdgeMeters.ORIGIN_REQUESTS, "source", "origin", "status_class", "2xx")).isEqualTo(2);
    assertThat(edge.count(EdgeMeters.ORIGIN_REQUESTS, "source", "origin", "status_class", "3xx")).isEqualTo(1);
    assertThat(edge.count(EdgeMeters.ORIGIN_REQUESTS, "source", "origin", "status_class", "4xx")).isEqualTo(1);
    assertThat(edge.count(EdgeMeters.ORIGIN_REQUESTS, "source", "origin", "status_class", "5xx")).isEqualTo(1);
    assertThat(edge.count(EdgeMeters.ORIGIN_REQUESTS, "source", "edge", "status_class", "5xx")).isZero();
    assertThat(edge.registry().find(EdgeMeters.ORIGIN_LATENCY).timer().count()).isEqualTo(5);
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  record Reply(int status, HttpVersion version, MultiMap headers, String body) {}

  private HttpClient h2cClient() {
    return vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false).setDefaultHost("127.0.0.1").setDefaultPort(edge.port()));
  }

  private Reply send(RequestOptions options, Buffer body) {
    return send(client, options, body);
  }

  /**
   * The response listener is in place before the request is written: Vert.x 5's client drops body chunks that
   * arrive before {@code body()} is called (eclipse-vertx/vert.x#5904), and {@code send().compose(read)} may
   * register it a task too late, which hangs the reply (seen once in a few thousand requests).
   */
  private static Reply send(HttpClient via, RequestOptions options, Buffer body) {
    return await(via.request(options).compose(request -> {
      Future<Reply> reply = request.response().compose(PassThroughTest::read);
      if (body == null) {
        request.end();
      } else {
        request.end(body);
      }
      return reply;
    }));
  }

  private static Future<Reply> read(HttpClientResponse response) {
    return response.body().map(body -> new Reply(response.statusCode(), response.version(),
        MultiMap.caseInsensitiveMultiMap().addAll(response.headers()), body.toString()));
  }

  static <T> T await(Future<T> future) {
    try {
      return future.await(20, TimeUnit.SECONDS);
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("timed out", e);
    }
  }
}
