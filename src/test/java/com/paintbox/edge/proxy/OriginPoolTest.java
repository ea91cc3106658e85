package com.paintbox.edge.proxy;

import static com.paintbox.edge.proxy.PassThroughTest.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.paintbox.edge.Edge;
import com.paintbox.edge.EdgeMain;
import com.paintbox.edge.config.ConfigException;
import com.paintbox.edge.config.EdgeConfig;
import com.paintbox.edge.dev.DevMode;
import com.paintbox.edge.testing.ProxyRawClient;
import com.paintbox.edge.testing.ProxyTestEdge;
import com.paintbox.edge.testing.ProxyTestOrigin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** The origin connection pool, its metrics, its settings, and the --dev demo origin behind the real proxy. */
class OriginPoolTest extends OriginPathTestBase {

  @Test
  void poolSize_two_atMostTwoOriginConnectionsAndTheRestWait(Vertx vertx) throws Exception {
    ProxyTestOrigin origin = await(new ProxyTestOrigin(vertx).start());
    Promise<Void> release = Promise.promise();
    origin.handle(request -> release.future().onComplete(go -> request.response().end("done")));
    ProxyTestEdge edge = await(startEdge(vertx, origin.url(), Map.of("EDGE_ORIGIN_POOL_SIZE", "2")));
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(edge.port()), new io.vertx.core.http.PoolOptions().setHttp1MaxSize(5));
    try {
      List<Future<String>> replies = new ArrayList<>();
      for (int i = 0; i < 5; i++) {
        replies.add(client.request(new RequestOptions().setURI("/" + i)).compose(request -> request.send())
            .compose(response -> response.body()).map(Object::toString));
      }
      awaitSeen(origin, 2);
      Thread.sleep(300); // room for a third connection to show up, were the pool not capped

      assertThat(origin.seen()).hasSize(2);

      release.complete();
      assertThat(await(Future.all(replies)).<String>list()).containsOnly("done");
      assertThat(origin.seen()).hasSize(5);
      assertThat(origin.seen().stream().map(ProxyTestOrigin.Seen::remotePort).distinct()).hasSize(2);
    } finally {
      await(client.close().eventually(edge::close).eventually(origin::close));
    }
  }

  @Test
  void clientLeavesWhileQueuedForAPooledConnection_itsRequestNeverReachesOrigin(Vertx vertx) throws Exception {
    ProxyTestOrigin origin = await(new ProxyTestOrigin(vertx).start());
    Promise<Void> release = Promise.promise();
    origin.handle(request -> release.future().onComplete(go -> request.response().end("done")));
    ProxyTestEdge edge = await(startEdge(vertx, origin.url(), Map.of("EDGE_ORIGIN_POOL_SIZE", "1")));
    try (ProxyRawClient first = new ProxyRawClient(edge.port())) {
      first.send("GET /first HTTP/1.1\r\nHost: a\r\n\r\n");
      awaitSeen(origin, 1);
      try (ProxyRawClient queued = new ProxyRawClient(edge.port())) {
        queued.send("GET /queued HTTP/1.1\r\nHost: a\r\n\r\n");
        Thread.sleep(200); // the queued request waits for the pool's only connection
      }
      Thread.sleep(200); // the edge notices the departure
      release.complete();

      assertThat(first.read(Duration.ofMillis(300)).body()).isEqualTo("done");
      Thread.sleep(300); // room for the queued request to reach the origin, were it still sent
      assertThat(origin.seen()).extracting(ProxyTestOrigin.Seen::uri).containsExactly("/first");
      assertThat(edge.count(com.paintbox.edge.metrics.EdgeMeters.ORIGIN_CLIENT_GONE)).isEqualTo(1);
    } finally {
      await(edge.close().eventually(origin::close));
    }
  }

  @Test
  void prometheus_afterOriginTraffic_showsOriginCountersAndTheNamedPool() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = EdgeMain.newVertx(registry);
    try {
      ProxyTestOrigin origin = await(new ProxyTestOrigin(vertx).start());
      ProxyTestEdge edge = await(startEdge(vertx, registry, origin.url(), Map.of()));
      HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
          .setDefaultPort(edge.port()));
      await(client.request(new RequestOptions().setURI("/x")).compose(request -> request.send())
          .compose(response -> response.body()));

      String scrape = registry.scrape();

      assertThat(scrape).contains("edge_origin_requests_total{source=\"origin\",status_class=\"2xx\"} 1.0");
      assertThat(scrape).contains("edge_origin_requests_total{source=\"edge\",status_class=\"5xx\"} 0.0");
      assertThat(scrape).contains("edge_origin_response_seconds_count 1");
      assertThat(scrape).contains("vertx_pool_in_use{pool_name=\"" + origin.authority() + "\",pool_type=\"http\"}");
      assertThat(scrape).containsPattern("vertx_http_client_requests_total\\{[^}]*client_name=\"origin\"");
    } finally {
      await(vertx.close());
    }
  }

  @Test
  void devMode_withoutOriginUrl_demoPageAndEchoComeThroughTheProxy(Vertx vertx) {
    Map<String, String> env = new HashMap<>(Map.of("EDGE_BIND", "127.0.0.1", "EDGE_PORT", "0",
        "EDGE_ADMIN_PORT", "0", "EDGE_EVENT_LOOPS", "1", "AWS_REGION", "us-east-1"));
    DevMode mode = await(DevMode.start(vertx, env));
    Edge edge = await(Edge.start(vertx, new io.micrometer.prometheusmetrics.PrometheusMeterRegistry(
        io.micrometer.prometheusmetrics.PrometheusConfig.DEFAULT),
        new Edge.Options(mode.env(), Optional.of(mode.secretsEndpoint()), Optional.of(mode.credentials()),
            OriginExchange.Transport.AUTO)));
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(edge.publicPort()));
    try {
      String page = await(client.request(new RequestOptions().setURI("/")).compose(request -> request.send())
          .compose(response -> response.body())).toString();
      JsonObject echo = await(client.request(new RequestOptions().setURI("/echo?x=1"))
          .compose(request -> request.send()).compose(response -> response.body()).map(JsonObject::new));

      assertThat(page).contains("Paintbox demo origin");
      assertThat(echo.getString("uri")).isEqualTo("/echo?x=1");
      assertThat(echo.getJsonObject("headers").getString("via")).isEqualTo("1.1 paintbox-edge");
      assertThat(echo.getJsonObject("headers").getString("x-forwarded-for")).isEqualTo("127.0.0.1");
    } finally {
      await(client.close().eventually(edge::close).eventually(mode::close));
    }
  }

  @Test
  void config_bodyIdleTimeout_defaultsTo60Seconds() throws Exception {
    EdgeConfig config = EdgeConfig.from(defaults(), Optional.empty());

    assertThat(config.origin().bodyIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(OriginExchange.clientOptions(config.origin()).getIdleTimeout()).isEqualTo(60);
    assertThat(OriginExchange.clientOptions(config.origin()).getKeepAliveTimeout()).isEqualTo(60);
    assertThat(OriginExchange.poolOptions(config.origin()).getHttp1MaxSize()).isEqualTo(128);
  }

  @Test
  void config_bodyIdleTimeoutShorterThanOriginTimeout_refusedNamingTheKey() throws Exception {
    JsonObject merged = defaults().put("EDGE_ORIGIN_TIMEOUT_SECONDS", 30)
        .put("EDGE_ORIGIN_BODY_IDLE_TIMEOUT_SECONDS", "10");

    assertThatThrownBy(() -> EdgeConfig.from(merged, Optional.empty()))
        .isInstanceOf(ConfigException.class)
        .hasMessage("EDGE_ORIGIN_BODY_IDLE_TIMEOUT_SECONDS=\"10\": expected at least EDGE_ORIGIN_TIMEOUT_SECONDS (30)")
        .extracting(failure -> ((ConfigException) failure).key())
        .isEqualTo("EDGE_ORIGIN_BODY_IDLE_TIMEOUT_SECONDS");
  }

  private static JsonObject defaults() throws Exception {
    return new JsonObject(Files.readString(Path.of("conf/edge.json")));
  }

  private static void awaitSeen(ProxyTestOrigin origin, int requests) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (origin.seen().size() < requests && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
  }

}
