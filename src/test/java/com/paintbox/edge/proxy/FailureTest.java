package com.paintbox.edge.proxy;

import static com.paintbox.edge.proxy.PassThroughTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.metrics.EdgeMeters;
import com.paintbox.edge.testing.ProxyRawClient;
import com.paintbox.edge.testing.ProxyTestEdge;
import com.paintbox.edge.testing.ProxyTestOrigin;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Honest, fast failures: 502 when the origin cannot be reached, 504 when it does not answer in time. */
class FailureTest extends OriginPathTestBase {

  /** The budget for a refused connection: the 2 s connect timeout is never involved, so this is generous. */
  private static final long REFUSED_BUDGET_MILLIS = 2_000;
  /** EDGE_ORIGIN_TIMEOUT_SECONDS in the 504 test, and the margin allowed past it. */
  private static final long ORIGIN_TIMEOUT_MILLIS = 1_000;
  private static final long TIMEOUT_MARGIN_MILLIS = 1_500;

  private Vertx vertx;
  private HttpClient client;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1"));
  }

  @AfterEach
  void stop() {
    await(client.close());
  }

  @Test
  void originRefusesConnections_answers502FastWithJsonNoStoreAndNoCacheStatus() throws Exception {
    ProxyTestEdge edge = await(startEdge(vertx, "http://127.0.0.1:" + closedPort()));
    try {
      long started = System.nanoTime();
      Reply reply = get(edge.port(), "/page");
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

      assertThat(reply.response.statusCode()).isEqualTo(502);
      assertThat(elapsedMillis).isLessThan(REFUSED_BUDGET_MILLIS);
      assertEdgeError(reply, 502, "origin_unreachable");
      assertThat(edge.count(EdgeMeters.ORIGIN_REQUESTS, "source", "edge", "status_class", "5xx")).isEqualTo(1);
      assertThat(edge.count(EdgeMeters.ORIGIN_REQUESTS, "source", "origin", "status_class", "5xx")).isZero();
    } finally {
      await(edge.close());
    }
  }

  @Test
  void originNeverAnswers_answers504WithinOriginTimeoutAndDropsTheOriginRequest() throws Exception {
    ProxyTestOrigin origin = await(new ProxyTestOrigin(vertx).start());
    CompletableFuture<Void> originDropped = new CompletableFuture<>();
    origin.handle(request -> request.connection().closeHandler(closed -> originDropped.complete(null)));
    ProxyTestEdge edge = await(startEdge(vertx, origin.url(),
        Map.of("EDGE_ORIGIN_TIMEOUT_SECONDS", Long.toString(ORIGIN_TIMEOUT_MILLIS / 1_000))));
    try {
      long started = System.nanoTime();
      Reply reply = get(edge.port(), "/slow");
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

      assertThat(reply.response.statusCode()).isEqualTo(504);
      assertThat(elapsedMillis).isBetween(ORIGIN_TIMEOUT_MILLIS - 100, ORIGIN_TIMEOUT_MILLIS + TIMEOUT_MARGIN_MILLIS);
      assertEdgeError(reply, 504, "origin_timeout");
      originDropped.get(5, TimeUnit.SECONDS);
      assertThat(edge.count(EdgeMeters.ORIGIN_REQUESTS, "source", "edge", "status_class", "5xx")).isEqualTo(1);
    } finally {
      await(edge.close().eventually(origin::close));
    }
  }

  @Test
  void originClosesBeforeAnswering_answers502() throws Exception {
    ProxyTestOrigin origin = await(new ProxyTestOrigin(vertx).start());
    origin.handle(request -> request.connection().close());
    ProxyTestEdge edge = await(startEdge(vertx, origin.url()));
    try {
      Reply reply = get(edge.port(), "/crash");

      assertEdgeError(reply, 502, "origin_error");
    } finally {
      await(edge.close().eventually(origin::close));
    }
  }

  @Test
  void originDown_webSocketUpgrade_answers502WithJson() throws Exception {
    ProxyTestEdge edge = await(startEdge(vertx, "http://127.0.0.1:" + closedPort()));
    try {
      ProxyRawClient.Reply reply = ProxyRawClient.exchange(edge.port(), "GET /socket HTTP/1.1\r\nHost: a\r\n"
          + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
          + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n", Duration.ofSeconds(2));

      assertThat(reply.status()).isEqualTo(502);
      assertThat(reply.head()).contains("cache-control: no-store");
      assertThat(new JsonObject(reply.body()).getString("error")).isEqualTo("origin_unreachable");
    } finally {
      await(edge.close());
    }
  }

  @Test
  void originDown_jwksStillServedAndEdgeReady() throws Exception {
    ProxyTestEdge edge = await(startEdge(vertx, "http://127.0.0.1:" + closedPort()));
    try {
      awaitReady(edge.port());

      Reply jwks = get(edge.port(), "/.well-known/jwks.json");
      Reply page = get(edge.port(), "/");

      assertThat(jwks.response.statusCode()).isEqualTo(200);
      assertThat(new JsonObject(jwks.body).getJsonArray("keys")).hasSize(2);
      assertThat(page.response.statusCode()).isEqualTo(502);
    } finally {
      await(edge.close());
    }
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  record Reply(HttpClientResponse response, String body) {}

  private Reply get(int port, String uri) {
    return await(client.request(new RequestOptions().setPort(port).setURI(uri))
        .compose(request -> request.send())
        .compose(response -> response.body().map(body -> new Reply(response, body.toString()))));
  }

  private static void assertEdgeError(Reply reply, int status, String code) {
    assertThat(reply.response.statusCode()).isEqualTo(status);
    assertThat(reply.response.getHeader("Content-Type")).isEqualTo("application/json");
    assertThat(reply.response.getHeader("Cache-Control")).isEqualTo("no-store");
    assertThat(reply.response.headers().contains("Cache-Status")).isFalse();
    JsonObject body = new JsonObject(Buffer.buffer(reply.body));
    assertThat(body.getString("error")).isEqualTo(code);
    assertThat(body.getInteger("status")).isEqualTo(status);
  }

  private void awaitReady(int port) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (System.nanoTime() < deadline) {
      if (get(port, "/_edge/ready").response.statusCode() == 200) {
        return;
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the edge never became ready");
  }

  /** A loopback port nothing listens on: bound once by the OS, then released. */
  static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }

}
