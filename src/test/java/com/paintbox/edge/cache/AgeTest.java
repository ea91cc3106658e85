package com.paintbox.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Promise;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * RFC 9111 §4.2.3 and §5.1: the {@code Age} the edge sends on every stored answer, counted from the origin's own
 * {@code Age} and {@code Date} and moved on by the clock, and the {@code ttl} of Cache-Status (RFC 9211 §2.5) that
 * follows from it.
 */
class AgeTest extends CacheTestBase {

  @Test
  void rfc9111_4_2_3_originsAge_isAddedToTheEdgesOwn() {
    originAnswers("page", "Cache-Control", "max-age=60", "Date", now(), "Age", "20");

    Reply first = get("/p");
    advance(Duration.ofSeconds(10));
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=40");
    assertThat(first.header("Age")).as("the origin's answer as it was sent").isEqualTo("20");
    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=30");
    assertThat(second.header("Age")).isEqualTo("30");
    assertThat(second.headers().getAll("Age")).hasSize(1);
  }

  @Test
  void rfc9111_4_2_3_dateInThePast_addsApparentAge() {
    originAnswers("page", "Cache-Control", "max-age=60", "Date", httpDate(clock.instant().minusSeconds(25)));

    Reply first = get("/p");
    advance(Duration.ofSeconds(5));
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=35");
    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=30");
    assertThat(second.header("Age")).isEqualTo("30");
  }

  @Test
  void rfc9111_4_2_3_correctedInitialAge_isTheLargerOfApparentAgeAndAge_notTheirSum() {
    originAnswers("page", "Cache-Control", "max-age=60", "Date", httpDate(clock.instant().minusSeconds(25)),
        "Age", "10");

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=35");
    assertThat(second.header("Age")).isEqualTo("25");
  }

  @Test
  void rfc9111_4_2_3_responseDelay_addedToTheOriginsAge() {
    // corrected_age_value = age_value + response_delay: the 5 s the origin took count as age, since the origin's
    // Age was measured when it started answering.
    origin(request -> {
      clock.advance(Duration.ofSeconds(5));
      request.response().putHeader("Cache-Control", "max-age=60").putHeader("Date", now()).putHeader("Age", "10")
          .end("page");
    });

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=45");
    assertThat(second.header("Age")).isEqualTo("15");
    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=45");
  }

  @Test
  void rfc9111_4_2_3_revalidatedResponse_ageStartsAgainFromThe304() {
    origin(request -> {
      var response = request.response().putHeader("Cache-Control", "max-age=60").putHeader("ETag", "\"v1\"")
          .putHeader("Date", now());
      if ("\"v1\"".equals(request.getHeader("If-None-Match"))) {
        response.setStatusCode(304).end();
      } else {
        response.end("page");
      }
    });

    get("/p");
    advance(Duration.ofSeconds(61));
    Reply revalidated = get("/p");
    advance(Duration.ofSeconds(10));
    Reply hit = get("/p");

    assertThat(member(revalidated)).isEqualTo("paintbox-edge; fwd=stale; fwd-status=304; ttl=60");
    assertThat(revalidated.header("Age")).isEqualTo("0");
    assertThat(member(hit)).isEqualTo("paintbox-edge; hit; ttl=50");
    assertThat(hit.header("Age")).isEqualTo("10");
    assertThat(hit.body()).isEqualTo("page");
    assertThat(originCount("/p")).isEqualTo(2);
  }

  @Test
  void rfc9111_4_2_3_dateInTheFuture_addsNoAge() {
    // apparent_age = max(0, response_time - date_value): a fast origin clock gives no negative age, nor extra life.
    originAnswers("page", "Cache-Control", "max-age=60", "Date", httpDate(clock.instant().plusSeconds(100)));

    Reply first = get("/p");
    advance(Duration.ofSeconds(5));
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=55");
    assertThat(second.header("Age")).isEqualTo("5");
  }

