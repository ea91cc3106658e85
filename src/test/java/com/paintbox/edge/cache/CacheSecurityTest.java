package com.paintbox.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * Attacks on the origin shield, one test per attack, named after what it stops: one client's private answer (or
 * session cookie) reaching another, sequentially and through collapsed fills; unkeyed request fields poisoning an
 * entry; RSC flight payloads and HTML crossing; the Next.js advisories the shield defuses; purges without the admin
 * token; and the cache key leaking through {@code Cache-Status}.
 *
 * <p>Origins here answer every request with a body naming a per-request id ({@code user-<n>}) and, where a
 * cookie is involved, {@code Set-Cookie: session=<n>}, so a reply says exactly which origin answer it carries.
 * Collapsing cases hold the origin's first answer until ten requests for the URL wait on the edge's fill.
 */
class CacheSecurityTest extends ShieldTestBase {

  /** Concurrent clients in the collapsing cases. */
  private static final int CLIENTS = 10;
  private static final String ADMIN_TOKEN = "correct-horse-battery-staple-0123";

  /**
   * Every request of this class goes through {@link EdgeRequests} (no lost bodies), and every reply is checked:
   * the edge's member never carries {@code key}.
   */
  @Override
  protected Future<Reply> sendAsync(HttpMethod method, String uri, String... headers) {
    return checked(client, EdgeRequests.options(method, uri, headers), null);
  }

  // ---- private and Set-Cookie answers never reach a second client ----

  @Test
  void privateAnswer_secondClientNeverReceivesTheFirstClientsPage() {
    perUserOrigin(null, "Cache-Control", "private, max-age=60");

    Reply alice = get("/account");
    Reply bob = get("/account");

    assertThat(alice.body()).isEqualTo("user-1");
    assertThat(bob.body()).isEqualTo("user-2");
    assertThat(member(bob)).contains("fwd=").contains("detail=private").doesNotContain("hit");
    assertThat(originCount("/account")).isEqualTo(2);
  }

  @Test
  void setCookieAnswerMarkedPublic_secondClientNeverReceivesTheSessionOrThePage() {
    perUserOrigin("session", "Cache-Control", "public, max-age=60");

    Reply alice = get("/account");
    Reply bob = get("/account");

    assertThat(alice.header("Set-Cookie")).isEqualTo("session=1");
    assertThat(bob.header("Set-Cookie")).isEqualTo("session=2");
    assertThat(bob.body()).isEqualTo("user-2");
    assertThat(member(bob)).contains("detail=set-cookie");
    assertThat(originCount("/account")).isEqualTo(2);
  }

  @Test
  void privateAnswerDuringCollapsing_waitersNeverReceiveTheLeadersPage() {
    Gate gate = new Gate();
    heldPerUserOrigin(gate, null, "Cache-Control", "private, max-age=60");

    List<Reply> replies = collapsed("/account", gate);

    assertEachGotItsOwnAnswer(replies);
    assertThat(originCount("/account")).isEqualTo(CLIENTS);
    assertThat(get("/account").body()).isEqualTo("user-" + (CLIENTS + 1));
  }

  @Test
  void setCookieAnswerMarkedPublicDuringCollapsing_waitersNeverReceiveTheLeadersSession() {
    Gate gate = new Gate();
    heldPerUserOrigin(gate, "session", "Cache-Control", "public, max-age=60");

    List<Reply> replies = collapsed("/account", gate);

    assertEachGotItsOwnAnswer(replies);
    for (Reply reply : replies) {
      String id = reply.body().substring("user-".length());
      assertThat(reply.headers().getAll("Set-Cookie")).as("the cookie of the reply with %s", reply.body())
          .containsExactly("session=" + id);
    }
    assertThat(originCount("/account")).isEqualTo(CLIENTS);
    Reply later = get("/account");
    assertThat(later.header("Set-Cookie")).isEqualTo("session=" + (CLIENTS + 1));
    assertThat(later.body()).isEqualTo("user-" + (CLIENTS + 1));
  }

