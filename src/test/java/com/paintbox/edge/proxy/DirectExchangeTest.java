package com.paintbox.edge.proxy;

import static com.paintbox.edge.proxy.PassThroughTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.testing.ProxyRawClient;
import com.paintbox.edge.testing.ProxyRawOrigin;
import com.paintbox.edge.testing.ProxyTestEdge;
import io.vertx.core.Vertx;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpVersion;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What the hand-written path does on its own account (the rules it shares with the proxy path are tested through
 * it by the other proxy tests, whose GETs take it): which exchanges it takes, how it frames answers, and Date.
 */
class DirectExchangeTest extends OriginPathTestBase {

  private static final Duration QUIET = Duration.ofMillis(500);

  private ProxyRawOrigin origin;
  private ProxyTestEdge edge;

  @AfterEach
  void stop() {
    if (edge != null) {
      await(edge.close().eventually(origin::close));
    }
  }

  private void start(Vertx vertx, String answer) {
    origin = await(new ProxyRawOrigin(vertx).start());
    origin.script(socket -> socket.handler(request -> socket.write(answer)));
    edge = await(startEdge(vertx, origin.url()));
  }

  @Test
  void originDate_passesThroughAsSent(Vertx vertx) throws Exception {
    start(vertx, "HTTP/1.1 200 OK\r\nDate: Sun, 06 Nov 1994 08:49:37 GMT\r\nContent-Length: 2\r\n\r\nok");

    ProxyRawClient.Reply reply = ProxyRawClient.exchange(edge.port(), "GET /d HTTP/1.1\r\nHost: a\r\n\r\n", QUIET);

    assertThat(reply.text().lines().filter(line -> line.regionMatches(true, 0, "date:", 0, 5)))
        .containsExactly("Date: Sun, 06 Nov 1994 08:49:37 GMT"); // as sent, name and value byte for byte
    assertThat(reply.body()).isEqualTo("ok");
  }

  @Test
  void noOriginDate_edgeAddsTheTimeItForwardedAt(Vertx vertx) throws Exception {
    start(vertx, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok");

    ProxyRawClient.Reply reply = ProxyRawClient.exchange(edge.port(), "GET /d HTTP/1.1\r\nHost: a\r\n\r\n", QUIET);

    String date = reply.text().lines().filter(line -> line.regionMatches(true, 0, "date: ", 0, 6)).findFirst()
        .orElseThrow().substring("date: ".length());
    ZonedDateTime parsed = ZonedDateTime.parse(date, DateTimeFormatter.RFC_1123_DATE_TIME);
    assertThat(Duration.between(parsed, ZonedDateTime.now()).abs()).isLessThan(Duration.ofSeconds(5));
    assertThat(date).matches("[A-Z][a-z]{2}, \\d{2} [A-Z][a-z]{2} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT");
  }

  @Test
  void noContent_answeredWithoutChunkedFraming(Vertx vertx) throws Exception {
    start(vertx, "HTTP/1.1 204 No Content\r\n\r\n");

    ProxyRawClient.Reply reply = ProxyRawClient.exchange(edge.port(), "DELETE /x HTTP/1.1\r\nHost: a\r\n\r\n", QUIET);

    assertThat(reply.status()).isEqualTo(204);
    assertThat(reply.head()).doesNotContain("transfer-encoding");
    assertThat(reply.body()).isEmpty();
  }

  @Test
  void customReasonPhrase_passesThrough(Vertx vertx) throws Exception {
    start(vertx, "HTTP/1.1 200 Fine Thanks\r\nContent-Length: 2\r\n\r\nok");

    ProxyRawClient.Reply reply = ProxyRawClient.exchange(edge.port(), "GET /r HTTP/1.1\r\nHost: a\r\n\r\n", QUIET);

    assertThat(reply.statusLine()).isEqualTo("HTTP/1.1 200 Fine Thanks");
  }

  @Test
  void applies_onlyToBodilessHttp11RequestsThatUpgradeNothing() {
    assertThat(DirectExchange.applies(HttpVersion.HTTP_1_1, headers())).isTrue();
    assertThat(DirectExchange.applies(HttpVersion.HTTP_1_0, headers())).isFalse();
    assertThat(DirectExchange.applies(HttpVersion.HTTP_2, headers())).isFalse();
    assertThat(DirectExchange.applies(HttpVersion.HTTP_1_1, headers("Content-Length", "0"))).isFalse();
    assertThat(DirectExchange.applies(HttpVersion.HTTP_1_1, headers("Transfer-Encoding", "chunked"))).isFalse();
    assertThat(DirectExchange.applies(HttpVersion.HTTP_1_1, headers("Upgrade", "websocket"))).isFalse();
  }

  private static MultiMap headers(String... pairs) {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap();
    for (int i = 0; i + 1 < pairs.length; i += 2) {
      headers.add(pairs[i], pairs[i + 1]);
    }
    return headers;
  }
}
