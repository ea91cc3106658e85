package com.paintbox.edge.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.testing.EdgeHarness;
import com.paintbox.edge.testing.EmulatorBackend;
import com.paintbox.edge.testing.TestKeys;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A setting the user wrote is never refused because of a default they did not write: the defaults that depend on
 * another setting ({@code auto} in conf/edge.json) follow it. Black-box, through the real edge on loopback.
 */
class DerivedDefaultsTest {

  /** Long enough for a 1 s freshness to end at least once, and the refresh ahead of it to have run. */
  private static final Duration PAST_FRESHNESS = Duration.ofMillis(2_500);

  @Test
  void start_onlyFreshnessOfOneSecondSet_startsServesAndRefreshesAheadOfIt() throws Exception {
    Vertx vertx = Vertx.vertx();
    try (EmulatorBackend backend = new EmulatorBackend(vertx)) {
      backend.create(EdgeHarness.SECRET, TestKeys.ec("derived").toJSONString());
      try (EdgeHarness edge = EdgeHarness.start(backend, Map.of("EDGE_JWKS_FRESH_SECONDS", "1"))) {
        assertThat(edge.edge().config().jwks().refreshAhead()).isEqualTo(Duration.ofMillis(100));
        assertThat(edge.fetch("/.well-known/jwks.json").status()).isEqualTo(200);

        Thread.sleep(PAST_FRESHNESS.toMillis());
        EdgeHarness.Response later = edge.fetch("/.well-known/jwks.json");

        assertThat(later.status()).isEqualTo(200);
        assertThat(later.header("cache-status")).startsWith("paintbox-edge; hit");
        assertThat(edge.scrape().valueOrZero("edge_jwks_fetch_total", Map.of("outcome", "success")))
            .as("fetches: the first, then at least one refresh ahead of freshness").isGreaterThanOrEqualTo(2);
      }
    } finally {
      vertx.close().await();
    }
  }
}
