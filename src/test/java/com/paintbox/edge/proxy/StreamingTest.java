package com.paintbox.edge.proxy;

import static com.paintbox.edge.proxy.GeneratedBody.MIB;
import static com.paintbox.edge.proxy.PassThroughTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.testing.ProxyRawClient;
import com.paintbox.edge.testing.ProxyTestEdge;
import com.paintbox.edge.testing.ProxyTestOrigin;
import io.vertx.core.Context;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Bodies stream both ways with back-pressure. Each test pauses one end and watches the other end stop: the bytes
 * the far end has managed to write level off well short of the total, so the edge is not soaking the body up.
 * That proof does not depend on how fast the machine is; a slow machine only takes longer to level off.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class StreamingTest extends OriginPathTestBase {

  private static final long TOTAL = 100 * MIB;
  /** Generous room for the kernel's socket buffers on two loopback hops plus Netty's queues; a fraction of TOTAL. */
  private static final long IN_FLIGHT_LIMIT = 48 * MIB;
  private static final Duration STABLE = Duration.ofSeconds(1);
  private static final Duration MAX_WAIT = Duration.ofSeconds(30);

  private ProxyTestOrigin origin;
  private ProxyTestEdge edge;
  private HttpClient client;

  @BeforeEach
  void start(Vertx vertx) {
    origin = await(new ProxyTestOrigin(vertx).start());
    edge = await(startEdge(vertx, origin.url()));
    client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(edge.port()));
  }

  @AfterEach
  void stop() {
    await(client.close().eventually(edge::close).eventually(origin::close));
  }

  @Test
  void download_100MiBToSlowReader_arrivesIntactAndOriginIsHeldBack() throws Exception {
    AtomicLong originWritten = new AtomicLong();
    AtomicBoolean originPushedBack = new AtomicBoolean();
    CompletableFuture<String> originSha = new CompletableFuture<>();
    origin.handle(request -> {
      request.response().putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(TOTAL));
      GeneratedBody.write(request.response(), TOTAL, originWritten, originPushedBack)
          .onComplete(sha -> originSha.complete(sha.result()));
    });
    MessageDigest clientSha = GeneratedBody.sha256();
    AtomicLong received = new AtomicLong();
    Promise<Void> ended = Promise.promise();
    Context[] clientContext = new Context[1];

    HttpClientResponse response = await(client.request(new RequestOptions().setURI("/big"))
        .compose(request -> request.send())
        .map(head -> {
          clientContext[0] = Vertx.currentContext();
          head.pause();
          head.handler(chunk -> {
            clientSha.update(chunk.getBytes());
            received.addAndGet(chunk.length());
          });
          head.endHandler(ended::complete);
          head.exceptionHandler(ended::tryFail);
          return head;
        }));
    long stalledAt = GeneratedBody.awaitPlateau(originWritten, STABLE, MAX_WAIT);

    assertThat(response.getHeader(HttpHeaders.CONTENT_LENGTH)).isEqualTo(Long.toString(TOTAL));
    assertThat(originPushedBack).as("origin saw a full write queue").isTrue();
    assertThat(stalledAt).as("bytes the origin got out while the client read nothing").isLessThan(IN_FLIGHT_LIMIT);

    clientContext[0].runOnContext(go -> response.resume());
    await(ended.future());

    assertThat(received.get()).isEqualTo(TOTAL);
    assertThat(HexFormat.of().formatHex(clientSha.digest())).isEqualTo(originSha.get(10, TimeUnit.SECONDS));
  }

  @Test
  void upload_100MiBToSlowOrigin_arrivesIntactAndClientIsHeldBack() throws Exception {
    CompletableFuture<Runnable> resumeOrigin = new CompletableFuture<>();
    origin.handle(request -> {
      request.pause();
      Context context = Vertx.currentContext();
      MessageDigest sha = GeneratedBody.sha256();
      request.handler(chunk -> sha.update(chunk.getBytes()));
      request.endHandler(end -> request.response().end(HexFormat.of().formatHex(sha.digest())));
      resumeOrigin.complete(() -> context.runOnContext(go -> request.resume()));
    });
    AtomicLong clientWritten = new AtomicLong();
    AtomicBoolean clientPushedBack = new AtomicBoolean();
    CompletableFuture<String> clientSha = new CompletableFuture<>();

    var reply = client.request(new RequestOptions().setMethod(HttpMethod.PUT).setURI("/upload"))
        .compose(request -> {
          request.putHeader(HttpHeaders.CONTENT_LENGTH, Long.toString(TOTAL));
          GeneratedBody.write(request, TOTAL, clientWritten, clientPushedBack)
              .onComplete(sha -> clientSha.complete(sha.result()));
          return request.response();
        })
        .compose(HttpClientResponse::body);
    resumeOrigin.get(20, TimeUnit.SECONDS);
    long stalledAt = GeneratedBody.awaitPlateau(clientWritten, STABLE, MAX_WAIT);

    assertThat(clientPushedBack).as("client saw a full write queue").isTrue();
    assertThat(stalledAt).as("bytes the client got out while the origin read nothing").isLessThan(IN_FLIGHT_LIMIT);

    resumeOrigin.get().run();
    String originSha = await(reply).toString();

    assertThat(originSha).isEqualTo(clientSha.get(10, TimeUnit.SECONDS));
    assertThat(origin.last().header("Content-Length")).isEqualTo(Long.toString(TOTAL));
  }

  @Test
  void slowUpload_longerThanOriginTimeout_isNotMistakenForASlowOrigin(Vertx vertx) throws Exception {
    ProxyTestEdge strict = await(startEdge(vertx, origin.url(),
        java.util.Map.of("EDGE_ORIGIN_TIMEOUT_SECONDS", "1")));
    origin.handle(request -> request.body().onSuccess(body -> request.response().end("got " + body.length())));
    // A cold JVM's first exchange can be slower than the 1 s deadline by itself; warm the path first.
    assertThat(ProxyRawClient.exchange(strict.port(), "GET /warm HTTP/1.1\r\nHost: a\r\n\r\n",
        Duration.ofMillis(300)).status()).isEqualTo(200);
    try (ProxyRawClient raw = new ProxyRawClient(strict.port())) {
      raw.send("POST /slow HTTP/1.1\r\nHost: a\r\nContent-Length: 8\r\n\r\n");
      for (int i = 0; i < 8; i++) {
        Thread.sleep(300); // 2.4 s of upload against a 1 s response-head timeout
        raw.send("x");
      }
      ProxyRawClient.Reply reply = raw.read(Duration.ofSeconds(3));

      assertThat(reply.status()).isEqualTo(200);
      assertThat(reply.body()).isEqualTo("got 8");
    } finally {
      await(strict.close());
    }
  }
}
