package com.paintbox.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * RFC 9111 §4.3: stale and no-cache entries are validated with the stored validators, a 304 freshens the stored
 * response (§4.3.4) and is served as the stored 200, a 200 replaces it, and a client's own conditionals are
 * answered from the entry (§4.3.2), never forwarded on a fill.
 */
class ValidationTest extends ShieldTestBase {

  private static final String LAST_MODIFIED = "Tue, 01 Jul 2025 10:00:00 GMT";

  @Test
  void rfc9111_4_3_1_staleEntryWithETag_isRevalidatedWithIfNoneMatch() {
    AtomicInteger calls = new AtomicInteger();
    origin(request -> {
      if (calls.incrementAndGet() == 1) {
        answer(request, 200, "hello", "Cache-Control", "max-age=10", "ETag", "\"v1\"", "Last-Modified",
            LAST_MODIFIED);
      } else {
        answer(request, 304, "", "Cache-Control", "max-age=10", "ETag", "\"v1\"");
      }
    });

    get("/v");
    advance(Duration.ofSeconds(11));
    Reply revalidated = get("/v");

    assertThat(origin.last().header("If-None-Match")).isEqualTo("\"v1\"");
    // §4.3.1: with an entity tag, the cache sends it; If-Modified-Since is not needed alongside it
    assertThat(origin.last().header("If-Modified-Since")).isNull();
    assertThat(revalidated.status()).isEqualTo(200);
    assertThat(revalidated.body()).isEqualTo("hello");
    assertThat(member(revalidated)).isEqualTo("paintbox-edge; fwd=stale; fwd-status=304; ttl=10");
    assertThat(originCount("/v")).isEqualTo(2);
  }

  @Test
  void rfc9111_4_3_1_staleEntryWithOnlyLastModified_isRevalidatedWithIfModifiedSince() {
    AtomicInteger calls = new AtomicInteger();
    origin(request -> {
      if (calls.incrementAndGet() == 1) {
        answer(request, 200, "hello", "Cache-Control", "max-age=10", "Last-Modified", LAST_MODIFIED);
      } else {
        answer(request, 304, "", "Cache-Control", "max-age=10");
      }
    });

    get("/lm");
    advance(Duration.ofSeconds(11));
    Reply revalidated = get("/lm");

    assertThat(origin.last().header("If-Modified-Since")).isEqualTo(LAST_MODIFIED);
    assertThat(origin.last().header("If-None-Match")).isNull();
    assertThat(revalidated.body()).isEqualTo("hello");
    assertThat(member(revalidated)).isEqualTo("paintbox-edge; fwd=stale; fwd-status=304; ttl=10");
  }

  @Test
  void rfc9111_4_3_4_notModified_updatesStoredHeadersAndServesStored200() {
    String firstExpires = httpDate(clock.instant().plusSeconds(10));
    AtomicInteger calls = new AtomicInteger();
    origin(request -> {
      if (calls.incrementAndGet() == 1) {
        answer(request, 200, "hello", "Cache-Control", "max-age=10", "Expires", firstExpires, "ETag", "\"v1\"",
            "X-Build", "1", "Content-Type", "text/plain");
      } else {
        answer(request, 304, "", "Cache-Control", "max-age=100", "Expires",
            httpDate(clock.instant().plusSeconds(100)), "ETag", "\"v1\"", "X-Build", "2",
            "Content-Length", "999");
      }
    });

    get("/u");
    advance(Duration.ofSeconds(11));
    Instant revalidatedAt = clock.instant();
    Reply revalidated = get("/u");
    advance(Duration.ofSeconds(50));
    Reply later = get("/u");

    assertThat(revalidated.status()).isEqualTo(200);
    assertThat(revalidated.body()).isEqualTo("hello");
    assertThat(revalidated.header("Cache-Control")).isEqualTo("max-age=100");
    assertThat(revalidated.header("Expires")).isEqualTo(httpDate(revalidatedAt.plusSeconds(100)));
    assertThat(revalidated.headers().getAll("X-Build")).containsExactly("2");
    assertThat(revalidated.header("Content-Type")).isEqualTo("text/plain");
    // §3.2: a 304's Content-Length describes nothing it carries; the stored body's length stays
    assertThat(revalidated.header("Content-Length")).isEqualTo("5");
    assertThat(revalidated.header("Age")).isEqualTo("0");
    assertThat(member(revalidated)).isEqualTo("paintbox-edge; fwd=stale; fwd-status=304; ttl=100");
    // the new freshness holds: 50 s later it is a hit with what the 304 said
    assertThat(member(later)).isEqualTo("paintbox-edge; hit; ttl=50");
    assertThat(later.headers().getAll("X-Build")).containsExactly("2");
    assertThat(later.header("Content-Length")).isEqualTo("5");
    assertThat(later.body()).isEqualTo("hello");
    assertThat(originCount("/u")).isEqualTo(2);
    // what is stored, not only what a hit writes (a hit sets Content-Length from the body anyway)
    StoredResponse stored = cache().resource(new ResourceKey("http", authority(), "/u", false, null, false))
        .variants.get(0);
    assertThat(stored.headers.getAll("Content-Length")).containsExactly("5");
    assertThat(stored.headers.getAll("X-Build")).containsExactly("2");
    assertThat(stored.headers.getAll("Cache-Control")).containsExactly("max-age=100");
  }

