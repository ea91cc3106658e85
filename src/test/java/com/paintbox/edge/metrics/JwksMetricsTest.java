package com.paintbox.edge.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.dev.SecretsManagerEmulator.Fault;
import com.paintbox.edge.testing.EdgeHarness;
import com.paintbox.edge.testing.EdgeHarness.Response;
import com.paintbox.edge.testing.EmulatorBackend;
import com.paintbox.edge.testing.PrometheusText;
import com.paintbox.edge.testing.TestKeys;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Scripted scenarios, then a scrape of /metrics: the counters moved exactly as the scenario implies. */
class JwksMetricsTest {

  private Vertx vertx;
  private EmulatorBackend backend;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    backend = new EmulatorBackend(vertx);
    backend.create(EdgeHarness.SECRET, TestKeys.ec("m").toJSONString());
  }

  @AfterEach
  void tearDown() {
    backend.close();
    vertx.close().await();
  }

  private static double requests(PrometheusText metrics, String result) {
    return metrics.valueOrZero("edge_jwks_requests_total", Map.of("result", result));
  }

  @Test
  void coldBurst_everyRequestCollapsedOntoOneFetch() {
    backend.emulator().latency(Duration.ofMillis(500)); // the start-up fetch is still running when the burst lands
    try (EdgeHarness edge = EdgeHarness.start(backend, Map.of())) {
      List<CompletableFuture<Response>> burst = new ArrayList<>();
      for (int i = 0; i < 100; i++) {
        burst.add(edge.get("/.well-known/jwks.json"));
      }
      burst.forEach(f -> assertThat(f.join().header("Cache-Status")).isEqualTo("paintbox-edge; fwd=miss; collapsed"));

      PrometheusText metrics = edge.scrape();

      assertThat(requests(metrics, "collapsed")).isEqualTo(100);
      assertThat(requests(metrics, "hit")).isZero();
      assertThat(metrics.valueOrZero("edge_jwks_collapsed_waiters_total", Map.of())).isEqualTo(100);
      assertThat(metrics.valueOrZero("edge_jwks_fetch_total", Map.of("outcome", "success"))).isEqualTo(1);
      assertThat(metrics.valueOrZero("edge_jwks_fetch_seconds_count", Map.of())).isEqualTo(1);
      assertThat(metrics.valueOrZero("edge_jwks_state", Map.of("state", "fresh"))).isEqualTo(1);
      assertThat(metrics.valueOrZero("edge_ready", Map.of())).isEqualTo(1);
      assertThat(metrics.value("edge_startup_ready_seconds", Map.of())).isPresent();
    }
  }

  @Test
  void freshHits_countedAsHitsWithLatency() {
    try (EdgeHarness edge = EdgeHarness.start(backend, Map.of())) {
      edge.fetch("/.well-known/jwks.json");
      PrometheusText before = edge.scrape();

      for (int i = 0; i < 25; i++) {
        edge.fetch("/.well-known/jwks.json");
      }
      PrometheusText after = edge.scrape();

      assertThat(requests(after, "hit") - requests(before, "hit")).isEqualTo(25);
      assertThat(after.valueOrZero("edge_jwks_request_seconds_count", Map.of())
          - before.valueOrZero("edge_jwks_request_seconds_count", Map.of())).isEqualTo(25);
      assertThat(after.valueOrZero("edge_jwks_fetch_total", Map.of("outcome", "success"))).isEqualTo(1);
      assertThat(after.value("edge_jwks_age_seconds", Map.of()).orElseThrow()).isBetween(0.0, 60.0);
      assertThat(after.value("vertx_http_server_requests_total", Map.of("code", "200"))).isPresent();
      assertThat(after.value("jvm_memory_used_bytes", Map.of("area", "heap"))).isPresent();
      assertThat(after.value("process_start_time_seconds", Map.of())).isPresent();
    }
  }

  @Test
  void awsFailing_staleServedErrorsCountedByTypeThen503() throws Exception {
    Map<String, String> env = EdgeHarness.shortWindows(2);
    env.put("EDGE_AWS_MAX_ATTEMPTS", "1");
    try (EdgeHarness edge = EdgeHarness.start(backend, env)) {
      edge.fetch("/.well-known/jwks.json");
      backend.emulator().fail(Fault.THROTTLING);

      TimeUnit.MILLISECONDS.sleep(1_500); // stale, refreshes failing
      Response stale = edge.fetch("/.well-known/jwks.json");
      TimeUnit.MILLISECONDS.sleep(2_000); // past fresh + SIE
      Response gone = edge.fetch("/.well-known/jwks.json");
      PrometheusText metrics = edge.scrape();

      assertThat(stale.header("Cache-Status")).startsWith("paintbox-edge; hit; ttl=-");
      assertThat(gone.status()).isEqualTo(503);
      assertThat(requests(metrics, "stale")).isEqualTo(1);
      assertThat(requests(metrics, "unavailable")).isEqualTo(1);
      double errors = metrics.valueOrZero("edge_jwks_fetch_total", Map.of("outcome", "error"));
      assertThat(errors).isGreaterThanOrEqualTo(3);
      assertThat(metrics.valueOrZero("edge_jwks_fetch_errors_total", Map.of("type", "throttled"))).isEqualTo(errors);
      assertThat(metrics.valueOrZero("edge_jwks_fetch_errors_total", Map.of("type", "5xx"))).isZero();
      assertThat(metrics.valueOrZero("edge_jwks_backoff_failures", Map.of())).isEqualTo(errors);
      assertThat(metrics.valueOrZero("edge_jwks_state", Map.of("state", "expired"))).isEqualTo(1);
      assertThat(metrics.valueOrZero("edge_jwks_refresh_ahead_total", Map.of())).isEqualTo(1);
      assertThat(metrics.valueOrZero("edge_ready", Map.of())).isZero();
    }
  }

  @Test
  void invalidSecret_countedAsInvalidAndNothingPrivateReachesTheMetrics() {
    var first = TestKeys.ec("dup");
    var second = TestKeys.ec("dup");
    backend.put(EdgeHarness.SECRET, "{\"keys\":[" + first.toJSONString() + "," + second.toJSONString() + "]}");
    try (EdgeHarness edge = EdgeHarness.start(backend, Map.of())) {
      assertThat(edge.fetch("/.well-known/jwks.json").status()).isEqualTo(503);

      PrometheusText metrics = edge.scrape();

      assertThat(metrics.valueOrZero("edge_jwks_fetch_total", Map.of("outcome", "invalid"))).isEqualTo(1);
      assertThat(metrics.valueOrZero("edge_jwks_fetch_total", Map.of("outcome", "error"))).isZero();
      assertThat(metrics.valueOrZero("edge_jwks_fetch_errors_total", Map.of("type", "invalid"))).isEqualTo(1);
      assertThat(metrics.toString()).doesNotContain(first.getD().toString()).doesNotContain(second.getD().toString());
    }
  }

  @Test
  void originDown_edgeAnswersCountedAsItsOwnAndJwksUnaffected() throws IOException {
    try (EdgeHarness edge = EdgeHarness.start(backend, Map.of("EDGE_ORIGIN_URL", "http://127.0.0.1:" + closedPort()))) {
      edge.fetch("/.well-known/jwks.json");
      PrometheusText before = edge.scrape();

      for (int i = 0; i < 5; i++) {
        assertThat(edge.fetch("/page-" + i).status()).isEqualTo(502);
      }
      assertThat(edge.fetch("/.well-known/jwks.json").status()).isEqualTo(200);
      PrometheusText after = edge.scrape();

      Map<String, String> edge5xx = Map.of("source", "edge", "status_class", "5xx");
      assertThat(after.valueOrZero("edge_origin_requests_total", edge5xx)
          - before.valueOrZero("edge_origin_requests_total", edge5xx)).isEqualTo(5);
      assertThat(after.valueOrZero("edge_origin_requests_total", Map.of("source", "origin", "status_class", "5xx")))
          .isZero();
      assertThat(after.valueOrZero("edge_origin_response_seconds_count", Map.of())).isZero();
      assertThat(after.valueOrZero("edge_origin_client_gone_total", Map.of())).isZero();
      assertThat(requests(after, "hit") - requests(before, "hit")).isEqualTo(1);
      assertThat(after.valueOrZero("edge_ready", Map.of())).isEqualTo(1);
    }
  }

  /** A loopback port nothing listens on: bound, then released. */
  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    }
  }
}
