package com.paintbox.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * RFC 9213: the edge's own targeted field {@code Paintbox-Edge-Cache-Control} first, then {@code CDN-Cache-Control};
 * the first one that is a valid, non-empty Structured Fields dictionary rules and {@code Cache-Control} and
 * {@code Expires} are then ignored; an invalid one is ignored as if absent.
 */
class TargetedFieldsTest extends CacheTestBase {

  private static final String EDGE_FIELD = "Paintbox-Edge-Cache-Control";

  @Test
  void rfc9213_2_1_edgesOwnField_winsOverCdnCacheControlAndCacheControl() {
    originAnswers("page", EDGE_FIELD, "max-age=60", "CDN-Cache-Control", "max-age=30", "Cache-Control", "max-age=10");

    Reply first = get("/p");
    advance(Duration.ofSeconds(45));
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=15");
    assertThat(originCount("/p")).isEqualTo(1);
  }

  @Test
  void rfc9213_2_1_cdnCacheControlWins_overCacheControl() {
    originAnswers("page", "CDN-Cache-Control", "max-age=60", "Cache-Control", "max-age=10, s-maxage=20");

    Reply first = get("/p");
    advance(Duration.ofSeconds(30));
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=30");
    assertThat(originCount("/p")).isEqualTo(1);
  }

  @Test
  void rfc9213_2_1_targetedField_ignoresCacheControlNoStore() {
    originAnswers("page", "CDN-Cache-Control", "max-age=60", "Cache-Control", "no-store");

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(second.header("Cache-Control")).as("still there for the browser").isEqualTo("no-store");
    assertThat(originCount("/p")).isEqualTo(1);
  }

  @Test
  void rfc9213_2_1_targetedField_ignoresCacheControlPrivate() {
    originAnswers("page", EDGE_FIELD, "max-age=60", "Cache-Control", "private, max-age=0");

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(second.header("Cache-Control")).isEqualTo("private, max-age=0");
    assertThat(originCount("/p")).isEqualTo(1);
  }

  @Test
  void rfc9213_2_1_targetedField_ignoresExpires() {
    originAnswers("page", "CDN-Cache-Control", "max-age=60", "Date", now(), "Expires", "0");

    Reply first = get("/p");
    advance(Duration.ofSeconds(30));
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=30");
    assertThat(originCount("/p")).isEqualTo(1);
  }

  @Test
  void rfc9213_2_1_targetedFieldWithoutALifetime_doesNotBorrowOneFromCacheControlOrExpires() {
    originAnswers("page", "CDN-Cache-Control", "public", "Cache-Control", "max-age=60", "Date", now(),
        "Expires", httpDate(clock.instant().plusSeconds(60)));

    Reply first = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=no-freshness");
  }

  @Test
  void rfc9213_2_1_validTargetedFieldWithNothingAboutFreshness_stillRules() {
    // "no-transform" is a valid, non-empty dictionary: §2.1 says the first such field is used and Cache-Control
    // ignored, whether or not its directives say anything about storing.
    originAnswers("page", "CDN-Cache-Control", "no-transform", "Cache-Control", "max-age=60");

    Reply first = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=no-freshness");
  }

  @Test
  void rfc9213_3_1_example_cdnCacheControlNone_liftsCacheControlNoStoreForCdns() {
    // The RFC's own example: "none" is no registered directive, sent only so the field is not empty, and it still
    // makes CDNs ignore Cache-Control: no-store. With no freshness and heuristics off, the edge then has nothing
    // to store it for (no-freshness), but no-store must not be the reason.
    originAnswers("page", "Cache-Control", "no-store", "CDN-Cache-Control", "none");

    Reply first = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=no-freshness");
  }

  @Test
  void rfc9213_2_1_targetedNoStore_winsOverCacheControlMaxAge() {
    originAnswers("page", "CDN-Cache-Control", "no-store", "Cache-Control", "public, max-age=60");

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=no-store");
    assertThat(member(second)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=no-store");
    assertThat(originCount("/p")).isEqualTo(2);
  }

  @Test
  void rfc9213_2_1_invalidTargetedField_trailingComma_ignoredAndTheNextOneUsed() {
    originAnswers("page", EDGE_FIELD, "max-age=60,", "CDN-Cache-Control", "max-age=30", "Cache-Control", "max-age=10");

    Reply first = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=30");
  }

  @Test
  void rfc9213_2_1_invalidTargetedField_upperCaseKey_ignoredAndCacheControlUsed() {
    // RFC 8941 §3.2: dictionary keys are lower-case; MAX-AGE makes the whole field invalid, not a max-age.
    originAnswers("page", "CDN-Cache-Control", "MAX-AGE=60", "Cache-Control", "max-age=10");

    Reply first = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=10");
  }

  @Test
  void rfc9213_2_1_invalidTargetedField_ignored_soItsNoStoreDoesNotApply() {
    originAnswers("page", "CDN-Cache-Control", "no-store, max-age=\"60", "Cache-Control", "max-age=10");

    Reply first = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=10");
  }

  @Test
  void rfc9213_2_1_emptyTargetedField_ignored() {
    originAnswers("page", EDGE_FIELD, "", "CDN-Cache-Control", "max-age=30", "Cache-Control", "max-age=10");

    Reply first = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=30");
  }

  @Test
  void rfc9213_2_1_targetedFieldOverTwoLines_isOneDictionary() {
    originAnswers("page", "CDN-Cache-Control", "public", "CDN-Cache-Control", "max-age=60",
        "Cache-Control", "max-age=10");

    Reply first = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
  }

  @Test
  void rfc9213_2_edgesOwnField_neverSentToTheClient() {
    originAnswers("page", EDGE_FIELD, "max-age=60", "Cache-Control", "max-age=10");

    Reply miss = get("/p");
    Reply hit = get("/p");

    assertThat(member(hit)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(miss.header(EDGE_FIELD)).isNull();
    assertThat(hit.header(EDGE_FIELD)).isNull();
    assertThat(hit.header("Cache-Control")).isEqualTo("max-age=10");
  }

  @Test
  void rfc9213_2_edgesOwnField_notSentOnAnAnswerTheEdgeDidNotStore() {
    originAnswers("page", EDGE_FIELD, "no-store");

    Reply first = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=no-store");
    assertThat(first.header(EDGE_FIELD)).isNull();
  }

  @Test
  void rfc9213_2_cdnCacheControl_passedOnToTheClient() {
    // RFC 9213 §2: a CDN MAY pass it on; the edge does, so a CDN in front of it can be told the same.
    originAnswers("page", "CDN-Cache-Control", "max-age=60", "Cache-Control", "max-age=10");

    Reply miss = get("/p");
    Reply hit = get("/p");

    assertThat(member(hit)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(miss.header("CDN-Cache-Control")).isEqualTo("max-age=60");
    assertThat(hit.header("CDN-Cache-Control")).isEqualTo("max-age=60");
  }
}
