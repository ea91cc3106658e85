package com.paintbox.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.http.HttpMethod;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 5861: stale-while-revalidate serves the stale entry at once while one background revalidation runs;
 * stale-if-error serves it when the refresh fails (5xx, refused connection, timeout); and RFC 9111's
 * must-revalidate, proxy-revalidate and s-maxage take both away.
 */
class StaleTest extends ShieldTestBase {

  /** Fresh 10 s, then 60 s of stale-while-revalidate. */
  private static final String SWR = "max-age=10, stale-while-revalidate=60";
  /** Fresh 10 s, then 60 s of stale-if-error. */
  private static final String SIE = "max-age=10, stale-if-error=60";

  /** First request: 200 "v1" with {@code cacheControl}; then whatever {@code later} answers. */
  private void originFirst(String cacheControl, io.vertx.core.Handler<io.vertx.core.http.HttpServerRequest> later) {
    AtomicInteger calls = new AtomicInteger();
    origin(request -> {
      if (calls.incrementAndGet() == 1) {
        answer(request, 200, "v1", "Cache-Control", cacheControl, "ETag", "\"v1\"");
      } else {
        later.handle(request);
      }
    });
  }

  @Test
  void rfc5861_3_withinStaleWhileRevalidate_servedAtOnceWithOneBackgroundRevalidation() {
    Gate gate = new Gate();
    originFirst(SWR, request -> gate.opened().onComplete(go ->
        answer(request, 304, "", "Cache-Control", SWR, "ETag", "\"v1\"")));
    get("/swr");
    advance(Duration.ofSeconds(15));

    // the revalidation is held at the origin: these are answered without it
    Reply first = get("/swr");
    Reply second = get("/swr");
    Reply third = get("/swr");
    awaitOrigin(2);

    assertThat(first.body()).isEqualTo("v1");
    assertThat(member(first)).isEqualTo("paintbox-edge; hit; ttl=-5");
    assertThat(first.header("Age")).isEqualTo("15");
    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=-5");
    assertThat(member(third)).isEqualTo("paintbox-edge; hit; ttl=-5");
    assertThat(originCount("/swr")).isEqualTo(2);
    assertThat(origin.last().header("If-None-Match")).isEqualTo("\"v1\"");

    gate.open();
    awaitNoFills();
    Reply refreshed = get("/swr");

    assertThat(member(refreshed)).isEqualTo("paintbox-edge; hit; ttl=10");
    assertThat(refreshed.header("Age")).isEqualTo("0");
    assertThat(refreshed.body()).isEqualTo("v1");
    assertThat(originCount("/swr")).isEqualTo(2);
  }

  @Test
  void rfc5861_3_concurrentRequestsWithinStaleWhileRevalidate_oneOriginRequest() {
    Gate gate = new Gate();
    originFirst(SWR, request -> gate.opened().onComplete(go ->
        answer(request, 200, "v2", "Cache-Control", SWR, "ETag", "\"v2\"")));
    get("/swr");
    advance(Duration.ofSeconds(15));

    var replies = all(concurrentGets(10, "/swr"));
    awaitOrigin(2);

    assertThat(replies).extracting(Reply::body).containsOnly("v1");
    assertThat(replies).extracting(CacheTestBase::member).containsOnly("paintbox-edge; hit; ttl=-5");
    assertThat(originCount("/swr")).isEqualTo(2);

    gate.open();
    awaitNoFills();
    Reply refreshed = get("/swr");

    // a 200 to the background revalidation replaces the entry
    assertThat(refreshed.body()).isEqualTo("v2");
    assertThat(member(refreshed)).isEqualTo("paintbox-edge; hit; ttl=10");
    assertThat(originCount("/swr")).isEqualTo(2);
  }

