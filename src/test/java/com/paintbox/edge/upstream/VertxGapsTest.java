package com.paintbox.edge.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.testing.ProxyRawClient;
import com.paintbox.edge.testing.ProxyRawClient.Reply;
import com.paintbox.edge.testing.ProxyRawOrigin;
import com.paintbox.edge.testing.ProxyTestOrigin;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyResponse;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The gaps in Vert.x and vertx-http-proxy the edge works around, pinned on bare Vert.x: no edge code runs here. Each
 * test asserts today's upstream behaviour, so it fails on the upgrade that fixes the gap, which is the day to remove
 * the workaround docs/vertx-gaps.md names for it.
 */
class VertxGapsTest {

  private static final Duration QUIET = Duration.ofMillis(300);
  /** How long "never answers" is given before the test believes it. */
  private static final Duration HANG = Duration.ofSeconds(2);

  private Vertx vertx;
  private ProxyTestOrigin origin;
  private ProxyRawOrigin rawOrigin;
  private HttpServer proxy;
  private HttpClient proxyClient;

  @BeforeEach
  void start() {
    vertx = Vertx.vertx();
    origin = new ProxyTestOrigin(vertx).start().await();
    rawOrigin = new ProxyRawOrigin(vertx).start().await();
  }

  @AfterEach
  void stop() {
    vertx.close().await();
  }

