package com.paintbox.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * RFC 9111 §4.2.2 with {@code EDGE_CACHE_HEURISTIC=true}: a response without explicit freshness but with
 * {@code Last-Modified} is fresh for 10 % of the time since it was last modified, at most a day, and only for the
 * statuses RFC 9110 §15.1 makes cacheable by default. (Off by default: see {@link FreshnessTest}.)
 */
class HeuristicFreshnessTest extends CacheTestBase {

  @Override
  protected Map<String, String> settings() {
    return Map.of("EDGE_CACHE_HEURISTIC", "true");
  }

  @Test
  void rfc9111_4_2_2_heuristic_tenPercentOfTheTimeSinceLastModified() {
    originAnswers("page", "Date", now(), "Last-Modified", httpDate(clock.instant().minusSeconds(10_000)));

    Reply first = get("/p");
    advance(Duration.ofSeconds(500));
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=1000");
    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=500");
    assertThat(second.header("Age")).isEqualTo("500");
    assertThat(originCount("/p")).isEqualTo(1);
  }

  @Test
  void rfc9111_4_2_2_heuristic_measuredFromDate_notFromReceipt() {
    originAnswers("page", "Date", httpDate(clock.instant().minusSeconds(20)),
        "Last-Modified", httpDate(clock.instant().minusSeconds(1_020)));

    Reply first = get("/p");

    // Date - Last-Modified is 1,000 s: 100 s of lifetime, less the 20 s of apparent age the old Date gives it.
    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=80");
  }

  @Test
  void rfc9111_4_2_2_heuristic_cappedAtOneDay() {
    originAnswers("page", "Date", now(), "Last-Modified", httpDate(clock.instant().minus(Duration.ofDays(100))));

    Reply first = get("/p");
    advance(Duration.ofDays(1).minusSeconds(1));
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=86400");
    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=1");
    assertThat(originCount("/p")).isEqualTo(1);
  }

  @Test
  void rfc9111_4_2_2_heuristic_notForAStatusNotCacheableByDefault() {
    origin(request -> request.response().setStatusCode(302)
        .putHeader("Date", now())
        .putHeader("Last-Modified", httpDate(clock.instant().minus(Duration.ofDays(10))))
        .putHeader("Location", "/elsewhere")
        .end());

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=302; detail=no-freshness");
    assertThat(member(second)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=302; detail=no-freshness");
    assertThat(originCount("/p")).isEqualTo(2);
  }

  @Test
  void rfc9111_4_2_2_explicitFreshness_winsOverTheHeuristic() {
    originAnswers("page", "Cache-Control", "max-age=60", "Date", now(),
        "Last-Modified", httpDate(clock.instant().minus(Duration.ofDays(10))));

    Reply first = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
  }
}
