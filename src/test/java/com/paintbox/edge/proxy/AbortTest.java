package com.paintbox.edge.proxy;

import static com.paintbox.edge.proxy.PassThroughTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.testing.ProxyRawClient;
import com.paintbox.edge.testing.ProxyRawOrigin;
import com.paintbox.edge.testing.ProxyTestEdge;
import com.paintbox.edge.testing.ProxyTestOrigin;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.http.StreamResetException;
import io.vertx.core.net.NetServerOptions;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Exchanges that end badly end badly for both sides: an origin that dies mid-body aborts the client's response
 * (never a short body that looks whole), a client that leaves cancels the origin request, and a body that stalls
 * after its head does not hold the client forever.
 */
class AbortTest extends OriginPathTestBase {

  private static final String HEAD_100 = "HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhello";
  private static final String HEAD_CHUNKED = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n";

  private Vertx vertx;
  private ProxyRawOrigin raw;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
  }

  @AfterEach
  void stop() {
    if (raw != null) {
      await(raw.close());
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void originDiesMidBody_contentLength_clientSeesShortBodyThenClose(boolean reset) throws Exception {
    ProxyTestEdge edge = edgeBefore(dyingOrigin(HEAD_100, reset));
    try {
      ProxyRawClient.Reply reply = ProxyRawClient.exchange(edge.port(), "GET /x HTTP/1.1\r\nHost: a\r\n\r\n",
          Duration.ofSeconds(5));

      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.head()).contains("content-length: 100");
      assertThat(reply.body()).isEqualTo("hello");
      assertThat(reply.eof()).as("connection closed before 100 bytes").isTrue();
    } finally {
      await(edge.close());
    }
  }

  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void originDiesMidBody_chunked_clientSeesNoLastChunk(boolean reset) throws Exception {
    ProxyTestEdge edge = edgeBefore(dyingOrigin(HEAD_CHUNKED, reset));
    try {
      ProxyRawClient.Reply reply = ProxyRawClient.exchange(edge.port(), "GET /x HTTP/1.1\r\nHost: a\r\n\r\n",
          Duration.ofSeconds(5));

      assertThat(reply.head()).contains("transfer-encoding: chunked");
      assertThat(reply.body()).startsWith("5\r\nhello\r\n").doesNotContain("0\r\n\r\n");
      assertThat(reply.eof()).isTrue();
    } finally {
      await(edge.close());
    }
  }

  @Test
  void originDiesMidBody_h2Client_streamIsReset() {
    ProxyTestEdge edge = edgeBefore(dyingOrigin(HEAD_100, true));
    HttpClient h2 = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(HttpVersion.HTTP_2)
        .setHttp2ClearTextUpgrade(false).setDefaultHost("127.0.0.1").setDefaultPort(edge.port()));
    try {
      Throwable failure = h2.request(new RequestOptions().setURI("/x"))
          .compose(request -> request.send())
          .compose(response -> response.body())
          .transform(done -> io.vertx.core.Future.succeededFuture(done.cause()))
          .await();

      assertThat(failure).isInstanceOf(StreamResetException.class);
    } finally {
      await(h2.close().eventually(edge::close));
    }
  }

  @Test
  void originStallsAfterHead_clientAbortedAfterBodyIdleTimeout() throws Exception {
    raw = await(new ProxyRawOrigin(vertx).start());
    AtomicInteger requests = new AtomicInteger();
    // The first request warms a cold JVM's path (its head could otherwise miss the 1 s deadline); then the stall.
    raw.script(socket -> socket.handler(request -> socket.write(requests.incrementAndGet() == 1
        ? "HTTP/1.1 200 OK\r\nContent-Length: 4\r\n\r\nwarm" : HEAD_100)));
    ProxyTestEdge edge = await(startEdge(vertx, raw.url(),
        Map.of("EDGE_ORIGIN_TIMEOUT_SECONDS", "1", "EDGE_ORIGIN_BODY_IDLE_TIMEOUT_SECONDS", "2")));
    try {
      assertThat(ProxyRawClient.exchange(edge.port(), "GET /warm HTTP/1.1\r\nHost: a\r\n\r\n",
          Duration.ofMillis(300)).body()).isEqualTo("warm");
      long started = System.nanoTime();
      ProxyRawClient.Reply reply = ProxyRawClient.exchange(edge.port(), "GET /x HTTP/1.1\r\nHost: a\r\n\r\n",
          Duration.ofSeconds(10));
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

      assertThat(reply.body()).isEqualTo("hello");
      assertThat(reply.eof()).isTrue();
      assertThat(elapsedMillis).as("aborted by the 2 s body idle timeout, not the 10 s read").isBetween(1_500L, 8_000L);
    } finally {
      await(edge.close());
    }
  }

  @Test
  void clientLeavesWhileOriginThinks_originRequestIsCancelled() throws Exception {
    ProxyTestOrigin origin = await(new ProxyTestOrigin(vertx).start());
    CompletableFuture<Long> originClosedAt = new CompletableFuture<>();
    origin.handle(request -> request.connection().closeHandler(closed -> originClosedAt.complete(System.nanoTime())));
    ProxyTestEdge edge = await(startEdge(vertx, origin.url()));
    try {
      ProxyRawClient client = new ProxyRawClient(edge.port()).send("GET /think HTTP/1.1\r\nHost: a\r\n\r\n");
      awaitSeen(origin, 1);
      long leftAt = System.nanoTime();
      client.close();

      long closedAt = originClosedAt.get(10, TimeUnit.SECONDS); // the 30 s origin timeout is far away
      assertThat(closedAt).isGreaterThanOrEqualTo(leftAt);
    } finally {
      await(edge.close().eventually(origin::close));
    }
  }

  @Test
  void clientLeavesMidUpload_originRequestIsReset() throws Exception {
    ProxyTestOrigin origin = await(new ProxyTestOrigin(vertx).start());
    CompletableFuture<Throwable> originFailure = new CompletableFuture<>();
    origin.handle(request -> {
      request.exceptionHandler(originFailure::complete);
      request.endHandler(end -> originFailure.complete(null));
    });
    ProxyTestEdge edge = await(startEdge(vertx, origin.url()));
    try {
      ProxyRawClient client = new ProxyRawClient(edge.port())
          .send("PUT /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 1000000\r\n\r\n")
          .send(ProxyTestOrigin.filler(10_000).toString());
      awaitSeen(origin, 1);
      client.close();

      assertThat(originFailure.get(10, TimeUnit.SECONDS)).as("the upload was cut, not completed").isNotNull();
    } finally {
      await(edge.close().eventually(origin::close));
    }
  }

  @Test
  void clientLeavesMidDownload_originResponseIsClosed() throws Exception {
    ProxyTestOrigin origin = await(new ProxyTestOrigin(vertx).start());
    CompletableFuture<Void> originClosed = new CompletableFuture<>();
    origin.handle(request -> {
      var response = request.response().setChunked(true);
      long timer = vertx.setPeriodic(10, tick -> response.write("0123456789"));
      response.closeHandler(closed -> {
        vertx.cancelTimer(timer);
        originClosed.complete(null);
      });
    });
    ProxyTestEdge edge = await(startEdge(vertx, origin.url()));
    try {
      ProxyRawClient client = new ProxyRawClient(edge.port()).send("GET /endless HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(client.readAtLeast(100, Duration.ofSeconds(5)).text()).startsWith("HTTP/1.1 200");
      client.close();

      originClosed.get(10, TimeUnit.SECONDS);
      assertThat(originClosed).isDone();
    } finally {
      await(edge.close().eventually(origin::close));
    }
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  /** A raw origin that answers every request with {@code bytes} and then closes (FIN) or resets (RST). */
  private ProxyRawOrigin dyingOrigin(String bytes, boolean reset) {
    NetServerOptions options = reset ? new NetServerOptions().setSoLinger(0) : new NetServerOptions();
    raw = await(new ProxyRawOrigin(vertx).start(options));
    raw.script(socket -> socket.handler(request -> socket.write(bytes)
        .onComplete(written -> vertx.setTimer(50, later -> socket.close()))));
    return raw;
  }

  private ProxyTestEdge edgeBefore(ProxyRawOrigin target) {
    return await(startEdge(vertx, target.url()));
  }

  private static void awaitSeen(ProxyTestOrigin origin, int requests) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (origin.seen().size() < requests && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertThat(origin.seen()).hasSizeGreaterThanOrEqualTo(requests);
  }
}
