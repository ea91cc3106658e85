package com.paintbox.edge.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CacheStatusMemberTest {

  @Test
  void ours_freshHit_isHit() {
    assertThat(CacheStatusMember.ours("paintbox-edge; hit; ttl=299"))
        .isEqualTo(new CacheStatusMember("hit", false, null));
  }

  @Test
  void ours_hitWithNegativeTtl_isStale() {
    assertThat(CacheStatusMember.ours("paintbox-edge; hit; ttl=-12").outcome()).isEqualTo("stale");
  }

  @Test
  void ours_collapsedMiss_isMissAndCollapsed() {
    assertThat(CacheStatusMember.ours("paintbox-edge; fwd=miss; collapsed"))
        .isEqualTo(new CacheStatusMember("miss", true, null));
  }

  @Test
  void ours_upstreamMembersFirst_readsTheEdgesOwnMember() {
    assertThat(CacheStatusMember.ours("origin-cache; hit; ttl=30, paintbox-edge; fwd=uri-miss; fwd-status=200; stored"))
        .isEqualTo(new CacheStatusMember("uri-miss", false, null));
  }

  @Test
  void ours_fallback_isFallbackWithItsDetail() {
    assertThat(CacheStatusMember.ours("paintbox-edge; detail=fallback"))
        .isEqualTo(new CacheStatusMember("fallback", false, "fallback"));
    assertThat(CacheStatusMember.ours("paintbox-edge; fwd=miss; detail=fallback").outcome()).isEqualTo("miss");
  }

  @Test
  void ours_quotedDetailAndNameOnly_areRead() {
    assertThat(CacheStatusMember.ours("\"paintbox-edge\"; fwd=bypass; detail=\"too large\""))
        .isEqualTo(new CacheStatusMember("bypass", false, "too large"));
    assertThat(CacheStatusMember.ours("paintbox-edge").outcome()).isEqualTo("none");
  }

  @Test
  void ours_onlyUpstreamMembers_isNull() {
    assertThat(CacheStatusMember.ours("origin-cache; hit")).isNull();
  }
}