  @Test
  void rfc9111_4_3_3_fullResponseToRevalidation_replacesTheEntry() {
    AtomicInteger calls = new AtomicInteger();
    origin(request -> {
      int call = calls.incrementAndGet();
      answer(request, 200, "body-" + call, "Cache-Control", "max-age=10", "ETag", "\"v" + call + "\"");
    });

    get("/r");
    advance(Duration.ofSeconds(11));
    Reply replaced = get("/r");
    advance(Duration.ofSeconds(5));
    Reply hit = get("/r");

    assertThat(origin.last().header("If-None-Match")).isEqualTo("\"v1\"");
    assertThat(replaced.body()).isEqualTo("body-2");
    assertThat(member(replaced)).isEqualTo("paintbox-edge; fwd=stale; fwd-status=200; stored; ttl=10");
    assertThat(hit.body()).isEqualTo("body-2");
    assertThat(hit.header("ETag")).isEqualTo("\"v2\"");
    assertThat(member(hit)).isEqualTo("paintbox-edge; hit; ttl=5");
    assertThat(originCount("/r")).isEqualTo(2);
  }

  @Test
  void rfc9111_4_3_2_clientConditionalsOnAMiss_neverReachTheOrigin() {
    serves("hello", "Cache-Control", "max-age=60", "ETag", "\"v1\"", "Last-Modified", LAST_MODIFIED);

    Reply mismatched = get("/c1", "If-None-Match", "\"someone-elses\"");
    Reply sinceLongAgo = get("/c2", "If-Modified-Since", "Mon, 01 Jan 2024 00:00:00 GMT");

    // the origin sees neither the client's validators nor anything of the edge's (it had nothing stored)
    assertThat(origin.seen()).allSatisfy(seen -> {
      assertThat(seen.header("If-None-Match")).isNull();
      assertThat(seen.header("If-Modified-Since")).isNull();
    });
    assertThat(mismatched.status()).isEqualTo(200);
    assertThat(mismatched.body()).isEqualTo("hello");
    assertThat(sinceLongAgo.status()).isEqualTo(200);
    // and what it answered was stored: the next request is a hit
    assertThat(member(get("/c1"))).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(member(get("/c2"))).isEqualTo("paintbox-edge; hit; ttl=60");
  }

