package com.paintbox.edge;

import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.dev.SecretsManagerEmulator;
import com.paintbox.edge.proxy.OriginExchange;
import com.paintbox.edge.testing.LogCapture;
import com.paintbox.edge.testing.MotoBackend;
import com.paintbox.edge.testing.TestKeys;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/**
 * A scraper or script that waits for the public port and then calls the admin port is never refused: the admin port
 * opens first, and one log line says when both listen.
 */
class StartupOrderTest {

  /** How long the edge may take to open its public port on a busy machine. */
  private static final Duration START_BUDGET = Duration.ofSeconds(30);

  @Test
  void start_theMomentThePublicPortAccepts_theAdminPortAnswersToo() throws Exception {
    Vertx vertx = Vertx.vertx();
    SecretsManagerEmulator secrets = new SecretsManagerEmulator(vertx).start().await();
    secrets.secrets().create("paintbox/jwks", TestKeys.ec("order").toJSONString());
    int port = freePort();
    int adminPort = freePort();
    Map<String, String> env = Map.of("EDGE_BIND", "127.0.0.1", "EDGE_PORT", Integer.toString(port),
        "EDGE_ADMIN_PORT", Integer.toString(adminPort), "EDGE_EVENT_LOOPS", "2");
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    try (LogCapture log = LogCapture.attach()) {
      Future<Edge> starting = Edge.start(vertx, registry, new Edge.Options(env, Optional.of(secrets.endpoint()),
          Optional.of(MotoBackend.CREDENTIALS), OriginExchange.Transport.AUTO));
      try {
        awaitAccepting(port);

        assertThat(accepts(adminPort)).as("the admin port, as soon as the public one accepts").isTrue();
        assertThat(get(adminPort, "/health").statusCode()).isEqualTo(200);
        Edge edge = starting.await();
        List<String> listening = log.lines().stream().filter(line -> line.contains("listening")).toList();
        assertThat(listening).singleElement().satisfies(line -> {
          JsonObject json = new JsonObject(line);
          assertThat(json.getString("public")).isEqualTo("127.0.0.1:" + port);
          assertThat(json.getString("admin")).isEqualTo("127.0.0.1:" + adminPort);
        });
        edge.close().await();
      } finally {
        starting.transform(done -> Future.succeededFuture()).await();
        secrets.close().await();
        vertx.close().await();
      }
    }
  }

  /** Connects to {@code port} every millisecond until it accepts. */
  private static void awaitAccepting(int port) throws InterruptedException {
    long deadline = System.nanoTime() + START_BUDGET.toNanos();
    while (!accepts(port)) {
      assertThat(System.nanoTime()).as("the public port opened within %s", START_BUDGET).isLessThan(deadline);
      Thread.sleep(1);
    }
  }

  private static boolean accepts(int port) {
    try (Socket socket = new Socket()) {
      socket.connect(new InetSocketAddress("127.0.0.1", port), 1_000);
      return true;
    } catch (IOException refused) {
      return false;
    }
  }

  private static HttpResponse<String> get(int port, String path) throws Exception {
    return HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
  }

  private static int freePort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