  /** A bare vertx-http-proxy in front of {@code port}, as its README sets one up; {@code interceptor} optional. */
  private int proxyTo(int port, ProxyInterceptor interceptor) {
    proxyClient = vertx.createHttpClient(new HttpClientOptions());
    HttpProxy engine = HttpProxy.reverseProxy(proxyClient).origin(port, "127.0.0.1");
    if (interceptor != null) {
      engine.addInterceptor(interceptor);
    }
    proxy = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
        .setHttp2ClearTextEnabled(true)).requestHandler(engine).listen().await();
    return proxy.actualPort();
  }

  private int proxyTo(int port) {
    return proxyTo(port, null);
  }

  /** The origin answers every connection with {@code response} and closes. */
  private int rawOriginAnswering(String response) {
    rawOrigin.script(socket -> socket.handler(bytes -> socket.write(response).onComplete(done -> socket.close())));
    return rawOrigin.port();
  }

  private static Reply get(int port, String request) throws IOException {
    return ProxyRawClient.exchange(port, request, QUIET);
  }

  // ---- vertx-http-proxy ----

  /** Gap 1, response side: names listed in Connection, and Keep-Alive, reach the client (issue #152). */
  @Test
  void hopByHop_responseFieldsTheOriginNamesInConnection_areForwarded() throws IOException {
    int port = proxyTo(rawOriginAnswering("HTTP/1.1 200 OK\r\nConnection: x-hop\r\nX-Hop: secret\r\n"
        + "Keep-Alive: timeout=5\r\nContent-Length: 2\r\n\r\nok"));

    Reply reply = get(port, "GET /p HTTP/1.1\r\nHost: a\r\n\r\n");

    assertThat(reply.head()).contains("x-hop: secret");
  }

  /** Gap 1, request side: only a fixed list is dropped; the Connection header's own tokens are not read. */
  @Test
  void hopByHop_requestFieldsTheClientNamesInConnection_areForwarded() throws IOException {
    int port = proxyTo(originPort());

    get(port, "GET /p HTTP/1.1\r\nHost: a\r\nConnection: x-hop\r\nX-Hop: secret\r\n\r\n");

    assertThat(origin.last().header("X-Hop")).isEqualTo("secret");
  }

  /** Gap 2: an absolute-form request-target reaches the origin as is, host and all. */
  @Test
  void absoluteFormTarget_isForwardedAsIs() throws IOException {
    int port = proxyTo(originPort());

    get(port, "GET http://other.example/x?q=1 HTTP/1.1\r\nHost: other.example\r\n\r\n");

    assertThat(origin.last().uri()).isEqualTo("http://other.example/x?q=1");
  }

  /** Gap 3: CONNECT is forwarded to the origin like any method. */
  @Test
  void connect_isForwarded() throws IOException {
    int port = proxyTo(originPort());

    get(port, "CONNECT other.example:443 HTTP/1.1\r\nHost: other.example:443\r\n\r\n");

    assertThat(origin.seen()).extracting(ProxyTestOrigin.Seen::method).contains("CONNECT");
  }

  /** Gap 4: a percent-encoded octet in Host throws inside the proxy, which then never answers. */
  @Test
  void percentEncodedHost_isNeverAnswered() throws IOException {
    int port = proxyTo(originPort());

    Reply reply;
    try (ProxyRawClient client = new ProxyRawClient(port)) {
      reply = client.send("GET /p HTTP/1.1\r\nHost: a%41\r\n\r\n").readAtLeast(1, HANG);
    }

    assertThat(reply.text()).as("no answer within %s", HANG).isEmpty();
  }

  /** Gap 5: a header line with an empty name (Netty accepts it) is copied to the origin. */
  @Test
  void emptyHeaderName_isCopiedToTheOrigin() throws IOException {
    int port = proxyTo(originPort());

    get(port, "GET /p HTTP/1.1\r\nHost: a\r\n: empty\r\n\r\n");

    assertThat(origin.last().headers().names()).contains("");
  }

  /** Gap 6: the proxy answers any failure before the origin's head with one fixed, empty 502 (issue #114). */
  @Test
  void originUnreachable_oneHardCoded502WithoutBody() throws IOException {
    int port = proxyTo(closedPort());

    Reply reply = get(port, "GET /p HTTP/1.1\r\nHost: a\r\n\r\n");

    assertThat(reply.status()).isEqualTo(502);
    assertThat(reply.body()).isEmpty();
  }

  /** Gap 7: a released request plus a failed future makes the proxy release again and never answer (issue #142). */
  @Test
  void interceptorReleasesThenFails_proxyNeverAnswers() throws IOException {
    int port = proxyTo(originPort(), new ProxyInterceptor() {
      @Override
      public Future<ProxyResponse> handleProxyRequest(ProxyContext context) {
        context.request().release();
        return Future.failedFuture("refused by the interceptor");
      }
    });

    Reply reply;
    try (ProxyRawClient client = new ProxyRawClient(port)) {
      reply = client.send("GET /p HTTP/1.1\r\nHost: a\r\n\r\n").readAtLeast(1, HANG);
    }

    assertThat(reply.text()).as("no answer within %s", HANG).isEmpty();
  }

  /** Gap 8: to an HTTP/1.0 client, a body of unknown length is buffered whole to compute a Content-Length. */
  @Test
  void http10Client_bodyOfUnknownLength_isBufferedIntoAContentLength() throws IOException {
    int port = proxyTo(rawOriginAnswering("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "5\r\nhello\r\n0\r\n\r\n"));

    Reply reply = get(port, "GET /p HTTP/1.0\r\nHost: a\r\n\r\n");

    assertThat(reply.head()).contains("content-length: 5");
  }

  /** Gap 8: the origin's Date is parsed and written again, in another form (a one-digit day). */
  @Test
  void originDate_isRewritten() throws IOException {
    int port = proxyTo(rawOriginAnswering("HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n"
        + "Content-Length: 2\r\n\r\nok"));

    Reply reply = get(port, "GET /p HTTP/1.1\r\nHost: a\r\n\r\n");

    assertThat(reply.head()).contains("date: sun, 6 nov 1994 08:49:37 gmt");
  }

  /** Gap 8: a Warning dated before the response's Date is dropped on the way (RFC 9111 obsoleted Warning). */
  @Test
  void warningDatedBeforeDate_isDropped() throws IOException {
    int port = proxyTo(rawOriginAnswering("HTTP/1.1 200 OK\r\nWarning: 110 - \"stale\" \"Sun, 06 Nov 1994 08:49:37 GMT\""
        + "\r\nDate: Sun, 06 Nov 1994 09:49:37 GMT\r\nContent-Length: 2\r\n\r\nok"));

    assertThat(get(port, "GET /p HTTP/1.1\r\nHost: a\r\n\r\n").head()).doesNotContain("warning");
  }

  /** Gap 9: a transfer coding the proxy does not know becomes its own empty 501; any status code is relayed. */
  @Test
  void originFramingAndStatus_unknownCodingIs501AndAnyStatusIsRelayed() throws IOException {
    int port = proxyTo(rawOriginAnswering("HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\nabc"));
    assertThat(get(port, "GET /p HTTP/1.1\r\nHost: a\r\n\r\n").status()).isEqualTo(501);

    rawOriginAnswering("HTTP/1.1 600 Odd\r\nContent-Length: 2\r\n\r\nok");
    assertThat(get(port, "GET /p HTTP/1.1\r\nHost: a\r\n\r\n").status()).isEqualTo(600);
  }

  /** Gap 10: the origin's refusal of a WebSocket upgrade reaches the client without its headers and body. */
  @Test
  void upgradeRefusedByTheOrigin_itsHeadersAndBodyAreDropped() throws IOException {
    origin.handle(request -> request.response().setStatusCode(403).putHeader("X-Why", "no-socket-for-you")
        .end("refused by origin"));
    int port = proxyTo(originPort());

    Reply reply = get(port, "GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
        + "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");

    assertThat(reply.status()).isEqualTo(403);
    assertThat(reply.head()).doesNotContain("x-why");
    assertThat(reply.body()).isEmpty();
  }

  /**
   * Gap 11: {@code Cache-Control: public} without max-age and an Expires that does not parse (RFC 9111 §5.3: already
   * stale) throws a NullPointerException in ProxiedResponse, and a valid answer becomes the proxy's 502. The same
   * answer with a parsable Expires is relayed.
   */
  @Test
  void publicWithUnparsableExpires_becomesA502() throws IOException {
    String head = "HTTP/1.1 200 OK\r\nCache-Control: public\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\n";
    int port = proxyTo(rawOriginAnswering(head + "Expires: 0\r\nContent-Length: 2\r\n\r\nok"));

    assertThat(get(port, "GET /p HTTP/1.1\r\nHost: a\r\n\r\n").status()).isEqualTo(502);
    rawOriginAnswering(head + "Expires: Sun, 06 Nov 1994 08:50:37 GMT\r\nContent-Length: 2\r\n\r\nok");
    assertThat(get(port, "GET /p HTTP/1.1\r\nHost: a\r\n\r\n").status()).isEqualTo(200);
  }

  /**
   * Gap 12: an HTTP/2 upload without Content-Length is neither sized nor chunked towards the origin, and the Vert.x
   * client refuses to send it: the origin never sees the request. Sized, the same upload goes through.
   */
  @Test
  void h2UploadWithoutContentLength_neverReachesTheOrigin() {
    origin.handle(request -> request.body().onSuccess(body -> request.response().end("got " + body.length())));
    int port = proxyTo(originPort());

    assertThat(h2Upload(port, false)).isEqualTo("failed");
    assertThat(origin.seen()).isEmpty();
    assertThat(h2Upload(port, true)).isEqualTo("200 got 11");
  }

  /** POSTs "firstsecond" in two frames over h2c (prior knowledge); the answer as "status body", or "failed". */
  private String h2Upload(int port, boolean sized) {
    HttpClient h2 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false));
    return h2.request(new RequestOptions().setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(port).setURI("/up"))
        .compose(request -> {
          if (sized) {
            request.putHeader("content-length", "11");
          }
          request.write(Buffer.buffer("first"));
          return request.end(Buffer.buffer("second")).compose(ended -> request.response())
              .compose(response -> response.body().map(body -> response.statusCode() + " " + body));
        })
        .transform(done -> Future.succeededFuture(done.succeeded() ? done.result() : "failed"))
        .eventually(h2::close)
        .await();
  }

  // ---- Vert.x core and Netty ----

  /**
   * Gap 16: HTTP/1.1 Transfer-Encoding: chunked with a Content-Length: Netty drops the length before any handler
   * runs, so the request cannot be told apart from a plain chunked one.
   */
  @Test
  void chunkedWithContentLength_theLengthIsGoneBeforeAnyHandler() throws IOException {
    AtomicReference<String> seen = new AtomicReference<>();
    HttpServer server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
        .setHttp2ClearTextEnabled(true)).requestHandler(request -> {
          seen.set(String.valueOf(request.getHeader("Content-Length")));
          request.response().end();
        }).listen().await();

    get(server.actualPort(), "POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n"
        + "0\r\n\r\n");

    assertThat(seen.get()).isEqualTo("null");
  }

  /** Gap 17: a 102 from the origin is taken for the final response by the client (only 100 and 103 are skipped). */
  @Test
  void interim102_isTakenForTheFinalResponse() {
    int port = rawOriginAnswering("HTTP/1.1 102 Processing\r\n\r\nHTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");
    HttpClient client = vertx.createHttpClient();

    int status = client.request(HttpMethod.GET, port, "127.0.0.1", "/p")
        .compose(request -> request.send())
        .map(response -> response.statusCode())
        .await();

    assertThat(status).isEqualTo(102);
  }

  /** Gap 20: a control character in the request-target is accepted by Netty and reaches the handler. */
  @Test
  void controlCharacterInTheTarget_reachesTheHandler() throws IOException {
    int port = proxyTo(originPort());

    get(port, "GET /a\u0001b HTTP/1.1\r\nHost: a\r\n\r\n");

    assertThat(origin.last().uri()).isEqualTo("/a\u0001b");
  }

  private int originPort() {
    return Integer.parseInt(origin.url().substring(origin.url().lastIndexOf(':') + 1));
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
