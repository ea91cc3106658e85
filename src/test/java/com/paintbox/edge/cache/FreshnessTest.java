package com.paintbox.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
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

  @Test
  void rfc9111_4_2_1_sMaxAge_winsOverMaxAge() {
    originAnswers("page", "Cache-Control", "max-age=10, s-maxage=60");

    Reply first = get("/p");
    advance(Duration.ofSeconds(30));
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=30");
    assertThat(originCount("/p")).isEqualTo(1);
  }

  @Test
  void rfc9111_4_2_1_maxAge_winsOverExpires() {
    originAnswers("page", "Cache-Control", "max-age=60", "Date", now(),
        "Expires", httpDate(clock.instant().plusSeconds(10)));

    get("/p");
    advance(Duration.ofSeconds(30));
    Reply second = get("/p");

    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=30");
    assertThat(originCount("/p")).isEqualTo(1);
  }

  @Test
  void rfc9111_4_2_1_expires_countsFromDate_soAnOldDateShortensWhatIsLeft() {
    // Expires - Date = 60 s of lifetime, 30 of them spent before the edge received it (apparent age, §4.2.3).
    origin(request -> {
      Instant date = clock.instant().minusSeconds(30);
      request.response().putHeader("Date", httpDate(date)).putHeader("Expires", httpDate(date.plusSeconds(60)))
          .end("page");
    });

    Reply first = get("/p");
    advance(Duration.ofSeconds(10));
    Reply second = get("/p");
    advance(Duration.ofSeconds(21));
    Reply third = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=30");
    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=20");
    assertThat(second.header("Age")).isEqualTo("40");
    assertThat(member(third)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=30");
    assertThat(originCount("/p")).isEqualTo(2);
  }

  @Test
  void rfc9111_4_2_1_twoDifferentExpiresLines_treatedAsStale() {
    originAnswers("page", "Date", now(), "Expires", httpDate(clock.instant().plusSeconds(60)),
        "Expires", httpDate(clock.instant().plusSeconds(3600)));

    Reply first = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=stale");
  }

  @Test
  void rfc9110_5_6_7_expiresInRfc850Form_accepted() {
    DateTimeFormatter rfc850 = DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.US)
        .withZone(ZoneOffset.UTC);
    originAnswers("page", "Date", now(), "Expires", rfc850.format(clock.instant().plusSeconds(60)));

    Reply first = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
  }

  @Test
  void rfc9110_5_6_7_expiresInAsctimeForm_accepted() {
    DateTimeFormatter asctime = DateTimeFormatter.ofPattern("EEE MMM ppd HH:mm:ss yyyy", Locale.US)
        .withZone(ZoneOffset.UTC);
    originAnswers("page", "Date", now(), "Expires", asctime.format(clock.instant().plusSeconds(60)));

    Reply first = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
  }

  @Test
  void rfc9111_5_3_invalidExpires_treatedAsStale() {
    originAnswers("page", "Date", now(), "Expires", "next Tuesday");

    Reply first = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=stale");
  }

  @Test
  void rfc9111_4_2_1_duplicateMaxAgeWithDifferentValues_treatedAsStale() {
    // §4.2.1 lets a cache use the first value or treat the response as stale; the edge chooses stale.
    originAnswers("page", "Cache-Control", "max-age=60, max-age=3600");

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=stale");
    assertThat(member(second)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=stale");
    assertThat(originCount("/p")).isEqualTo(2);
  }

  @Test
  void rfc9111_4_2_1_duplicateMaxAgeOverTwoLines_treatedAsStale() {
    originAnswers("page", "Cache-Control", "max-age=60", "Cache-Control", "max-age=3600");

    Reply first = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=stale");
  }

  @Test
  void rfc9111_4_2_1_duplicateMaxAgeWithTheSameValue_used() {
    originAnswers("page", "Cache-Control", "max-age=60, max-age=60");

    Reply first = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
  }

  @Test
  void rfc9111_5_2_quotedMaxAge_accepted() {
    // §5.2: senders SHOULD use the token form for max-age, but recipients accept both forms.
    originAnswers("page", "Cache-Control", "max-age=\"60\"");

    Reply first = get("/p");
    advance(Duration.ofSeconds(20));
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=40");
    assertThat(originCount("/p")).isEqualTo(1);
  }

  @Test
  void rfc9111_1_2_2_decimalMaxAge_invalid_treatedAsStale() {
    originAnswers("page", "Cache-Control", "max-age=3.5");

    Reply first = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=stale");
  }

  @Test
  void rfc9111_5_2_upperCaseDirectiveName_understood() {
    originAnswers("page", "Cache-Control", "MAX-AGE=60");

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(originCount("/p")).isEqualTo(1);
  }

  @Test
  void rfc9111_1_2_2_hugeMaxAge_cappedAt2Pow31_notOverflowed() {
    originAnswers("page", "Cache-Control", "max-age=99999999999999999999999");

    Reply first = get("/p");
    advance(Duration.ofDays(365));
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=2147483648");
    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=" + (2_147_483_648L - 365L * 86_400));
    assertThat(second.header("Age")).isEqualTo(Long.toString(365L * 86_400));
    assertThat(originCount("/p")).isEqualTo(1);
  }

  @Test
  void rfc5861_3_bareStaleWhileRevalidate_tolerated() {
    // Next.js <= 14 sent it without a value (next.js#34999); the edge grants a bounded window instead of refusing.
    Promise<Void> refreshed = Promise.promise();
    origin(request -> {
      if (originCount("/p") == 2) {
        refreshed.tryComplete();
      }
      request.response().putHeader("Cache-Control", "max-age=60, stale-while-revalidate").end("page");
    });

    Reply first = get("/p");
    advance(Duration.ofSeconds(90));
    Reply stale = get("/p");
    await(refreshed.future());

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
    assertThat(member(stale)).isEqualTo("paintbox-edge; hit; ttl=-30");
    assertThat(stale.header("Age")).isEqualTo("90");
    assertThat(stale.body()).isEqualTo("page");
  }

  @Test
  void rfc9111_4_2_2_heuristicOffByDefault_lastModifiedAloneNotStored() {
    originAnswers("page", "Date", now(), "Last-Modified", httpDate(clock.instant().minus(Duration.ofDays(10))));

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=no-freshness");
    assertThat(member(second)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=no-freshness");
    assertThat(originCount("/p")).isEqualTo(2);
  }
}