  @Test
  void rfc9111_4_2_3_age_growsWithTheClock_inWholeSeconds() {
    originAnswers("page", "Cache-Control", "max-age=60");

    get("/p");
    Reply atOnce = get("/p");
    advance(Duration.ofMillis(999));
    Reply underASecond = get("/p");
    advance(Duration.ofMillis(1));
    Reply oneSecond = get("/p");
    advance(Duration.ofSeconds(16));
    Reply seventeen = get("/p");
    advance(Duration.ofSeconds(42));
    Reply lastSecond = get("/p");

    // Age is whole seconds, rounded down (§5.1); ttl is the lifetime less the Age sent with it (RFC 9211 §2.5
    // leaves the rounding open), so a client adding the two gets the lifetime back.
    assertThat(atOnce.header("Age")).isEqualTo("0");
    assertThat(underASecond.header("Age")).isEqualTo("0");
    assertThat(member(underASecond)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(oneSecond.header("Age")).isEqualTo("1");
    assertThat(member(oneSecond)).isEqualTo("paintbox-edge; hit; ttl=59");
    assertThat(seventeen.header("Age")).isEqualTo("17");
    assertThat(member(seventeen)).isEqualTo("paintbox-edge; hit; ttl=43");
    assertThat(lastSecond.header("Age")).isEqualTo("59");
    assertThat(member(lastSecond)).isEqualTo("paintbox-edge; hit; ttl=1");
    assertThat(originCount("/p")).isEqualTo(1);
  }

  @Test
  void rfc9111_5_1_nonIntegerAge_ignored() {
    originAnswers("page", "Cache-Control", "max-age=60", "Age", "1.5");

    Reply first = get("/p");
    advance(Duration.ofSeconds(10));
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
    assertThat(second.header("Age")).isEqualTo("10");
    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=50");
  }

  @Test
  void rfc9111_5_1_junkAge_ignored() {
    originAnswers("page", "Cache-Control", "max-age=60", "Age", "old");

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
    assertThat(second.header("Age")).isEqualTo("0");
  }

  @Test
  void rfc9111_5_1_negativeAge_ignored() {
    originAnswers("page", "Cache-Control", "max-age=60", "Age", "-30");

    Reply first = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
  }

  @Test
  void rfc9111_5_1_listAge_firstMemberUsed() {
    originAnswers("page", "Cache-Control", "max-age=60", "Age", "20, 40");

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=40");
    assertThat(second.header("Age")).isEqualTo("20");
  }

  @Test
  void rfc9111_1_2_2_hugeAge_cappedAt2Pow31_notOverflowed() {
    // An Age beyond 2^31 is 2^31 (§1.2.2): far past any lifetime, never wrapped round to a negative, fresh one.
    // (The ETag keeps it clear of the stale-on-arrival refusal below: only the arithmetic is under test here.)
    originAnswers("page", "Cache-Control", "max-age=60", "ETag", "\"v1\"", "Age", "99999999999999999999");

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo(
        "paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=" + (60 - 2_147_483_648L));
    assertThat(member(second)).as("never served as fresh").doesNotContain("hit");
    assertThat(originCount("/p")).isEqualTo(2);
  }

  @Test
  void rfc9111_4_2_3_originsAgeBeyondLifetime_staleOnArrival_notStored() {
    // current_age 100 >= freshness_lifetime 60: stale on arrival, no validator, no stale window. StoragePolicy's
    // contract gives detail=stale for exactly this; a "stored" member would say the edge kept what it cannot use.
    originAnswers("page", "Cache-Control", "max-age=60", "Age", "100");

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=stale");
    assertThat(member(second)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=stale");
    assertThat(originCount("/p")).isEqualTo(2);
  }

  @Test
  void rfc9111_4_2_3_oldDateBeyondLifetime_staleOnArrival_notStored() {
    Instant date = clock.instant().minusSeconds(100);
    originAnswers("page", "Date", httpDate(date), "Expires", httpDate(date.plusSeconds(60)));

    Reply first = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=stale");
  }

  @Test
  void rfc9211_2_5_ttl_negativeWhileServedStale() {
    Promise<Void> refreshed = Promise.promise();
    origin(request -> {
      if (originCount("/p") == 2) {
        refreshed.tryComplete();
      }
      request.response().putHeader("Cache-Control", "max-age=10, stale-while-revalidate=30").end("page");
    });

    get("/p");
    advance(Duration.ofSeconds(15));
    Reply stale = get("/p");
    await(refreshed.future());

    assertThat(member(stale)).isEqualTo("paintbox-edge; hit; ttl=-5");
    assertThat(stale.header("Age")).isEqualTo("15");
    assertThat(stale.body()).isEqualTo("page");
  }
}
