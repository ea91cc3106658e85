package com.paintbox.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.dev.SecretsManagerEmulator;
import com.paintbox.edge.testing.TestKeys;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.io.IOException;
import java.net.ConnectException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM on a real process: readiness turns 503 first, requests in flight to a slow origin all complete, new
 * connections are refused, and the process exits 0. The edge finds the emulator through the SDK's own
 * AWS_ENDPOINT_URL_SECRETS_MANAGER, as a deployment would point it at a regional endpoint.
 */
class GracefulShutdownTest {

  private static final Duration ORIGIN_DELAY = Duration.ofMillis(1_500);
  private static final int IN_FLIGHT = 20;

  private Vertx vertx;
  private SecretsManagerEmulator secrets;
  private HttpServer slowOrigin;
  private final AtomicInteger originRequests = new AtomicInteger();
  // HTTP/1.1: JDK 17's client fails every open stream when it receives a GOAWAY, even those the server still finishes.
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(2)).build();
  private Process edge;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    secrets = new SecretsManagerEmulator(vertx).start().await();
    secrets.secrets().create("paintbox/jwks", TestKeys.ec("k").toJSONString());
    slowOrigin = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(request -> {
          originRequests.incrementAndGet();
          vertx.setTimer(ORIGIN_DELAY.toMillis(), id -> request.response().end("slow and done"));
        })
        .listen().await();
  }

  @AfterEach
  void tearDown() {
    if (edge != null && edge.isAlive()) {
      edge.destroyForcibly();
    }
    vertx.close().await();
  }

  @Test
  void sigterm_duringSlowRequests_readinessFirstThenAllCompleteAndExitZero(@TempDir Path dir) throws Exception {
    int port = freePort();
    int admin = freePort();
    Path log = dir.resolve("edge.log");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), EdgeMain.class.getName())
        .redirectErrorStream(true).redirectOutput(log.toFile());
    // Hermetic: whatever the surrounding shell exports for the edge, the AWS SDK or Fly must not leak in.
    builder.environment().keySet().removeIf(k -> k.startsWith("EDGE_") || k.startsWith("AWS_") || k.startsWith("FLY_"));
    builder.environment().putAll(java.util.Map.of(
        "EDGE_PORT", Integer.toString(port), "EDGE_ADMIN_PORT", Integer.toString(admin),
        "EDGE_ORIGIN_URL", "http://127.0.0.1:" + slowOrigin.actualPort(), "EDGE_DRAIN_SECONDS", "10",
        "AWS_ENDPOINT_URL_SECRETS_MANAGER", secrets.endpoint().toString(), "AWS_REGION", "us-east-1",
        "AWS_ACCESS_KEY_ID", "AKIDSHUTDOWNTEST", "AWS_SECRET_ACCESS_KEY", "shutdown-test-secret"));
    edge = builder.start();
    awaitStatus(admin, "/ready", 200, Duration.ofSeconds(30), log);

    List<CompletableFuture<HttpResponse<String>>> inFlight = new ArrayList<>();
    for (int i = 0; i < IN_FLIGHT; i++) {
      inFlight.add(client.sendAsync(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/slow/" + i))
          .timeout(Duration.ofSeconds(20)).build(), HttpResponse.BodyHandlers.ofString()));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (originRequests.get() < IN_FLIGHT && System.nanoTime() < deadline) {
      TimeUnit.MILLISECONDS.sleep(10);
    }
    assertThat(originRequests.get()).as("requests waiting at the origin").isEqualTo(IN_FLIGHT);

    edge.destroy(); // SIGTERM
    HttpResponse<String> readiness = awaitStatus(admin, "/ready", 503, Duration.ofSeconds(1), log);

    assertThat(readiness.body()).contains("\"status\":\"draining\"");
    assertThat(inFlight).noneMatch(CompletableFuture::isDone); // readiness went 503 before any finished
    assertThat(inFlight).allSatisfy(response -> {
      assertThat(response.join().statusCode()).isEqualTo(200);
      assertThat(response.join().body()).isEqualTo("slow and done");
    });
    assertThat(edge.waitFor(15, TimeUnit.SECONDS)).isTrue();
    assertThat(edge.exitValue()).as(Files.readString(log)).isZero();
    assertThat(refused(port)).isTrue();
    assertThat(Files.readString(log)).contains("signal received; draining");
  }

  private boolean refused(int port) {
    try {
      client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/_edge/health")).build(),
          HttpResponse.BodyHandlers.discarding());
      return false;
    } catch (ConnectException refused) {
      return true;
    } catch (IOException | InterruptedException other) {
      return other.getCause() instanceof ConnectException;
    }
  }

  private HttpResponse<String> awaitStatus(int port, String path, int status, Duration within, Path log) throws Exception {
    long deadline = System.nanoTime() + within.toNanos();
    HttpResponse<String> last = null;
    while (System.nanoTime() < deadline) {
      try {
        last = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.ofString());
        if (last.statusCode() == status) {
          return last;
        }
      } catch (IOException | CompletionException notYet) {
        // not listening yet
      }
      TimeUnit.MILLISECONDS.sleep(10);
    }
    throw new AssertionError(path + " never answered " + status + " (last: " + (last == null ? "none" : last.statusCode())
        + ")\n" + Files.readString(log));
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
