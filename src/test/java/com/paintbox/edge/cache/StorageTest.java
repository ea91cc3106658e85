package com.paintbox.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.testing.ProxyTestOrigin;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * RFC 9111 §3: which origin responses the edge stores, and the {@code detail} Cache-Status gives when it does not.
 * Every refusal is checked twice: the first client gets the origin's answer as it was, and a second request goes
 * to the origin again.
 */
class StorageTest extends CacheTestBase {

  /** The object limit under test, in bytes; every other body here is a few bytes. */
  private static final int MAX_OBJECT_BYTES = 1024;

  @Override
  protected Map<String, String> settings() {
    return Map.of("EDGE_CACHE_MAX_OBJECT_BYTES", Integer.toString(MAX_OBJECT_BYTES));
  }

  @Test
  void rfc9111_3_noStore_inASecondCacheControlLine_notStored() {
    originAnswers("secret", "Cache-Control", "max-age=60", "Cache-Control", "no-store");

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=no-store");
    assertThat(member(second)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=no-store");
    assertThat(second.body()).isEqualTo("secret");
    assertThat(originCount("/p")).isEqualTo(2);
  }

  @Test
  void rfc9111_5_2_2_3_mustUnderstandWithNoStore_storedForAStatusTheEdgeUnderstands() {
    originAnswers("page", "Cache-Control", "must-understand, no-store, max-age=60");

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(second.body()).isEqualTo("page");
    assertThat(originCount("/p")).isEqualTo(1);
  }

  @Test
  void rfc9111_3_unqualifiedPrivate_notStored() {
    originAnswers("mine", "Cache-Control", "private, max-age=60");

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=private");
    assertThat(member(second)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=private");
    assertThat(originCount("/p")).isEqualTo(2);
  }

  @Test
  void rfc9111_5_2_2_7_privateInTokenForm_treatedAsUnqualified() {
    // §5.2.2.7: the field names are sent as a quoted-string; a sender SHOULD NOT use the token form. The edge reads
    // the token form as unqualified private, the choice that can never share what the origin meant to keep private.
    originAnswers("mine", "Cache-Control", "private=set-cookie, max-age=60", "Set-Cookie", "session=abc");

    Reply first = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=private");
    assertThat(first.header("Set-Cookie")).isEqualTo("session=abc");
  }

  @Test
  void rfc9111_5_2_2_7_qualifiedPrivateSetCookie_storedWithoutTheNamedField() {
    originAnswers("page", "Cache-Control", "private=\"set-cookie\", max-age=60", "Set-Cookie", "session=abc");

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
    assertThat(first.header("Set-Cookie")).as("the client the origin answered keeps its cookie")
        .isEqualTo("session=abc");
    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(second.header("Set-Cookie")).as("a later client never sees it").isNull();
    assertThat(second.body()).isEqualTo("page");
    assertThat(originCount("/p")).isEqualTo(1);
  }

  @Test
  void rfc9111_5_2_2_7_qualifiedPrivate_anyNamedFieldLeftOutOfTheStoredResponse() {
    originAnswers("page", "Cache-Control", "private=\"X-User, X-Plan\", max-age=60", "X-User", "alice",
        "X-Plan", "gold", "X-Build", "42");

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(first.header("X-User")).isEqualTo("alice");
    assertThat(first.header("X-Plan")).isEqualTo("gold");
    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(second.header("X-User")).isNull();
    assertThat(second.header("X-Plan")).isNull();
    assertThat(second.header("X-Build")).isEqualTo("42");
    assertThat(originCount("/p")).isEqualTo(1);
  }

  @Test
  void rfc9111_5_2_2_4_qualifiedNoCacheSetCookie_storedWithoutTheNamedField() {
    originAnswers("page", "Cache-Control", "no-cache=\"set-cookie\", max-age=60", "Set-Cookie", "session=abc");

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
    assertThat(first.header("Set-Cookie")).isEqualTo("session=abc");
    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(second.header("Set-Cookie")).isNull();
  }

  @Test
  void rfc9111_3_setCookieWithoutQualifier_notStored() {
    // RFC 9111 would let a shared cache store it (§7.3 leaves it to the origin); the edge never shares a Set-Cookie
    // answer unless private="set-cookie" or no-cache="set-cookie" says the field may be left out (issue 11).
    originAnswers("page", "Cache-Control", "public, max-age=60", "Set-Cookie", "session=abc");

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=set-cookie");
    assertThat(first.header("Set-Cookie")).isEqualTo("session=abc");
    assertThat(member(second)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=set-cookie");
    assertThat(originCount("/p")).isEqualTo(2);
  }

  @Test
  void rfc9111_3_5_authorizationWithoutPublic_notStored() {
    originAnswers("account", "Cache-Control", "max-age=60");

    Reply first = get("/p", "Authorization", "Bearer alice");
    Reply second = get("/p", "Authorization", "Bearer alice");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=authorization");
    assertThat(member(second)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=authorization");
    assertThat(originCount("/p")).isEqualTo(2);
  }

  @Test
  void rfc9111_3_5_authorizationWithPublic_stored() {
    assertAuthorizedAnswerShared("public, max-age=60", 60);
  }

  @Test
  void rfc9111_3_5_authorizationWithSMaxAge_stored() {
    assertAuthorizedAnswerShared("s-maxage=60", 60);
  }

  @Test
  void rfc9111_3_5_authorizationWithMustRevalidate_stored() {
    assertAuthorizedAnswerShared("must-revalidate, max-age=60", 60);
  }

  @Test
  void rfc9111_3_status206_neverStored() {
    originStatus(206, "abc", "Cache-Control", "max-age=60", "Content-Range", "bytes 0-2/10");

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(first.status()).isEqualTo(206);
    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=206; detail=status");
    assertThat(member(second)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=206; detail=status");
    assertThat(originCount("/p")).isEqualTo(2);
  }

  @Test
  void rfc9111_3_status204_neverStored() {
    // RFC 9110 makes 204 cacheable by default; the edge never stores it (CVE-2025-49826: a 204 cached for a page).
    originStatus(204, "", "Cache-Control", "max-age=60");

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(first.status()).isEqualTo(204);
    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=204; detail=status");
    assertThat(member(second)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=204; detail=status");
    assertThat(originCount("/p")).isEqualTo(2);
  }

  @Test
  void rfc9111_3_status304OnAPlainMiss_notStored() {
    originStatus(304, "", "Cache-Control", "max-age=60", "ETag", "\"v1\"");

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(origin.seen().get(0).header("If-None-Match")).as("the edge asked unconditionally").isNull();
    assertThat(first.status()).isEqualTo(304);
    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=304; detail=status");
    assertThat(member(second)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=304; detail=status");
    assertThat(originCount("/p")).isEqualTo(2);
  }

  @Test
  void rfc9111_3_redirectWithoutLocation_notStored() {
    // CVE-2026-44572: Next.js could answer a redirect without Location; stored, it would break the URL for everyone.
    originStatus(301, "", "Cache-Control", "max-age=60");

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(first.status()).isEqualTo(301);
    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=301; detail=no-location");
    assertThat(member(second)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=301; detail=no-location");
    assertThat(originCount("/p")).isEqualTo(2);
  }

  @Test
  void rfc9111_3_redirectWithLocation_stored() {
    originStatus(301, "", "Cache-Control", "max-age=60", "Location", "/elsewhere");

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=301; stored; ttl=60");
    assertThat(second.status()).isEqualTo(301);
    assertThat(second.header("Location")).isEqualTo("/elsewhere");
    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(originCount("/p")).isEqualTo(1);
  }

  @Test
  void rfc9111_3_noExplicitFreshness_notStored() {
    originAnswers("page", "ETag", "\"v1\"");

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=no-freshness");
    assertThat(member(second)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=no-freshness");
    assertThat(originCount("/p")).isEqualTo(2);
  }

  @Test
  void rfc9111_5_3_expiresZeroWithoutValidator_notStored() {
    // "0" is an invalid date, which §5.3 says means already expired: stale on arrival, nothing to revalidate by.
    originAnswers("page", "Expires", "0");

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=stale");
    assertThat(member(second)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=stale");
    assertThat(originCount("/p")).isEqualTo(2);
  }

  @Test
  void rfc9111_5_2_2_1_maxAgeZeroWithoutValidator_notStored() {
    originAnswers("page", "Cache-Control", "max-age=0");

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=stale");
    assertThat(member(second)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=stale");
    assertThat(originCount("/p")).isEqualTo(2);
  }

  @Test
  void rfc9111_4_3_maxAgeZeroWithETag_storedAndRevalidatedOnEveryRequest() {
    originValidates("page", "\"v1\"", "Cache-Control", "max-age=0");

    Reply first = get("/p");
    Reply second = get("/p");
    Reply third = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=0");
    assertThat(member(second)).isEqualTo("paintbox-edge; fwd=stale; fwd-status=304; ttl=0");
    assertThat(member(third)).isEqualTo("paintbox-edge; fwd=stale; fwd-status=304; ttl=0");
    assertThat(third.status()).isEqualTo(200);
    assertThat(third.body()).isEqualTo("page");
    assertThat(origin.last().header("If-None-Match")).isEqualTo("\"v1\"");
    assertThat(originCount("/p")).isEqualTo(3);
  }

  @Test
  void rfc9111_5_2_2_4_noCacheWithETag_storedButRevalidatedEvenWhileFresh() {
    // RFC 9211 has no fwd value for "fresh, but no-cache": the edge says fwd=stale (it could not use it as it was).
    originValidates("page", "\"v1\"", "Cache-Control", "no-cache, max-age=60");

    Reply first = get("/p");
    advance(Duration.ofSeconds(10));
    Reply second = get("/p");
    Reply third = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
    assertThat(member(second)).isEqualTo("paintbox-edge; fwd=stale; fwd-status=304; ttl=60");
    assertThat(member(third)).isEqualTo("paintbox-edge; fwd=stale; fwd-status=304; ttl=60");
    assertThat(third.body()).isEqualTo("page");
    assertThat(origin.last().header("If-None-Match")).isEqualTo("\"v1\"");
    assertThat(originCount("/p")).isEqualTo(3);
  }

  @Test
  void rfc9111_4_1_varyStar_notStored() {
    originAnswers("page", "Cache-Control", "max-age=60", "Vary", "Accept-Language, *");

    Reply first = get("/p");
    Reply second = get("/p");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=vary");
    assertThat(member(second)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=vary");
    assertThat(originCount("/p")).isEqualTo(2);
  }

  @Test
  void rfc9111_3_contentLengthAboveObjectLimit_passedThroughWholeAndNotStored() {
    String big = ProxyTestOrigin.filler(MAX_OBJECT_BYTES + 1).toString();
    originAnswers(big, "Cache-Control", "max-age=60");

    Reply first = get("/big");
    Reply second = get("/big");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=too-large");
    assertThat(first.body()).isEqualTo(big);
    assertThat(member(second)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=too-large");
    assertThat(second.body()).isEqualTo(big);
    assertThat(originCount("/big")).isEqualTo(2);
  }

  @Test
  void rfc9111_3_contentLengthAtObjectLimit_stored() {
    String limit = ProxyTestOrigin.filler(MAX_OBJECT_BYTES).toString();
    originAnswers(limit, "Cache-Control", "max-age=60");

    get("/big");
    Reply second = get("/big");

    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(second.body()).isEqualTo(limit);
    assertThat(originCount("/big")).isEqualTo(1);
  }

  /** A response to a request with Authorization, allowed by {@code cacheControl}, is shared with the next one. */
  private void assertAuthorizedAnswerShared(String cacheControl, long ttl) {
    originAnswers("catalogue", "Cache-Control", cacheControl);

    Reply first = get("/p", "Authorization", "Bearer alice");
    Reply second = get("/p", "Authorization", "Bearer bob");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=" + ttl);
    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=" + ttl);
    assertThat(second.body()).isEqualTo("catalogue");
    assertThat(origin.last().header("Authorization")).isEqualTo("Bearer alice");
    assertThat(originCount("/p")).isEqualTo(1);
  }

  /** An origin that answers every request {@code status} with {@code body} and these headers. */
  private void originStatus(int status, String body, String... headers) {
    origin(request -> {
      var response = request.response().setStatusCode(status);
      for (int i = 0; i < headers.length; i += 2) {
        response.headers().add(headers[i], headers[i + 1]);
      }
      response.end(body);
    });
  }

  /**
   * An origin that answers 200 with {@code body}, {@code etag} and these headers, or 304 with the same headers when
   * the request's If-None-Match names {@code etag}. Both carry a Date from the test's clock.
   */
  private void originValidates(String body, String etag, String... headers) {
    origin(request -> answerValidating(request, body, etag, headers));
  }

  private void answerValidating(HttpServerRequest request, String body, String etag, String... headers) {
    var response = request.response();
    response.headers().add("Date", now()).add("ETag", etag);
    for (int i = 0; i < headers.length; i += 2) {
      response.headers().add(headers[i], headers[i + 1]);
    }
    if (etag.equals(request.getHeader("If-None-Match"))) {
      response.setStatusCode(304).end();
    } else {
      response.end(body);
    }
  }
}
