package com.paintbox.edge.proxy;

import static com.paintbox.edge.proxy.PassThroughTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.testing.ProxyRawClient;
import com.paintbox.edge.testing.ProxyTestEdge;
import com.paintbox.edge.testing.ProxyTestOrigin;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.junit5.VertxExtension;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** WebSocket upgrades (HTTP/1.1) pass through with the same header rules as any exchange. */
@ExtendWith(VertxExtension.class)
class WebSocketTest {

  private Vertx vertx;
  private ProxyTestOrigin origin;
  private ProxyTestEdge edge;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    origin = await(new ProxyTestOrigin(vertx).start());
    edge = await(ProxyTestEdge.start(vertx, origin.url()));
  }

  @AfterEach
  void stop() {
    await(edge.close().eventually(origin::close));
  }

  @Test
  void webSocket_echo_worksThroughTheEdgeWithProxyHeaders() {
    AtomicReference<MultiMap> handshake = new AtomicReference<>();
    origin.handle(request -> request.toWebSocket().onSuccess(socket -> {
      handshake.set(MultiMap.caseInsensitiveMultiMap().addAll(socket.headers()));
      socket.textMessageHandler(text -> socket.writeTextMessage("echo: " + text));
      socket.binaryMessageHandler(socket::writeBinaryMessage);
    }));
    WebSocketClient client = vertx.createWebSocketClient();
    Promise<String> text = Promise.promise();
    Promise<Integer> binaryLength = Promise.promise();

    WebSocket socket = await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(edge.port())
        .setURI("/live?room=1").addHeader("Keep-Alive", "timeout=5").addHeader("X-Forwarded-For", "203.0.113.9")));
    socket.textMessageHandler(text::tryComplete);
    socket.binaryMessageHandler(bytes -> binaryLength.tryComplete(bytes.length()));
    socket.writeTextMessage("hello");
    socket.writeBinaryMessage(ProxyTestOrigin.filler(200_000));

    assertThat(await(text.future())).isEqualTo("echo: hello");
    assertThat(await(binaryLength.future())).isEqualTo(200_000);
    assertThat(origin.last().uri()).isEqualTo("/live?room=1");
    assertThat(handshake.get().get("X-Forwarded-For")).isEqualTo("203.0.113.9, 127.0.0.1");
    assertThat(handshake.get().get("Via")).isEqualTo("1.1 paintbox-edge");
    assertThat(handshake.get().get("Host")).isEqualTo(origin.authority());
    assertThat(handshake.get().contains("Keep-Alive")).isFalse();
    await(socket.close().eventually(client::close));
  }

  @Test
  void webSocket_quietLongerThanOriginTimeout_staysOpen() throws Exception {
    origin.handle(request -> request.toWebSocket().onSuccess(socket ->
        socket.textMessageHandler(text -> socket.writeTextMessage("echo: " + text))));
    ProxyTestEdge strict = await(ProxyTestEdge.start(vertx, origin.url(),
        java.util.Map.of("EDGE_ORIGIN_TIMEOUT_SECONDS", "1")));
    WebSocketClient client = vertx.createWebSocketClient();
    try {
      // A cold JVM can take longer than the 1 s deadline to relay a first upgrade; warm the path through the
      // default edge first, so this test is about what happens after the 101.
      await(client.connect(edge.port(), "127.0.0.1", "/warm").compose(WebSocket::close));
      WebSocket socket = await(client.connect(strict.port(), "127.0.0.1", "/quiet"));
      Promise<String> text = Promise.promise();
      socket.textMessageHandler(text::tryComplete);

      Thread.sleep(2_500); // the response-head deadline is long gone once the origin said 101
      socket.writeTextMessage("still there?");

      assertThat(await(text.future())).isEqualTo("echo: still there?");
    } finally {
      await(client.close().eventually(strict::close));
    }
  }

  @Test
  void webSocket_fastOriginSlowClient_originIsHeldBackAndEveryByteArrives() throws Exception {
    long total = 100 * GeneratedBody.MIB;
    AtomicLong originWritten = new AtomicLong();
    AtomicBoolean originPushedBack = new AtomicBoolean();
    CompletableFuture<String> originSha = new CompletableFuture<>();
    origin.handle(request -> request.toWebSocket().onSuccess(socket ->
        GeneratedBody.write(socket, total, originWritten, originPushedBack)
            .onComplete(sha -> originSha.complete(sha.result()))));
    WebSocketClient client = vertx.createWebSocketClient();
    MessageDigest clientSha = GeneratedBody.sha256();
    AtomicLong received = new AtomicLong();
    Promise<Void> closed = Promise.promise();
    Context[] clientContext = new Context[1];

    WebSocket socket = await(client.connect(new WebSocketConnectOptions().setHost("127.0.0.1").setPort(edge.port())
        .setURI("/firehose")).map(connected -> {
          clientContext[0] = Vertx.currentContext();
          connected.pause();
          connected.handler(chunk -> {
            clientSha.update(chunk.getBytes());
            received.addAndGet(chunk.length());
          });
          connected.closeHandler(v -> closed.tryComplete());
          return connected;
        }));
    long stalledAt = GeneratedBody.awaitPlateau(originWritten, Duration.ofSeconds(1), Duration.ofSeconds(30));

    assertThat(originPushedBack).as("origin saw a full write queue").isTrue();
    assertThat(stalledAt).as("bytes the origin got out while the client read nothing").isLessThan(48 * GeneratedBody.MIB);

    clientContext[0].runOnContext(go -> socket.resume());
    await(closed.future());

    assertThat(received.get()).isEqualTo(total);
    assertThat(HexFormat.of().formatHex(clientSha.digest())).isEqualTo(originSha.get(10, TimeUnit.SECONDS));
    await(client.close());
  }

  @Test
  void webSocket_originRefusesUpgrade_clientGetsOriginStatusHeadersAndBody() throws Exception {
    origin.handle(request -> request.response().setStatusCode(403).putHeader("X-Reason", "no-ticket").end("denied"));

    ProxyRawClient.Reply reply = ProxyRawClient.exchange(edge.port(), "GET /live HTTP/1.1\r\nHost: a\r\n"
        + "Connection: keep-alive, Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n", Duration.ofMillis(500));

    assertThat(reply.status()).isEqualTo(403);
    assertThat(reply.head()).contains("x-reason: no-ticket").contains("via: 1.1 paintbox-edge");
    assertThat(reply.body()).isEqualTo("denied");
  }

  @Test
  void webSocket_101_carriesUpgradeHeadersButNoOtherHopByHop() throws Exception {
    origin.handle(request -> {
      request.response().putHeader("Keep-Alive", "timeout=5").putHeader("X-Origin", "ws");
      request.toWebSocket();
    });

    ProxyRawClient.Reply reply = ProxyRawClient.exchange(edge.port(), "GET /live HTTP/1.1\r\nHost: a\r\n"
        + "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
        + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n", Duration.ofMillis(500));

    assertThat(reply.status()).isEqualTo(101);
    assertThat(reply.head()).contains("upgrade: websocket").contains("connection: upgrade")
        .contains("sec-websocket-accept: s3pplmbitxaq9kygzzhzrbk+xoo=").contains("x-origin: ws")
        .doesNotContain("keep-alive");
  }
}
