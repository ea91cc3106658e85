package com.paintbox.edge.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.Map;
import org.junit.jupiter.api.RepeatedTest;
import org.junit.jupiter.api.Test;

/** The small rules of the fleet, each on its own: the vms TXT format, backoff, what counts as the shield's answer. */
class FleetPartsTest {

  @Test
  void machines_flyVmsTxt_idToRegionInOrder() {
    assertThat(DnsDiscovery.machines("3d8d9de4c96798 ams,e784079b449483 ord"))
        .containsExactly(Map.entry("3d8d9de4c96798", "ams"), Map.entry("e784079b449483", "ord"));
  }

  @Test
  void machines_junkPairs_areSkippedNotPassedOnIntoNames() {
    assertThat(DnsDiscovery.machines(" a1 iad , b2 , c3 lhr extra, ../x lhr, d4 SYD, e5 sin,"))
        .containsExactly(Map.entry("a1", "iad"), Map.entry("e5", "sin"));
    assertThat(DnsDiscovery.machines("")).isEmpty();
  }

  @RepeatedTest(20)
  void backoff_doublesFromTheMinimumWithJitterAndIsCapped() {
    assertThat(FanOut.backoff(1)).isBetween(FanOut.BACKOFF_MIN_MILLIS / 2, FanOut.BACKOFF_MIN_MILLIS);
    assertThat(FanOut.backoff(2)).isBetween(FanOut.BACKOFF_MIN_MILLIS, 2 * FanOut.BACKOFF_MIN_MILLIS);
    assertThat(FanOut.backoff(30)).isBetween(FanOut.BACKOFF_MAX_MILLIS / 2, FanOut.BACKOFF_MAX_MILLIS);
  }

  @Test
  void fromShieldCache_theShieldsMemberLast_isTheCachesAnswer() {
    assertThat(ShieldTier.fromShieldCache(headers("paintbox-edge; fwd=uri-miss; fwd-status=503"))).isTrue();
    assertThat(ShieldTier.fromShieldCache(headers("origin-cdn; hit, paintbox-edge; fwd=miss"))).isTrue();
  }

  @Test
  void fromShieldCache_noMemberOrAnotherCacheLast_isTheShieldsOwnError() {
    assertThat(ShieldTier.fromShieldCache(HttpHeaders.headers())).isFalse();
    assertThat(ShieldTier.fromShieldCache(headers("paintbox-edge; hit, origin-cdn; fwd=miss"))).isFalse();
    assertThat(ShieldTier.fromShieldCache(headers("paintbox-edgeish; hit"))).isFalse();
  }

  private static MultiMap headers(String cacheStatus) {
    return HttpHeaders.headers().add("Cache-Status", cacheStatus);
  }
}