  @Test
  void rfc9111_4_3_2_clientIfNoneMatchOnAMiss_matchingTheFresh200_gets304ComputedByTheEdge() {
    serves("hello", "Cache-Control", "max-age=60", "ETag", "\"v1\"");

    Reply conditional = get("/m", "If-None-Match", "W/\"v1\"");
    Reply next = get("/m");

    assertThat(origin.last().header("If-None-Match")).isNull();
    assertThat(conditional.status()).isEqualTo(304);
    assertThat(conditional.body()).isEmpty();
    assertThat(conditional.header("ETag")).isEqualTo("\"v1\"");
    assertThat(conditional.header("Cache-Control")).isEqualTo("max-age=60");
    assertThat(member(conditional)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
    // the fill went on for the cache although its client needed no body
    assertThat(member(next)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(next.body()).isEqualTo("hello");
    assertThat(originCount("/m")).isEqualTo(1);
  }

  @Test
  void rfc9111_4_3_2_clientConditionalsOnAHit_answered304FromTheEntry() {
    serves("hello", "Cache-Control", "max-age=60", "ETag", "\"v1\"", "Last-Modified", LAST_MODIFIED);
    get("/h");
    advance(Duration.ofSeconds(5));

    Reply byTag = get("/h", "If-None-Match", "\"v0\", \"v1\"");
    Reply byDate = get("/h", "If-Modified-Since", LAST_MODIFIED);
    Reply otherTag = get("/h", "If-None-Match", "\"v0\"");
    Reply modifiedSince = get("/h", "If-Modified-Since", "Mon, 30 Jun 2025 10:00:00 GMT");

    assertThat(byTag.status()).isEqualTo(304);
    assertThat(byTag.header("Age")).isEqualTo("5");
    assertThat(member(byTag)).isEqualTo("paintbox-edge; hit; ttl=55");
    assertThat(byDate.status()).isEqualTo(304);
    assertThat(otherTag.status()).isEqualTo(200);
    assertThat(otherTag.body()).isEqualTo("hello");
    assertThat(modifiedSince.status()).isEqualTo(200);
    assertThat(originCount("/h")).isEqualTo(1);
  }

  @Test
  void rfc9111_4_3_2_clientConditionalOnARevalidation_originSeesOnlyTheEdgesValidator() {
    AtomicInteger calls = new AtomicInteger();
    origin(request -> {
      if (calls.incrementAndGet() == 1) {
        answer(request, 200, "hello", "Cache-Control", "max-age=10", "ETag", "\"v1\"");
      } else {
        answer(request, 304, "", "Cache-Control", "max-age=10", "ETag", "\"v1\"");
      }
    });
    get("/x");
    advance(Duration.ofSeconds(11));

    Reply client304 = get("/x", "If-None-Match", "\"v1\"");
    advance(Duration.ofSeconds(11));
    Reply client200 = get("/x", "If-None-Match", "\"client-copy\"", "If-Modified-Since", LAST_MODIFIED);

    assertThat(origin.seen()).extracting(seen -> seen.header("If-None-Match"))
        .containsExactly(null, "\"v1\"", "\"v1\"");
    assertThat(origin.seen()).extracting(seen -> seen.header("If-Modified-Since")).containsOnlyNulls();
    assertThat(client304.status()).isEqualTo(304);
    assertThat(member(client304)).isEqualTo("paintbox-edge; fwd=stale; fwd-status=304; ttl=10");
    assertThat(client200.status()).isEqualTo(200);
    assertThat(client200.body()).isEqualTo("hello");
  }

  @Test
  void rfc9111_5_2_2_4_noCacheResponseWithETag_isRevalidatedOnEveryUse() {
    AtomicInteger calls = new AtomicInteger();
    origin(request -> {
      if (calls.incrementAndGet() == 1) {
        answer(request, 200, "hello", "Cache-Control", "no-cache", "ETag", "\"v1\"");
      } else {
        answer(request, 304, "", "Cache-Control", "no-cache", "ETag", "\"v1\"");
      }
    });

    Reply first = get("/nc");
    Reply second = get("/nc");
    Reply third = get("/nc");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=0");
    // a no-cache entry is never fresh: the edge says so the way it says it of any stale one (RFC 9211 allows it)
    assertThat(member(second)).isEqualTo("paintbox-edge; fwd=stale; fwd-status=304; ttl=0");
    assertThat(member(third)).isEqualTo("paintbox-edge; fwd=stale; fwd-status=304; ttl=0");
    assertThat(third.body()).isEqualTo("hello");
    assertThat(originCount("/nc")).isEqualTo(3);
    assertThat(origin.seen()).extracting(seen -> seen.header("If-None-Match"))
        .containsExactly(null, "\"v1\"", "\"v1\"");
  }
}
