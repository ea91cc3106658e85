package com.paintbox.edge.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.testing.EdgeHarness;
import com.paintbox.edge.testing.EdgeHarness.Response;
import com.paintbox.edge.testing.EmulatorBackend;
import com.paintbox.edge.testing.TestKeys;
import io.vertx.core.Vertx;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class AdminPortTest {

  private static final String TOKEN = "correct-horse-battery-staple";
  private static Vertx vertx;
  private static EmulatorBackend backend;

  @BeforeAll
  static void start() {
    vertx = Vertx.vertx();
    backend = new EmulatorBackend(vertx);
    backend.create(EdgeHarness.SECRET, TestKeys.ec("k1").toJSONString());
  }

  @AfterAll
  static void stop() {
    backend.close();
    vertx.close().await();
  }

  private static Response refresh(EdgeHarness edge, Map<String, String> headers) {
    return edge.admin("POST", "/jwks/refresh", headers);
  }

  @Test
  void refresh_noTokenConfigured_403() {
    try (EdgeHarness edge = EdgeHarness.start(backend, Map.of())) {
      Response response = refresh(edge, Map.of("Authorization", "Bearer anything-at-all-here"));

      assertThat(response.status()).isEqualTo(403);
      assertThat(response.json().getString("outcome")).isEqualTo("refused");
    }
  }

  @Test
  void refresh_missingOrWrongToken_401WithChallenge() {
    try (EdgeHarness edge = EdgeHarness.start(backend, Map.of("EDGE_ADMIN_TOKEN", TOKEN))) {
      edge.fetch("/.well-known/jwks.json");
      backend.emulator().resetCounters();
      Response missing = refresh(edge, Map.of());
      Response wrong = refresh(edge, Map.of("Authorization", "Bearer " + TOKEN + "x"));
      Response basic = refresh(edge, Map.of("Authorization", "Basic " + TOKEN));

      assertThat(missing.status()).isEqualTo(401);
      assertThat(missing.header("WWW-Authenticate")).startsWith("Bearer");
      assertThat(wrong.status()).isEqualTo(401);
      assertThat(basic.status()).isEqualTo(401);
      assertThat(backend.emulator().getSecretValueCalls()).isZero();
    }
  }

  @Test
  void refresh_validToken_publishesRotationThenRateLimits() throws Exception {
    Map<String, String> env = Map.of("EDGE_ADMIN_TOKEN", TOKEN, "EDGE_ADMIN_REFRESH_MIN_INTERVAL_SECONDS", "1");
    try (EdgeHarness edge = EdgeHarness.start(backend, env)) {
      assertThat(edge.fetch("/.well-known/jwks.json").status()).isEqualTo(200);
      backend.put(EdgeHarness.SECRET, TestKeys.ec("k2").toJSONString());
      backend.emulator().resetCounters();

      Response first = refresh(edge, Map.of("Authorization", "Bearer " + TOKEN));
      Response second = refresh(edge, Map.of("Authorization", "bearer " + TOKEN));

      assertThat(first.status()).isEqualTo(200);
      assertThat(first.json().getString("outcome")).isEqualTo("success");
      assertThat(first.json().getJsonArray("kids").getList()).containsExactly("k2", "k1");
      assertThat(edge.fetch("/.well-known/jwks.json").text()).contains("\"kid\":\"k2\"");
      assertThat(second.status()).isEqualTo(429);
      assertThat(Long.parseLong(second.header("Retry-After"))).isBetween(1L, 2L);
      assertThat(backend.emulator().getSecretValueCalls("AWSCURRENT")).isEqualTo(1);

      TimeUnit.MILLISECONDS.sleep(1_100);
      assertThat(refresh(edge, Map.of("Authorization", "Bearer " + TOKEN)).status()).isEqualTo(200);
    }
  }

  @Test
  void refresh_awsFailing_502AndTheServedJwksIsKept() {
    try (EdgeHarness edge = EdgeHarness.start(backend, Map.of("EDGE_ADMIN_TOKEN", TOKEN))) {
      String before = edge.fetch("/.well-known/jwks.json").text();
      backend.emulator().fail(com.paintbox.edge.dev.SecretsManagerEmulator.Fault.THROTTLING);
      try {
        Response response = refresh(edge, Map.of("Authorization", "Bearer " + TOKEN));

        assertThat(response.status()).isEqualTo(502);
        assertThat(response.json().getString("error_type")).isEqualTo("throttled");
        assertThat(edge.fetch("/.well-known/jwks.json").text()).isEqualTo(before);
      } finally {
        backend.emulator().heal();
      }
    }
  }

  @Test
  void healthReadyAndMetrics_onTheAdminPort() {
    try (EdgeHarness edge = EdgeHarness.start(backend, Map.of())) {
      edge.fetch("/.well-known/jwks.json");

      assertThat(edge.admin("GET", "/health", Map.of()).status()).isEqualTo(200);
      assertThat(edge.admin("GET", "/ready", Map.of()).json().getString("status")).isEqualTo("ready");
      Response metrics = edge.admin("GET", "/metrics", Map.of());
      assertThat(metrics.header("Content-Type")).startsWith("text/plain");
      assertThat(metrics.text()).contains("edge_jwks_requests_total{result=\"hit\"}");
    }
  }

  @Test
  void publicPort_servesNoneOfTheAdminEndpoints() {
    try (EdgeHarness edge = EdgeHarness.start(backend, Map.of("EDGE_ADMIN_TOKEN", TOKEN))) {
      Response metrics = edge.fetch("/metrics");
      Response refresh = edge.send("POST", "/jwks/refresh", Map.of("Authorization", "Bearer " + TOKEN)).join();
      Response edgeMetrics = edge.fetch("/_edge/metrics");
      Response edgeRefresh = edge.send("POST", "/_edge/jwks/refresh", Map.of("Authorization", "Bearer " + TOKEN)).join();

      assertThat(metrics.text()).doesNotContain("edge_jwks");
      assertThat(refresh.text()).doesNotContain("kids");
      assertThat(edgeMetrics.status()).isEqualTo(404);
      assertThat(edgeRefresh.status()).isEqualTo(404);
    }
  }
}