  @Test
  void qualifiedPrivateSetCookie_storedWithoutTheCookie_waitersAndLaterHitsNeverSeeTheLeadersSession() {
    Gate gate = new Gate();
    AtomicInteger calls = new AtomicInteger();
    origin(request -> {
      int id = calls.incrementAndGet();
      gate.opened().onComplete(open -> answer(request, 200, "page-" + id,
          "Cache-Control", "public, max-age=60, private=\"set-cookie\"", "Set-Cookie", "session=" + id));
    });

    List<Reply> replies = collapsed("/home", gate);
    Reply hit = get("/home");

    // The page is shared by the origin's own word; only the cookie was the leader's.
    assertThat(replies).extracting(Reply::body).containsOnly("page-1");
    assertThat(replies.stream().filter(reply -> reply.header("Set-Cookie") != null).toList())
        .singleElement().satisfies(leader -> assertThat(leader.header("Set-Cookie")).isEqualTo("session=1"));
    assertThat(replies.stream().filter(reply -> member(reply).contains("collapsed")).count())
        .isEqualTo(CLIENTS - 1);
    assertThat(member(hit)).startsWith("paintbox-edge; hit");
    assertThat(hit.body()).isEqualTo("page-1");
    assertThat(hit.header("Set-Cookie")).isNull();
    assertThat(originCount("/home")).isEqualTo(1);
  }

  /** A per-user page the origin marks shareable per Cookie: collapsed waiters with other cookies get their own. */
  @Test
  void perUserPageVaryingOnCookieDuringCollapsing_waitersWithOtherCookiesNeverReceiveTheLeadersPage() {
    Gate gate = new Gate();
    origin(request -> gate.opened().onComplete(open -> answer(request, 200, "page of " + request.getHeader("Cookie"),
        "Cache-Control", "max-age=60", "Vary", "Cookie")));

    List<Future<Reply>> pending = new ArrayList<>();
    for (int i = 1; i <= CLIENTS; i++) {
      pending.add(checked(wide(), EdgeRequests.options(HttpMethod.GET, "/home", "Cookie", "session=" + i), null));
    }
    awaitOrigin(1);
    awaitWaiters(CLIENTS);
    gate.open();
    List<Reply> replies = all(pending);

    for (int i = 1; i <= CLIENTS; i++) {
      assertThat(replies.get(i - 1).body()).isEqualTo("page of session=" + i);
    }
    assertThat(originCount("/home")).isEqualTo(CLIENTS);
    assertThat(get("/home", "Cookie", "session=3").body()).isEqualTo("page of session=3");
    assertThat(originCount("/home")).isEqualTo(CLIENTS);
  }

  /**
   * A session cookie on a 304 (express-session's rolling sessions put one on every answer) belongs to the request
   * that revalidated. Waiters collapsed onto that revalidation are served the stored page, and must not get it.
   */
  @Test
  void setCookieOnA304DuringCollapsedRevalidation_waitersNeverReceiveTheLeadersSession() {
    Gate gate = new Gate();
    AtomicInteger calls = new AtomicInteger();
    origin(request -> {
      int id = calls.incrementAndGet();
      if (id == 1) {
        answer(request, 200, "page", "Cache-Control", "max-age=10", "ETag", "\"v1\"");
        return;
      }
      gate.opened().onComplete(open -> {
        if ("\"v1\"".equals(request.getHeader("If-None-Match"))) {
          answer(request, 304, "", "Cache-Control", "max-age=10", "ETag", "\"v1\"", "Set-Cookie", "session=" + id);
        } else {
          answer(request, 200, "page", "Cache-Control", "max-age=10", "ETag", "\"v1\"", "Set-Cookie",
              "session=" + id);
        }
      });
    });
    get("/home");
    advance(Duration.ofSeconds(11));

    List<Reply> replies = collapsed("/home", gate);

    assertThat(replies).extracting(Reply::body).containsOnly("page");
    assertThat(replies.stream().filter(reply -> reply.header("Set-Cookie") != null))
        .as("replies carrying the Set-Cookie of the 304 the revalidating request got (it alone may)")
        .hasSizeLessThanOrEqualTo(1);
  }

  // ---- unkeyed request fields cannot poison an entry ----

  @Test
  void forwardedHostInjection_cannotPoisonTheEntry() {
    assertForwardedHostCannotPoison();
  }

  @Test
  @EdgeSettings("EDGE_TRUST_FORWARDED=true")
  void forwardedHostInjection_withForwardedHeadersTrusted_cannotPoisonTheEntry() {
    assertForwardedHostCannotPoison();
  }

