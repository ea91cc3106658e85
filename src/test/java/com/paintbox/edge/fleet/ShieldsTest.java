package com.paintbox.edge.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ShieldsTest {

  private final AtomicLong nanos = new AtomicLong();
  private final Directory directory = new Directory(Optional.of("iad"));
  private final Shields shields = new Shields(directory, nanos::get);

  @Test
  void choose_noShieldMachineKnown_saysNone() {
    directory.replace(List.of(peer("e1", "lhr")));

    assertThat(shields.choose("paintbox.app/")).isEqualTo(new Shields.Choice(null, FleetEvents.Fallback.NONE));
  }

  @Test
  void choose_severalShieldMachines_eachUrlAlwaysToOneAndTheUrlsSpreadOverAll() {
    directory.replace(List.of(peer("s1", "iad"), peer("s2", "iad"), peer("s3", "iad"), peer("e1", "lhr")));
    Map<String, Integer> share = new HashMap<>();
    for (int i = 0; i < 3_000; i++) {
      String key = "paintbox.app/page/" + i;
      Peer chosen = shields.choose(key).peer();
      assertThat(shields.choose(key).peer()).isEqualTo(chosen);
      share.merge(chosen.id(), 1, Integer::sum);
    }

    assertThat(share).containsOnlyKeys("s1", "s2", "s3");
    assertThat(share.values()).allSatisfy(count -> assertThat(count).isBetween(800, 1_200));
  }

  @Test
  void choose_aMachineLeaves_onlyItsShareMoves() {
    directory.replace(List.of(peer("s1", "iad"), peer("s2", "iad"), peer("s3", "iad")));
    Map<String, String> before = new HashMap<>();
    for (int i = 0; i < 1_000; i++) {
      before.put("k" + i, shields.choose("k" + i).peer().id());
    }
    directory.replace(List.of(peer("s1", "iad"), peer("s2", "iad")));

    before.forEach((key, id) -> {
      if (!id.equals("s3")) {
        assertThat(shields.choose(key).peer().id()).as(key).isEqualTo(id);
      }
    });
  }

  @Test
  void choose_afterAFailure_theMachineIsLeftOutForAWhile() {
    Peer s1 = peer("s1", "iad");
    directory.replace(List.of(s1));
    shields.failed(s1);

    assertThat(shields.choose("k")).isEqualTo(new Shields.Choice(null, FleetEvents.Fallback.DOWN));
    nanos.addAndGet(TimeUnit.MILLISECONDS.toNanos(Shields.DOWN_MILLIS) - 1);
    assertThat(shields.choose("k").peer()).isNull();
    nanos.addAndGet(1);
    assertThat(shields.choose("k").peer()).isEqualTo(s1);
  }

  @Test
  void choose_oneOfTwoDown_itsShareGoesToTheOther() {
    Peer s1 = peer("s1", "iad");
    Peer s2 = peer("s2", "iad");
    directory.replace(List.of(s1, s2));
    shields.failed(s1);

    for (int i = 0; i < 100; i++) {
      assertThat(shields.choose("k" + i).peer()).isEqualTo(s2);
    }
  }

  private static Peer peer(String id, String region) {
    return new Peer(id, region, URI.create("http://[fdaa::" + Math.abs(id.hashCode() % 1000) + "]:8080"),
        URI.create("http://[fdaa::1]:9091"));
  }
}
