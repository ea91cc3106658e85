package com.paintbox.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** RFC 9111 §4.2: how long a stored response is fresh, and what happens once it is not. */
class FreshnessTest extends CacheTestBase {

  @Test
  void rfc9111_4_2_1_maxAge_secondRequestWithinLifetimeIsAHitWithAge() {
    originAnswers("page", "Cache-Control", "max-age=60");

    Reply first = get("/page");
    advance(Duration.ofSeconds(10));
    Reply second = get("/page");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=50");
    assertThat(second.header("Age")).isEqualTo("10");
    assertThat(second.body()).isEqualTo("page");
    assertThat(originCount("/page")).isEqualTo(1);
  }

  @Test
  void rfc9111_4_2_1_maxAge_pastLifetimeWithValidatorIsRevalidated() {
    originAnswers("page", "Cache-Control", "max-age=60", "ETag", "\"v1\"");

    get("/page");
    advance(Duration.ofSeconds(61));
    Reply stale = get("/page");

    assertThat(member(stale)).isEqualTo("paintbox-edge; fwd=stale; fwd-status=200; stored; ttl=60");
    assertThat(origin.last().header("If-None-Match")).isEqualTo("\"v1\"");
    assertThat(originCount("/page")).isEqualTo(2);
  }

  @Test
  void rfc9111_4_2_1_maxAge_pastLifetimeWithoutValidatorIsDroppedAndMissesAgain() {
    originAnswers("page", "Cache-Control", "max-age=60");

    get("/page");
    advance(Duration.ofSeconds(61));
    Reply stale = get("/page");

    // Nothing could revalidate or serve it stale any more, so it left memory at the end of its lifetime.
    assertThat(member(stale)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
    assertThat(originCount("/page")).isEqualTo(2);
  }

  @Test
  void rfc9111_3_noStore_neverStored() {
    originAnswers("secret", "Cache-Control", "no-store, max-age=60");

    get("/p");
    Reply second = get("/p");

    assertThat(member(second)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=no-store");
    assertThat(originCount("/p")).isEqualTo(2);
  }
}