  /**
   * RFC 7239's {@code Forwarded} says the same as X-Forwarded-Host, and origins that read it (Spring's
   * ForwardedHeaderFilter, Symfony, Rails) build absolute URLs from its {@code host=}: it must not reach them as the
   * client wrote it, or the answer must not be stored under the real host's key.
   */
  @Test
  void forwardedFieldHostInjection_cannotPoisonTheEntry() {
    origin(request -> {
      String forwarded = request.getHeader("Forwarded");
      String host = forwarded != null && forwarded.contains("host=")
          ? forwarded.substring(forwarded.indexOf("host=") + 5).split("[;,]")[0]
          : request.getHeader("X-Forwarded-Host");
      answer(request, 200, "page for " + host, "Cache-Control", "max-age=60");
    });

    Reply attack = get("/page", "Forwarded", "host=evil.example;proto=https");
    Reply victim = get("/page");

    assertThat(victim.body()).as("the page a normal request gets after the attack (the attack's: %s)", attack.body())
        .isEqualTo("page for " + authority());
  }

  @Test
  void originalUrlOverride_cannotPoisonTheEntry() {
    assertOverrideBypassesAndStoresNothing("X-Original-URL", "/admin");
  }

  @Test
  void rewriteUrlOverride_cannotPoisonTheEntry() {
    assertOverrideBypassesAndStoresNothing("X-Rewrite-URL", "/admin");
  }

  @Test
  void methodOverrideToDelete_bypassesTheCacheAndStoresNothing() {
    assertOverrideBypassesAndStoresNothing("X-HTTP-Method-Override", "DELETE");
  }

  @Test
  void forgedHost_getsItsOwnEntry_neverServedToTheRealHost() {
    reflectingOrigin();

    Reply forged = getAs("evil.example", "/page");
    Reply real = get("/page");
    Reply forgedAgain = getAs("evil.example", "/page");
    Reply realAgain = get("/page");

    assertThat(forged.body()).isEqualTo("page for evil.example");
    assertThat(real.body()).isEqualTo("page for " + authority());
    assertThat(member(real)).startsWith("paintbox-edge; fwd=uri-miss");
    assertThat(forgedAgain.body()).isEqualTo("page for evil.example");
    assertThat(realAgain.body()).isEqualTo("page for " + authority());
    assertThat(member(realAgain)).startsWith("paintbox-edge; hit");
    assertThat(originCount("/page")).isEqualTo(2);
  }

  @Test
  @EdgeSettings("EDGE_TRUST_FORWARDED=true")
  void httpToHttpsRedirectStoredForHttp_neverReachesHttps() {
    origin(request -> {
      if ("http".equals(request.getHeader("X-Forwarded-Proto"))) {
        answer(request, 301, "", "Location", "https://paintbox.app/page", "Cache-Control", "max-age=60");
      } else {
        answer(request, 200, "secure page", "Cache-Control", "max-age=60");
      }
    });

    Reply http = get("/page", "X-Forwarded-Proto", "http");
    Reply https = get("/page", "X-Forwarded-Proto", "https");
    Reply httpAgain = get("/page", "X-Forwarded-Proto", "http");
    Reply httpsAgain = get("/page", "X-Forwarded-Proto", "https");

    assertThat(http.status()).isEqualTo(301);
    assertThat(https.status()).isEqualTo(200);
    assertThat(https.body()).isEqualTo("secure page");
    assertThat(member(https)).startsWith("paintbox-edge; fwd=uri-miss");
    assertThat(httpAgain.status()).isEqualTo(301);
    assertThat(member(httpAgain)).startsWith("paintbox-edge; hit");
    assertThat(httpsAgain.status()).isEqualTo(200);
    assertThat(httpsAgain.body()).isEqualTo("secure page");
    assertThat(member(httpsAgain)).startsWith("paintbox-edge; hit");
    assertThat(originCount("/page")).isEqualTo(2);
  }

  // ---- RSC flight payloads and HTML never cross ----

