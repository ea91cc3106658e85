package com.paintbox.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 9111 §4.4: a non-error response to an unsafe request invalidates the target URI and the same-host URIs in
 * its Location and Content-Location; errors, safe methods and other hosts' URIs invalidate nothing. Requests with a
 * body take the engine transport, without one the direct one: both are run.
 */
class InvalidationTest extends ShieldTestBase {

  /** What the origin answers an unsafe request: status and headers, by path. */
  private final Map<String, String[]> unsafeAnswers = new ConcurrentHashMap<>();
  private final Map<String, Integer> unsafeStatus = new ConcurrentHashMap<>();

  /** GET and HEAD: a cacheable page; other methods: what the test scripted for the path (default 200). */
  private void scriptOrigin() {
    origin(request -> request.body().onComplete(read -> {
      if (request.method() == HttpMethod.GET || request.method() == HttpMethod.HEAD) {
        answer(request, 200, "page " + request.path(), safeHeaders(request));
      } else {
        answer(request, unsafeStatus.getOrDefault(request.path(), 200), "done",
            unsafeAnswers.getOrDefault(request.path(), new String[0]));
      }
    }));
  }

  private String[] safeHeaders(HttpServerRequest request) {
    String[] extra = unsafeAnswers.get("GET " + request.path());
    String[] base = {"Cache-Control", "max-age=600"};
    if (extra == null) {
      return base;
    }
    String[] all = new String[base.length + extra.length];
    System.arraycopy(base, 0, all, 0, base.length);
    System.arraycopy(extra, 0, all, base.length, extra.length);
    return all;
  }

  private Reply unsafe(HttpMethod method, String uri, boolean withBody) {
    return withBody ? sendWithBody(method, uri, "{\"x\":1}", "Content-Type", "application/json") : send(method, uri);
  }

  private void assertHit(String uri) {
    assertThat(member(get(uri))).as(uri + " still stored").startsWith("paintbox-edge; hit;");
  }

  private void assertMiss(String uri) {
    assertThat(member(get(uri))).as(uri + " invalidated")
        .isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=600");
  }

  @ParameterizedTest
  @CsvSource({"POST, false", "POST, true", "PUT, true", "DELETE, false", "PATCH, true", "PATCH, false"})
  void rfc9111_4_4_successfulUnsafeRequest_invalidatesTheTargetUri(String method, boolean withBody) {
    scriptOrigin();
    get("/doc");
    get("/doc?page=2");
    assertHit("/doc");

    Reply answered = unsafe(HttpMethod.valueOf(method), "/doc", withBody);

    assertThat(answered.status()).isEqualTo(200);
    assertMiss("/doc");
    assertHit("/doc?page=2"); // another target URI: the query is part of it
    assertThat(originCount("/doc")).isEqualTo(4); // GET, GET ?page=2, the unsafe one, GET again
  }

  @ParameterizedTest
  @ValueSource(ints = {201, 204, 303})
  void rfc9111_4_4_unsafeRequestAnswered2xxOr3xx_invalidates(int status) {
    scriptOrigin();
    unsafeStatus.put("/doc", status);
    unsafeAnswers.put("/doc", new String[] {"Location", "/elsewhere"});
    get("/doc");

    Reply answered = send(HttpMethod.POST, "/doc");

    assertThat(answered.status()).isEqualTo(status);
    assertMiss("/doc");
  }

  @Test
  void rfc9111_4_4_locationAndContentLocationOnTheSameHost_areInvalidated() {
    scriptOrigin();
    unsafeStatus.put("/form", 201);
    unsafeAnswers.put("/form", new String[] {"Location", "/doc/a",
        "Content-Location", "http://" + authority() + "/doc/b?v=1"});
    get("/doc/a");
    get("/doc/b?v=1");
    get("/doc/c");

    send(HttpMethod.POST, "/form");

    assertMiss("/doc/a");
    assertMiss("/doc/b?v=1");
    assertHit("/doc/c");
  }

  @Test
  void rfc9111_4_4_relativeLocation_resolvedAgainstTheTargetUri() {
    scriptOrigin();
    unsafeAnswers.put("/blog/post/edit", new String[] {"Location", "../index", "Content-Location", "./edit?saved=1"});
    get("/blog/index");
    get("/blog/post/edit?saved=1");

    send(HttpMethod.POST, "/blog/post/edit");

    assertMiss("/blog/index");
    assertMiss("/blog/post/edit?saved=1");
  }

  @Test
  void rfc9111_4_4_locationOnAnotherHost_isLeftAlone() {
    scriptOrigin();
    unsafeStatus.put("/form", 201);
    unsafeAnswers.put("/form", new String[] {"Location", "http://other.example/doc",
        "Content-Location", "https://other.example/doc"});
    getAs("other.example", "/doc");
    get("/doc");

    send(HttpMethod.POST, "/form");

    assertThat(member(getAs("other.example", "/doc"))).startsWith("paintbox-edge; hit;");
    assertHit("/doc"); // the same path on the host the request was for: not named by those URIs either
  }

  @ParameterizedTest
  @ValueSource(ints = {400, 404, 409, 500, 503})
  void rfc9111_4_4_errorAnswerToAnUnsafeRequest_invalidatesNothing(int status) {
    scriptOrigin();
    unsafeStatus.put("/doc", status);
    unsafeAnswers.put("/doc", new String[] {"Location", "/doc/a", "Content-Location", "/doc/b"});
    get("/doc");
    get("/doc/a");
    get("/doc/b");

    assertThat(send(HttpMethod.DELETE, "/doc").status()).isEqualTo(status);
    assertThat(sendWithBody(HttpMethod.POST, "/doc", "x").status()).isEqualTo(status);

    assertHit("/doc");
    assertHit("/doc/a");
    assertHit("/doc/b");
  }

  @Test
  void rfc9111_4_4_safeMethods_invalidateNothing() {
    scriptOrigin();
    unsafeAnswers.put("/doc", new String[] {"Location", "/doc/a", "Content-Location", "/doc/b"});
    unsafeAnswers.put("GET /other", new String[] {"Location", "/doc/a", "Content-Location", "/doc/b"});
    get("/doc");
    get("/doc/a");
    get("/doc/b");

    assertThat(send(HttpMethod.OPTIONS, "/doc").status()).isEqualTo(200);
    assertThat(get("/other").status()).isEqualTo(200);
    assertThat(send(HttpMethod.HEAD, "/other?head").status()).isEqualTo(200);
    assertThat(get("/doc", "Cache-Control", "no-cache").status()).isEqualTo(200);

    assertHit("/doc");
    assertHit("/doc/a");
    assertHit("/doc/b");
    assertThat(originCount("/doc")).isEqualTo(2); // the first GET and the OPTIONS
  }

  /** A POST with a body takes vertx-http-proxy (EngineExchange), one without the direct exchange: both say it. */
  @ParameterizedTest
  @ValueSource(booleans = {false, true})
  void rfc9211_2_2_unsafeRequest_forwardedForItsMethod_saysFwdMethodOnBothTransports(boolean withBody) {
    scriptOrigin();

    Reply answered = unsafe(HttpMethod.POST, "/doc", withBody);

    assertThat(answered.status()).isEqualTo(200);
    assertThat(member(answered)).isEqualTo("paintbox-edge; fwd=method");
  }
}