  @Test
  void rfc5861_3_pastStaleWhileRevalidate_requestWaitsForTheRevalidation() {
    Gate gate = new Gate();
    originFirst(SWR, request -> gate.opened().onComplete(go ->
        answer(request, 304, "", "Cache-Control", SWR, "ETag", "\"v1\"")));
    get("/late");
    advance(Duration.ofSeconds(10 + 60 + 1));

    Future<Reply> waiting = sendAsync(HttpMethod.GET, "/late");
    awaitOrigin(2);

    assertThat(waiting.isComplete()).as("answered before the origin revalidated").isFalse();
    gate.open();
    Reply reply = await(waiting);
    assertThat(reply.body()).isEqualTo("v1");
    assertThat(member(reply)).isEqualTo("paintbox-edge; fwd=stale; fwd-status=304; ttl=10");
    assertThat(origin.last().header("If-None-Match")).isEqualTo("\"v1\"");
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 502, 503, 504})
  void rfc5861_4_staleIfError_originErrorStatus_servesStaleWithinTheWindow(int status) {
    originFirst(SIE, request -> answer(request, status, "origin error " + status, "Cache-Control", "no-store"));
    get("/sie");
    advance(Duration.ofSeconds(15));

    Reply stale = get("/sie");

    assertThat(stale.status()).isEqualTo(200);
    assertThat(stale.body()).isEqualTo("v1");
    assertThat(stale.header("Age")).isEqualTo("15");
    assertThat(member(stale)).isEqualTo("paintbox-edge; hit; ttl=-5; detail=stale-if-error");
    assertThat(origin.last().header("If-None-Match")).isEqualTo("\"v1\"");
    assertThat(originCount("/sie")).isEqualTo(2);
  }

  @ParameterizedTest
  @ValueSource(ints = {500, 502, 503, 504})
  void rfc5861_4_staleIfError_originErrorStatus_pastTheWindowTheErrorIsRelayed(int status) {
    originFirst(SIE, request -> answer(request, status, "origin error " + status, "Cache-Control", "no-store"));
    get("/sie");
    advance(Duration.ofSeconds(10 + 60 + 1));

    Reply error = get("/sie");

    assertThat(error.status()).isEqualTo(status);
    assertThat(error.body()).isEqualTo("origin error " + status);
    // the status is the first reason the edge gives for not storing it (its no-store would be the second)
    assertThat(member(error)).isEqualTo("paintbox-edge; fwd=stale; fwd-status=" + status + "; detail=status");
  }

  @Test
  void rfc5861_4_staleIfError_refusedConnection_servesStaleWithinTheWindowAndTheErrorPastIt() {
    originFirst(SIE, request -> answer(request, 200, "unexpected"));
    get("/down");
    await(origin.close());
    advance(Duration.ofSeconds(15));

    Reply stale = get("/down");
    advance(Duration.ofSeconds(60));
    Reply error = get("/down");

    assertThat(stale.status()).isEqualTo(200);
    assertThat(stale.body()).isEqualTo("v1");
    assertThat(member(stale)).isEqualTo("paintbox-edge; hit; ttl=-5; detail=stale-if-error");
    assertThat(error.status()).isEqualTo(502);
    assertThat(error.header("Cache-Status")).as("the edge's own 502 carries no Cache-Status (RFC 9211)").isNull();
  }

  @Test
  @EdgeSettings("EDGE_ORIGIN_TIMEOUT_SECONDS=1")
  void rfc5861_4_staleIfError_originTimeout_servesStaleWithinTheWindowAndTheErrorPastIt() {
    originFirst(SIE, request -> { }); // never answers after the first
    get("/slow");
    advance(Duration.ofSeconds(15));

    Reply stale = get("/slow");
    advance(Duration.ofSeconds(60));
    Reply error = get("/slow");

    assertThat(stale.status()).isEqualTo(200);
    assertThat(stale.body()).isEqualTo("v1");
    assertThat(member(stale)).isEqualTo("paintbox-edge; hit; ttl=-5; detail=stale-if-error");
    assertThat(error.status()).isEqualTo(504);
    assertThat(originCount("/slow")).isEqualTo(3);
  }

  @ParameterizedTest
  @ValueSource(strings = {"max-age=10, must-revalidate", "max-age=10, proxy-revalidate", "s-maxage=10"})
  void rfc9111_5_2_2_revalidationDirectives_forbidStaleWhileRevalidate(String directive) {
    String cacheControl = directive + ", stale-while-revalidate=60, stale-if-error=60";
    Gate gate = new Gate();
    originFirst(cacheControl, request -> gate.opened().onComplete(go ->
        answer(request, 304, "", "Cache-Control", cacheControl, "ETag", "\"v1\"")));
    get("/mr");
    advance(Duration.ofSeconds(15));

    Future<Reply> waiting = sendAsync(HttpMethod.GET, "/mr");
    awaitOrigin(2);

    assertThat(waiting.isComplete()).as("served stale although " + directive + " forbids it").isFalse();
    gate.open();
    assertThat(member(await(waiting))).isEqualTo("paintbox-edge; fwd=stale; fwd-status=304; ttl=10");
  }

  @ParameterizedTest
  @ValueSource(strings = {"max-age=10, must-revalidate", "max-age=10, proxy-revalidate", "s-maxage=10"})
  void rfc9111_5_2_2_revalidationDirectives_forbidStaleIfError(String directive) {
    String cacheControl = directive + ", stale-while-revalidate=60, stale-if-error=60";
    originFirst(cacheControl, request -> answer(request, 503, "down"));
    get("/mr");
    advance(Duration.ofSeconds(15));

    Reply error = get("/mr");

    assertThat(error.status()).isEqualTo(503);
    assertThat(error.body()).isEqualTo("down");
    assertThat(member(error)).isEqualTo("paintbox-edge; fwd=stale; fwd-status=503; detail=status");
  }
}