  @Test
  void rscPayloadPoisoning_pageFirst_rscRequestNeverGetsHtmlNorPageTheFlight() {
    forgetfulNextOrigin();

    Reply page = get("/page");
    Reply rsc = get("/page", "RSC", "1");
    Reply pageAgain = get("/page");
    Reply rscAgain = get("/page", "RSC", "1");

    assertHtml(page);
    assertFlight(rsc);
    assertHtml(pageAgain);
    assertFlight(rscAgain);
    assertThat(member(pageAgain)).startsWith("paintbox-edge; hit");
    assertThat(member(rscAgain)).startsWith("paintbox-edge; hit");
    assertThat(originCount("/page")).isEqualTo(2);
  }

  @Test
  void rscPayloadPoisoning_rscFirst_pageRequestNeverGetsTheFlight() {
    forgetfulNextOrigin();

    Reply rsc = get("/page", "RSC", "1");
    Reply page = get("/page");
    Reply rscAgain = get("/page", "RSC", "1");
    Reply pageAgain = get("/page");

    assertFlight(rsc);
    assertHtml(page);
    assertFlight(rscAgain);
    assertHtml(pageAgain);
    assertThat(originCount("/page")).isEqualTo(2);
  }

  @Test
  void rscPayloadPoisoning_withTheRscQuery_inEitherOrder_neverCrosses() {
    forgetfulNextOrigin();

    assertFlight(get("/page?_rsc=a1", "RSC", "1"));
    assertHtml(get("/page?_rsc=a1"));
    assertFlight(get("/page?_rsc=a1", "RSC", "1"));
    assertHtml(get("/page?_rsc=a1"));

    assertHtml(get("/page?_rsc=b2"));
    assertFlight(get("/page?_rsc=b2", "RSC", "1"));
    assertHtml(get("/page?_rsc=b2"));
    assertFlight(get("/page?_rsc=b2", "RSC", "1"));

    assertThat(originCount("/page")).isEqualTo(4);
  }

  @Test
  void flightPayloadAnsweringAPageRequest_isNeverStored() {
    originAnswersDated(200, "flight", "Content-Type", "text/x-component", "Cache-Control", "max-age=60");

    Reply first = get("/page");
    Reply second = get("/page");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=rsc-mismatch");
    assertThat(member(second)).doesNotContain("hit");
    assertThat(originCount("/page")).isEqualTo(2);
  }

  @Test
  void htmlAnsweringAnRscRequest_isNeverStored() {
    originAnswersDated(200, "<html>", "Content-Type", "text/html", "Cache-Control", "max-age=60");

    Reply first = get("/page", "RSC", "1");
    Reply second = get("/page", "RSC", "1");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=rsc-mismatch");
    assertThat(member(second)).doesNotContain("hit");
    assertThat(originCount("/page")).isEqualTo(2);
  }

  // ---- the other Next.js advisories ----

  /** CVE-2025-29927: the header that skips Next.js middleware, authentication included, on every path to the origin. */
  @Test
  void middlewareSubrequestHeader_neverReachesTheOrigin() {
    originAnswersDated(200, "page", "Cache-Control", "max-age=60");
    String header = "middleware:middleware:middleware:middleware:middleware";

    get("/miss", "x-middleware-subrequest", header);
    send(HttpMethod.HEAD, "/head-miss", "X-Middleware-Subrequest", header);
    get("/bypass", "X-Middleware-Subrequest", header, "X-Original-URL", "/bypass");
    send(HttpMethod.POST, "/post", "X-MIDDLEWARE-SUBREQUEST", header);
    await(checked(client, EdgeRequests.options(HttpMethod.POST, "/post-body", "x-middleware-subrequest", header),
        "form=1"));
    get("/miss", "x-middleware-subrequest", header); // a hit: nothing goes forward at all

    assertThat(origin.seen()).hasSize(5);
    origin.seen().forEach(seen -> assertThat(seen.headers().names())
        .as("headers reaching the origin for %s %s", seen.method(), seen.uri())
        .noneMatch(name -> name.equalsIgnoreCase("x-middleware-subrequest")));
  }

