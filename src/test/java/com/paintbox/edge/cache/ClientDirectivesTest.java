package com.paintbox.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * RFC 9111 §5.2.1, a client's own Cache-Control: by default a shield does not let clients send requests past it:
 * no-cache, max-age=0 and Pragma: no-cache are answered from memory. That is a choice the RFC allows (the request
 * directives state what a client "prefers", §5.2.1.4, and CDNs ignore them too), pinned here. With
 * EDGE_CACHE_HONOR_CLIENT_NO_CACHE=true they revalidate ({@code fwd=request}); only-if-cached is always honoured.
 */
class ClientDirectivesTest extends ShieldTestBase {

  /** First answer: 200 "v1", max-age=60 and an ETag; later ones: 304. */
  private void originValidates() {
    AtomicInteger calls = new AtomicInteger();
    origin(request -> {
      if (calls.incrementAndGet() == 1) {
        answer(request, 200, "v1", "Cache-Control", "max-age=60", "ETag", "\"v1\"");
      } else {
        answer(request, 304, "", "Cache-Control", "max-age=60", "ETag", "\"v1\"");
      }
    });
  }

  @ParameterizedTest
  @CsvSource({"Cache-Control, no-cache", "Cache-Control, max-age=0", "Pragma, no-cache",
      "Cache-Control, 'no-cache, max-age=0'", "Cache-Control, NO-CACHE"})
  void rfc9111_5_2_1_clientNoCacheOrMaxAge0_byDefault_aHitThatNeverReachesTheOrigin(String field, String value) {
    originValidates();
    Reply miss = get("/p", field, value);
    advance(Duration.ofSeconds(5));

    Reply hit = get("/p", field, value);

    assertThat(member(miss)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
    assertThat(member(hit)).isEqualTo("paintbox-edge; hit; ttl=55");
    assertThat(hit.body()).isEqualTo("v1");
    assertThat(originCount("/p")).isEqualTo(1);
    // nor did the fill carry the client's directive to the origin
    assertThat(origin.last().header(field)).isNull();
  }

  @ParameterizedTest
  @CsvSource({"Cache-Control, no-cache", "Cache-Control, max-age=0", "Pragma, no-cache",
      "Cache-Control, max-age=4"})
  @EdgeSettings("EDGE_CACHE_HONOR_CLIENT_NO_CACHE=true")
  void rfc9111_5_2_1_clientNoCacheOrMaxAge_honoured_revalidatesWithTheOrigin(String field, String value) {
    originValidates();
    get("/p");
    advance(Duration.ofSeconds(5));

    Reply revalidated = get("/p", field, value);

    assertThat(member(revalidated)).isEqualTo("paintbox-edge; fwd=request; fwd-status=304; ttl=60");
    assertThat(revalidated.status()).isEqualTo(200);
    assertThat(revalidated.body()).isEqualTo("v1");
    assertThat(origin.last().header("If-None-Match")).isEqualTo("\"v1\"");
    assertThat(originCount("/p")).isEqualTo(2);
  }

  @Test
  @EdgeSettings("EDGE_CACHE_HONOR_CLIENT_NO_CACHE=true")
  void rfc9111_5_2_1_1_clientMaxAgeAboveTheAge_honoured_stillAHit() {
    originValidates();
    get("/p");
    advance(Duration.ofSeconds(5));

    Reply hit = get("/p", "Cache-Control", "max-age=30");

    assertThat(member(hit)).isEqualTo("paintbox-edge; hit; ttl=55");
    assertThat(originCount("/p")).isEqualTo(1);
  }

  @Test
  @EdgeSettings("EDGE_CACHE_HONOR_CLIENT_NO_CACHE=true")
  void rfc9111_5_2_1_4_clientNoCache_honoured_entryWithoutValidators_fetchedWholeAndReplaced() {
    AtomicInteger calls = new AtomicInteger();
    origin(request -> answer(request, 200, "v" + calls.incrementAndGet(), "Cache-Control", "max-age=60"));
    get("/p");

    Reply refetched = get("/p", "Cache-Control", "no-cache");
    Reply hit = get("/p");

    assertThat(origin.last().header("If-None-Match")).isNull();
    assertThat(refetched.body()).isEqualTo("v2");
    assertThat(member(refetched)).isEqualTo("paintbox-edge; fwd=request; fwd-status=200; stored; ttl=60");
    assertThat(hit.body()).isEqualTo("v2");
  }

  @Test
  void rfc9111_5_2_1_7_onlyIfCached_nothingStored_504WithoutAskingTheOrigin() {
    originValidates();

    Reply refused = get("/p", "Cache-Control", "only-if-cached");

    assertThat(refused.status()).isEqualTo(504);
    assertThat(refused.header("Cache-Status")).as("the edge's own answer (RFC 9211)").isNull();
    assertThat(originTotal()).isZero();
  }

  @Test
  void rfc9111_5_2_1_7_onlyIfCached_freshEntry_aHit() {
    originValidates();
    get("/p");

    Reply hit = get("/p", "Cache-Control", "only-if-cached");

    assertThat(member(hit)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(originCount("/p")).isEqualTo(1);
  }

  /**
   * A stale entry with no stale window to serve it under is not "consistent with the other constraints of the
   * request" (§5.2.1.7, §4.2.4): the answer is a 504, and the origin is not asked.
   */
  @Test
  void rfc9111_5_2_1_7_onlyIfCached_staleEntry_504WithoutAskingTheOrigin() {
    originValidates();
    get("/p");
    advance(Duration.ofSeconds(61));

    Reply refused = get("/p", "Cache-Control", "only-if-cached");

    assertThat(refused.status()).isEqualTo(504);
    assertThat(originCount("/p")).isEqualTo(1);
  }
}
