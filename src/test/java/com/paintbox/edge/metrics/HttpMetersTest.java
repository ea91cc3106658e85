package com.paintbox.edge.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.EdgeMain;
import com.paintbox.edge.testing.PrometheusText;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.RequestOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsFactory;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The edge's HTTP meters against vertx-micrometer-metrics itself: the same traffic through a Vert.x wired each way
 * must give the same {@code vertx_http_*} series (names, label sets and values), plus only zero-valued extras.
 */
class HttpMetersTest {

  private static final Pattern SERIES = Pattern.compile("^(vertx_http_[a-z_]+)(\\{[^}]*})? (\\S+)$", Pattern.MULTILINE);
  private static final Pattern OPEN_CONNECTIONS =
      Pattern.compile("^vertx_http_(server|client)_active_connections(\\{[^}]*})? [1-9]", Pattern.MULTILINE);

  @Test
  void sameTraffic_sameSeriesAsVertxMicrometer() {
    Map<String, Double> ours = series(EdgeMain::newVertx);
    Map<String, Double> upstream = series(HttpMetersTest::upstreamVertx);

    assertThat(ours.keySet()).containsAll(upstream.keySet());
    upstream.forEach((series, value) -> {
      if (!series.contains("_seconds_sum") && !series.contains("_max")) { // timings differ; maxes do not add up
        assertThat(ours.get(series)).as(series).isEqualTo(value);
      }
    });
    Set<String> extras = new TreeSet<>(ours.keySet());
    extras.removeAll(upstream.keySet());
    extras.forEach(series -> assertThat(ours.get(series)).as(series).isZero());
  }

  @Test
  void afterTraffic_activeGaugesBackToZeroAndOddMethodsShareOneLabel() {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = EdgeMain.newVertx(registry);
    try {
      traffic(vertx);
      PrometheusText text = new PrometheusText(registry.scrape());

      assertThat(text.value("vertx_http_server_requests_total", Map.of("method", "OTHER", "code", "200")))
          .hasValue(2.0);
      assertThat(text.value("vertx_http_server_requests_total", Map.of("method", "BREW", "code", "200"))).isEmpty();
      assertThat(text.value("vertx_http_server_requests_total", Map.of("method", "GET", "code", "404")))
          .hasValue(1.0);
      assertThat(text.value("vertx_http_client_responses_total",
          Map.of("client_name", "probe", "method", "GET", "code", "200"))).hasValue(3.0);
      assertThat(text.valueOrZero("vertx_http_server_active_requests", Map.of("method", "GET"))).isZero();
      assertThat(text.valueOrZero("vertx_http_client_active_requests", Map.of("method", "GET"))).isZero();
      assertThat(text.value("vertx_http_server_response_time_seconds_count", Map.of("method", "GET", "code", "200")))
          .hasValue(3.0);
    } finally {
      vertx.close().await();
    }
  }

  /** GET ×3, one 404, HEAD, and two requests with methods outside the standard set. */
  private static void traffic(Vertx vertx) {
    HttpServer server = vertx.createHttpServer()
        .requestHandler(request -> request.response().setStatusCode(request.path().equals("/missing") ? 404 : 200)
            .end("hello"))
        .listen(0, "127.0.0.1").await();
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setMetricsName("probe")
        .setDefaultHost("127.0.0.1").setDefaultPort(server.actualPort()));
    for (String path : new String[] {"/a", "/b", "/c", "/missing"}) {
      send(client, HttpMethod.GET, path);
    }
    send(client, HttpMethod.HEAD, "/a");
    send(client, HttpMethod.valueOf("BREW"), "/pot");
    send(client, HttpMethod.valueOf("WHEN"), "/pot");
    client.close().await();
    server.close().await();
  }

  private static void send(HttpClient client, HttpMethod method, String path) {
    client.request(new RequestOptions().setMethod(method).setURI(path))
        .compose(request -> request.send().compose(response -> response.body()))
        .await();
  }

  /** Series after the standard traffic, by name and labels, the method label normalised as ours writes it. */
  private static Map<String, Double> series(Function<PrometheusMeterRegistry, Vertx> wiring) {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = wiring.apply(registry);
    try {
      traffic(vertx);
      Map<String, Double> series = new java.util.TreeMap<>();
      Matcher m = SERIES.matcher(scrapeAtRest(registry));
      while (m.find()) {
        String labels = m.group(2) == null ? "" : m.group(2).replaceAll("method=\"(BREW|WHEN)\"", "method=\"OTHER\"");
        series.merge(m.group(1) + labels, Double.parseDouble(m.group(3)), Double::sum);
      }
      return series;
    } finally {
      vertx.close().await();
    }
  }

  /**
   * A scrape once every connection's close has been counted: {@code close()} resolves before the server side has
   * seen the client's FIN, so a scrape straight after it may still count open connections, on either wiring.
   */
  private static String scrapeAtRest(PrometheusMeterRegistry registry) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    String text = registry.scrape();
    while (OPEN_CONNECTIONS.matcher(text).find() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      text = registry.scrape();
    }
    return text;
  }

  private static Vertx upstreamVertx(PrometheusMeterRegistry registry) {
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions().setEnabled(true)
        .addLabels(Label.CLIENT_NAME).setRegistryName("upstream-" + java.util.UUID.randomUUID());
    return Vertx.builder().with(new VertxOptions().setMetricsOptions(metrics))
        .withMetrics(new MicrometerMetricsFactory(registry)).build();
  }
}