  /** CVE-2023-46298: an empty middleware-prefetch answer ({@code {}}) stored as the page. */
  @Test
  void middlewarePrefetchAnswer_isNeverStored() {
    origin(request -> {
      if (request.headers().contains("x-middleware-prefetch")) {
        answer(request, 200, "{}", "Content-Type", "application/json", "Cache-Control", "max-age=60");
      } else {
        answer(request, 200, "page", "Content-Type", "text/html", "Cache-Control", "max-age=60");
      }
    });

    Reply prefetch = get("/page", "x-middleware-prefetch", "1");
    Reply page = get("/page");

    assertThat(prefetch.body()).isEqualTo("{}");
    assertThat(member(prefetch)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=prefetch");
    assertThat(page.body()).isEqualTo("page");
    assertThat(originCount("/page")).isEqualTo(2);
  }

  /** CVE-2026-44572: a data request's answer (a redirect turned into x-nextjs-redirect) stored for the page. */
  @Test
  void nextDataRequest_keyedApartFromThePage() {
    origin(request -> {
      if (request.headers().contains("x-nextjs-data")) {
        answer(request, 200, "{\"pageProps\":{}}", "Content-Type", "application/json", "Cache-Control",
            "max-age=60");
      } else {
        answer(request, 200, "<html>page</html>", "Content-Type", "text/html", "Cache-Control", "max-age=60");
      }
    });

    Reply data = get("/page", "x-nextjs-data", "1");
    Reply page = get("/page");
    Reply dataAgain = get("/page", "x-nextjs-data", "1");
    Reply pageAgain = get("/page");

    assertThat(data.body()).isEqualTo("{\"pageProps\":{}}");
    assertThat(page.body()).isEqualTo("<html>page</html>");
    assertThat(member(page)).startsWith("paintbox-edge; fwd=uri-miss");
    assertThat(dataAgain.body()).isEqualTo("{\"pageProps\":{}}");
    assertThat(pageAgain.body()).isEqualTo("<html>page</html>");
    assertThat(member(pageAgain)).startsWith("paintbox-edge; hit");
    assertThat(originCount("/page")).isEqualTo(2);
  }

  @Test
  void redirectWithoutLocation_isNeverStored() {
    originAnswersDated(307, "", "x-nextjs-redirect", "/login", "Cache-Control", "max-age=60");

    Reply first = get("/page", "x-nextjs-data", "1");
    Reply plain = get("/page");
    Reply plainAgain = get("/page");

    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=307; detail=no-location");
    assertThat(member(plain)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=307; detail=no-location");
    assertThat(member(plainAgain)).doesNotContain("hit");
    assertThat(originCount("/page")).isEqualTo(3);
  }

  /** CVE-2025-49826: an empty 204 stored for a page. */
  @Test
  void noContentForAPage_isNeverStored() {
    originAnswersDated(204, "", "Cache-Control", "s-maxage=60");

    Reply first = get("/page");
    Reply second = get("/page");

    assertThat(first.status()).isEqualTo(204);
    assertThat(member(first)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=204; detail=status");
    assertThat(member(second)).doesNotContain("hit");
    assertThat(originCount("/page")).isEqualTo(2);
  }

  // ---- purges need the admin token ----

  @Test
  void purgeWhenNoAdminTokenIsConfigured_refusedWith403_andChangesNothing() {
    originAnswersDated(200, "page", "Cache-Control", "max-age=60");
    get("/page");

    Reply bare = purge(null);
    Reply guessed = purge("Bearer " + ADMIN_TOKEN);

    assertThat(bare.status()).isEqualTo(403);
    assertThat(guessed.status()).isEqualTo(403);
    assertThat(member(get("/page"))).startsWith("paintbox-edge; hit");
    assertThat(originCount("/page")).isEqualTo(1);
  }

  @Test
  @EdgeSettings("EDGE_ADMIN_TOKEN=" + ADMIN_TOKEN)
  void purgeWithAMissingOrWrongToken_refusedWith401_andChangesNothing() {
    originAnswersDated(200, "page", "Cache-Control", "max-age=60");
    get("/page");

    assertThat(purge(null).status()).isEqualTo(401);
    assertThat(purge("Bearer wrong-token-0123456789abcdef").status()).isEqualTo(401);
    assertThat(purge("Bearer " + ADMIN_TOKEN + "x").status()).isEqualTo(401);
    assertThat(purge("Basic " + ADMIN_TOKEN).status()).isEqualTo(401);
    assertThat(member(get("/page"))).startsWith("paintbox-edge; hit");
    assertThat(originCount("/page")).isEqualTo(1);

    // The same purge with the token does purge: the refusals above were about the token, not the request.
    assertThat(purge("Bearer " + ADMIN_TOKEN).status()).isEqualTo(200);
    assertThat(member(get("/page"))).startsWith("paintbox-edge; fwd=uri-miss");
  }

  // ---- the cache key never leaks ----

  @Test
  void cacheKeyDisclosure_noCacheStatusMemberEverCarriesKey() {
    AtomicInteger calls = new AtomicInteger();
    Gate gate = new Gate();
    origin(request -> {
      int id = calls.incrementAndGet();
      switch (request.path()) {
        case "/private" -> answer(request, 200, "mine", "Cache-Control", "private");
        case "/vary" -> answer(request, 200, "v", "Cache-Control", "max-age=60", "Vary", "Accept-Language");
        case "/collapse" -> gate.opened().onComplete(open -> answer(request, 200, "c", "Cache-Control",
            "max-age=60"));
        default -> answer(request, 200, "page-" + id, "Cache-Control", "max-age=10", "ETag", "\"e" + id + "\"",
            "Cache-Status", "origin-cache; fwd=uri-miss");
      }
    });

    List<Reply> replies = new ArrayList<>();
    replies.add(get("/page"));
    replies.add(get("/page"));
    advance(Duration.ofSeconds(11));
    replies.add(get("/page"));
    replies.add(get("/private"));
    replies.add(get("/vary", "Accept-Language", "en"));
    replies.add(get("/vary", "Accept-Language", "fr"));
    replies.add(get("/page", "X-Original-URL", "/x"));
    replies.add(send(HttpMethod.POST, "/page"));
    replies.add(get("/page", "If-None-Match", "\"e2\""));
    replies.addAll(collapsed("/collapse", gate));

    assertThat(replies).allSatisfy(reply -> assertThat(member(reply)).startsWith("paintbox-edge"));
    replies.forEach(CacheSecurityTest::assertNoKeyParameter);
  }

  // ---- helpers ----

  /**
   * An origin answering request n with body {@code user-n} and, when {@code cookie} is set, {@code Set-Cookie:
   * <cookie>=n}; held until {@code gate} opens when there is one.
   */
  private void heldPerUserOrigin(Gate gate, String cookie, String... headers) {
    AtomicInteger calls = new AtomicInteger();
    origin(request -> {
      int id = calls.incrementAndGet();
      Runnable respond = () -> {
        List<String> all = new ArrayList<>(List.of(headers));
        if (cookie != null) {
          all.add("Set-Cookie");
          all.add(cookie + "=" + id);
        }
        answer(request, 200, "user-" + id, all.toArray(String[]::new));
      };
      if (gate == null) {
        respond.run();
      } else {
        Context context = vertx.getOrCreateContext();
        gate.opened().onComplete(open -> context.runOnContext(v -> respond.run()));
      }
    });
  }

  private void perUserOrigin(String cookie, String... headers) {
    heldPerUserOrigin(null, cookie, headers);
  }

  /**
   * {@link #CLIENTS} concurrent GETs of {@code uri}: the gate opens once every one of them waits on the edge's fill
   * (the first reached the origin, the others joined it), so the origin's answer meets a full waiting list.
   */
  private List<Reply> collapsed(String uri, Gate gate) {
    int before = originTotal();
    List<Future<Reply>> replies = new ArrayList<>();
    for (int i = 0; i < CLIENTS; i++) {
      replies.add(checked(wide(), EdgeRequests.options(HttpMethod.GET, uri), null));
    }
    awaitOrigin(before + 1);
    awaitWaiters(CLIENTS);
    assertThat(originTotal()).as("origin requests while %d clients wait", CLIENTS).isEqualTo(before + 1);
    gate.open();
    return all(replies);
  }

  /** Each reply carries a different origin answer (its own), and the leader's (user-1) reached one client only. */
  private static void assertEachGotItsOwnAnswer(List<Reply> replies) {
    assertThat(replies).extracting(Reply::status).containsOnly(200);
    assertThat(replies).extracting(Reply::body).doesNotHaveDuplicates();
    assertThat(replies).extracting(Reply::body).containsOnlyOnce("user-1");
  }

  /** An origin answering 200 with {@code body} and {@code headers} (dated on the test's clock) to every request. */
  private void originAnswersDated(int status, String body, String... headers) {
    origin(request -> answer(request, status, body, headers));
  }

  /** An origin that builds absolute URLs from the X-Forwarded-Host it is told, as Next.js does. */
  private void reflectingOrigin() {
    origin(request -> answer(request, 200, "page for " + request.getHeader("X-Forwarded-Host"),
        "Cache-Control", "max-age=60"));
  }

  private void assertForwardedHostCannotPoison() {
    reflectingOrigin();

    Reply attack = get("/page", "X-Forwarded-Host", "evil.example");
    Reply victim = get("/page");

    assertThat(attack.body()).doesNotContain("evil");
    assertThat(victim.body()).isEqualTo("page for " + authority());
    origin.seen().forEach(seen -> assertThat(seen.headers().getAll("X-Forwarded-Host"))
        .containsExactly(authority()));
  }

  /**
   * An origin that honours {@code field} (answering another URL's or method's resource, cacheable) must never have
   * that answer stored under the request's URL: the request bypasses the cache and the next one misses.
   */
  private void assertOverrideBypassesAndStoresNothing(String field, String value) {
    origin(request -> {
      if (request.headers().contains(field)) {
        answer(request, 200, "overridden by " + field, "Cache-Control", "max-age=60");
      } else {
        answer(request, 200, "page", "Cache-Control", "max-age=60");
      }
    });

    Reply attack = get("/page", field, value);
    Reply victim = get("/page");
    Reply victimAgain = get("/page");

    assertThat(member(attack)).isEqualTo("paintbox-edge; fwd=bypass; detail=override");
    assertThat(victim.body()).isEqualTo("page");
    assertThat(member(victim)).startsWith("paintbox-edge; fwd=uri-miss");
    assertThat(victimAgain.body()).isEqualTo("page");
    assertThat(originCount("/page")).isEqualTo(2);
  }

  /** A Next.js origin that forgets {@code Vary: RSC}: the flight payload for RSC requests, HTML for the rest. */
  private void forgetfulNextOrigin() {
    origin(request -> {
      if ("1".equals(request.getHeader("RSC"))) {
        answer(request, 200, "0:[\"flight\"]", "Content-Type", "text/x-component", "Cache-Control", "max-age=60");
      } else {
        answer(request, 200, "<html>page</html>", "Content-Type", "text/html; charset=utf-8", "Cache-Control",
            "max-age=60");
      }
    });
  }

  private static void assertHtml(Reply reply) {
    assertThat(reply.header("Content-Type")).startsWith("text/html");
    assertThat(reply.body()).isEqualTo("<html>page</html>");
  }

  private static void assertFlight(Reply reply) {
    assertThat(reply.header("Content-Type")).isEqualTo("text/x-component");
    assertThat(reply.body()).isEqualTo("0:[\"flight\"]");
  }

  private Reply purge(String authorization) {
    RequestOptions options = EdgeRequests.options(HttpMethod.POST, "/cache/purge", "Content-Type",
        "application/json");
    if (authorization != null) {
      options.addHeader("Authorization", authorization);
    }
    HttpClient admin = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(edge.edge().adminPort()));
    try {
      return await(EdgeRequests.send(admin, options, "{\"urls\":[\"/page\"]}"));
    } finally {
      await(admin.close());
    }
  }

  /** A GET addressed to the edge under another host name: the Host header, and so the cache key, differ. */
  private Reply getAs(String host, String uri) {
    RequestOptions options = EdgeRequests.options(HttpMethod.GET, uri)
        .setServer(SocketAddress.inetSocketAddress(edge.port(), "127.0.0.1")).setHost(host).setPort(80);
    return await(checked(client, options, null));
  }

  private static Future<Reply> checked(HttpClient client, RequestOptions options, String body) {
    return EdgeRequests.send(client, options, body).map(reply -> {
      assertNoKeyParameter(reply);
      return reply;
    });
  }

  /** RFC 9211 §2.7: {@code key} would tell anyone how to aim at another user's entry. */
  private static void assertNoKeyParameter(Reply reply) {
    String all = reply.header("Cache-Status");
    if (all == null) {
      return;
    }
    String edgeMember = member(reply);
    for (String parameter : edgeMember.split(";")) {
      assertThat(parameter.trim()).as("a parameter of Cache-Status member %s", edgeMember)
          .doesNotStartWith("key");
    }
  }
}
