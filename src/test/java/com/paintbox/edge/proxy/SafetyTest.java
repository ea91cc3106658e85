package com.paintbox.edge.proxy;

import static com.paintbox.edge.proxy.PassThroughTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.metrics.EdgeMeters;
import com.paintbox.edge.testing.ProxyRawClient;
import com.paintbox.edge.testing.ProxyRawOrigin;
import com.paintbox.edge.testing.ProxyTestEdge;
import com.paintbox.edge.testing.ProxyTestOrigin;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The edge only ever talks to its origin, and only with requests whose framing it trusts. A second server on
 * loopback plays the host an attacker would like reached; it must never see a connection.
 */
class SafetyTest extends OriginPathTestBase {

  private static final Duration QUIET = Duration.ofMillis(500);

  private ProxyTestOrigin origin;
  private ProxyRawOrigin evil;
  private ProxyTestEdge edge;
  private String evilAuthority;

  @BeforeEach
  void start(Vertx vertx) {
    origin = await(new ProxyTestOrigin(vertx).start());
    origin.handle(request -> request.body().onSuccess(body -> request.response().end("origin got " + body.length())));
    evil = await(new ProxyRawOrigin(vertx).start());
    evilAuthority = "127.0.0.1:" + evil.port();
    edge = await(startEdge(vertx, origin.url()));
  }

  @AfterEach
  void stop() {
    assertThat(evil.connections()).as("connections to the other host").isZero();
    await(edge.close().eventually(origin::close).eventually(evil::close));
  }

  @Test
  void absoluteFormTarget_naming_anotherHost_reachesOriginInOriginForm() throws Exception {
    ProxyRawClient.Reply reply = exchange("GET http://" + evilAuthority + "/x%2Fy?q=1 HTTP/1.1\r\nHost: "
        + evilAuthority + "\r\n\r\n");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(origin.last().uri()).isEqualTo("/x%2Fy?q=1");
    assertThat(origin.last().header("Host")).isEqualTo(origin.authority());
  }

  @Test
  void connect_toAnotherHost_refused405AndNothingForwarded() throws Exception {
    ProxyRawClient.Reply reply = exchange("CONNECT " + evilAuthority + " HTTP/1.1\r\nHost: " + evilAuthority + "\r\n\r\n");

    assertThat(reply.status()).isEqualTo(405);
    assertThat(reply.head()).contains("allow: get, head, post, put, patch, delete, options");
    assertThat(reply.head()).contains("cache-control: no-store");
    assertThat(new JsonObject(reply.body()).getString("error")).isEqualTo("method_not_allowed");
    assertThat(reply.eof()).isTrue();
    assertThat(origin.seen()).isEmpty();
    assertThat(edge.count(EdgeMeters.ORIGIN_REQUESTS, "source", "edge", "status_class", "4xx")).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"EVIL", "evil.example", "evil.example:443", "user@EVIL", "[::1]:1", "a b", "", "EVIL/x",
      "EVIL\r\nHost: EVIL"})
  void oddHostValues_neverChangeWhereTheEdgeConnects(String host) throws Exception {
    String value = host.replace("EVIL", evilAuthority);

    ProxyRawClient.Reply reply = exchange("GET /odd HTTP/1.1\r\nHost: " + value + "\r\n\r\n");

    assertThat(reply.status()).isIn(200, 400);
    origin.seen().forEach(seen -> assertThat(seen.header("Host")).isEqualTo(origin.authority()));
  }

  @Test
  void oversizedHeaders_refused431BeforeTheOrigin() throws Exception {
    ProxyRawClient.Reply reply = exchange("GET /big HTTP/1.1\r\nHost: a\r\nX-Big: " + "x".repeat(20_000) + "\r\n\r\n");

    assertThat(reply.status()).isEqualTo(431);
    assertThat(origin.seen()).isEmpty();
  }

  @Test
  void oversizedRequestLine_refused414BeforeTheOrigin() throws Exception {
    ProxyRawClient.Reply reply = exchange("GET /" + "x".repeat(10_000) + " HTTP/1.1\r\nHost: a\r\n\r\n");

    assertThat(reply.status()).isEqualTo(414);
    assertThat(origin.seen()).isEmpty();
  }

  @Test
  void contentLengthAndChunked_http11_chunksFrameTheBodyAndNothingPipelinedBehindIsServed() throws Exception {
    // The classic CL.TE desync: a front end that trusts Content-Length would pass the second request along as body.
    ProxyRawClient.Reply reply = exchange("POST /first HTTP/1.1\r\nHost: a\r\nContent-Length: 6\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body()).isEqualTo("origin got 0");
    assertThat(reply.head()).contains("connection: close");
    assertThat(reply.eof()).isTrue();
    assertThat(origin.seen()).extracting(ProxyTestOrigin.Seen::uri).containsExactly("/first");
    assertThat(origin.last().header("Content-Length")).isNull();
  }

  @Test
  void transferEncodingOnHttp10_refused400AndNothingForwarded() throws Exception {
    ProxyRawClient.Reply reply = exchange("POST /smuggle HTTP/1.0\r\nContent-Length: 0\r\n"
        + "Transfer-Encoding: chunked\r\n\r\n23\r\nGET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n\r\n0\r\n\r\n");

    assertThat(reply.status()).isEqualTo(400);
    assertThat(new JsonObject(reply.body()).getString("error")).isEqualTo("bad_framing");
    assertThat(reply.eof()).isTrue();
    assertThat(origin.seen()).isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"gzip, chunked", "Chunked", "identity", "chunked\r\nTransfer-Encoding: gzip"})
  void transferEncodingOtherThanChunked_refused400(String coding) throws Exception {
    ProxyRawClient.Reply reply = exchange("POST /te HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: " + coding
        + "\r\n\r\n0\r\n\r\n");

    assertThat(reply.status()).isEqualTo(400);
    assertThat(reply.eof()).isTrue();
    assertThat(origin.seen()).isEmpty();
  }

  @Test
  void duplicateDifferingContentLength_refused400() throws Exception {
    ProxyRawClient.Reply reply = exchange("POST /cl HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\n"
        + "Content-Length: 30\r\n\r\nabc");

    assertThat(reply.status()).isEqualTo(400);
    assertThat(origin.seen()).isEmpty();
  }

  @Test
  void requestTargetNotOriginOrAbsoluteForm_refused400() throws Exception {
    for (String target : List.of(evilAuthority, "*")) {
      ProxyRawClient.Reply reply = exchange("GET " + target + " HTTP/1.1\r\nHost: a\r\n\r\n");

      assertThat(reply.status()).as(target).isEqualTo(400);
    }
    assertThat(origin.seen()).isEmpty();
  }

  @Test
  void optionsAsterisk_forwardedAsIs() throws Exception {
    ProxyRawClient.Reply reply = exchange("OPTIONS * HTTP/1.1\r\nHost: a\r\n\r\n");

    assertThat(reply.status()).isEqualTo(200);
    assertThat(origin.last().uri()).isEqualTo("*");
  }

  private ProxyRawClient.Reply exchange(String request) throws Exception {
    return ProxyRawClient.exchange(edge.port(), request, QUIET);
  }
}
