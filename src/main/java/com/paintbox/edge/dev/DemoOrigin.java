package com.paintbox.edge.dev;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A stand-in for the Paintbox origin in --dev, answering with the headers a self-hosted Next.js app sends, so the
 * origin cache can be watched at work ({@code curl -si} and read {@code Cache-Status}):
 *
 * <ul>
 *   <li>{@code /}: a page, {@code public, max-age=60}: a miss, then hits;</li>
 *   <li>{@code /_next/static/chunks/app-3f9a.js}: a content-hashed asset, {@code immutable} for a year;</li>
 *   <li>{@code /blog/<slug>}: an ISR page ({@code s-maxage=60, stale-while-revalidate=300}, Next's header, plus
 *       the {@code CDN-Cache-Control} that lets the edge serve it stale while it revalidates), varying on the RSC
 *       headers: with {@code RSC: 1} it answers the flight payload ({@code text/x-component}) instead of HTML;
 *       tagged {@code Surrogate-Key: blog post-<slug>} for purges;</li>
 *   <li>{@code /account}: a dynamic page, {@code private, no-cache, no-store}, with a session cookie: never stored;</li>
 *   <li>{@code /hello}: {@code Vary: Accept-Language}, one variant per language;</li>
 *   <li>{@code /clock}: fresh for 5 s, with an ETag that changes every 10 s: stale entries are revalidated (304)
 *       or replaced;</li>
 *   <li>{@code /echo}: the request as the origin saw it, which shows the headers the edge adds.</li>
 * </ul>
 * Every answer carries {@code X-Origin-Request}, a counter, so a hit is plain to see: it repeats the number.
 */
public final class DemoOrigin {

  /** What a person can try, path and what it shows, in the order the class comment gives them. */
  static final List<Map.Entry<String, String>> PAGES = List.of(
      Map.entry("/", "a page, public for 60 s: a miss, then hits"),
      Map.entry("/_next/static/chunks/app-3f9a.js", "a hashed asset, immutable for a year"),
      Map.entry("/blog/hello", "an ISR page, served stale while it revalidates; RSC: 1 for the flight payload"),
      Map.entry("/account", "private, with a cookie: never stored"),
      Map.entry("/hello", "Vary: Accept-Language, one variant per language"),
      Map.entry("/clock", "fresh for 5 s, then revalidated (304) or replaced"),
      Map.entry("/echo", "the request as the origin saw it: the headers the edge adds"));
  private static final String PAGE = "<!doctype html><title>Paintbox (demo origin)</title>"
      + "<h1>Paintbox demo origin</h1><p>This page came through paintbox-edge. Try <a href=\"/echo\">/echo</a>, "
      + "<a href=\"/blog/hello\">/blog/hello</a>, <a href=\"/account\">/account</a>, <a href=\"/hello\">/hello</a>, "
      + "<a href=\"/clock\">/clock</a> and <a href=\"/.well-known/jwks.json\">/.well-known/jwks.json</a>.</p>\n";
  private static final String ISR_CACHE_CONTROL = "s-maxage=60, stale-while-revalidate=300";
  private static final String ISR_CDN_CACHE_CONTROL = "max-age=60, stale-while-revalidate=300";
  private static final String RSC_VARY = "rsc, next-router-state-tree, next-router-prefetch, "
      + "next-router-segment-prefetch";
  /** /clock's ETag changes once per this many seconds. */
  private static final long CLOCK_VERSION_SECONDS = 10;

  private final Vertx vertx;
  private final AtomicLong requests = new AtomicLong();
  private HttpServer server;

  public DemoOrigin(Vertx vertx) {
    Objects.requireNonNull(vertx, "vertx");
    this.vertx = vertx;
  }

  public Future<DemoOrigin> start() {
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(this::handle)
        .listen()
        .map(listening -> {
          server = listening;
          return this;
        });
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.actualPort());
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void handle(HttpServerRequest request) {
    HttpServerResponse response = request.response()
        .putHeader("X-Origin-Request", Long.toString(requests.incrementAndGet()));
    String path = request.path();
    if (path.equals("/echo")) {
      echo(request, response);
    } else if (path.startsWith("/_next/static/")) {
      response.putHeader("Content-Type", "application/javascript; charset=utf-8")
          .putHeader("Cache-Control", "public, max-age=31536000, immutable")
          .end("console.log(\"paintbox " + path + "\");\n");
    } else if (path.startsWith("/blog/")) {
      blog(request, response, path.substring("/blog/".length()));
    } else if (path.equals("/account")) {
      response.putHeader("Content-Type", "text/html; charset=utf-8")
          .putHeader("Cache-Control", "private, no-cache, no-store, max-age=0, must-revalidate")
          .putHeader("Set-Cookie", "session=" + requests.get() + "; Path=/; HttpOnly; SameSite=Lax")
          .end("<!doctype html><h1>Your account</h1><p>Signed in, session " + requests.get() + ".</p>\n");
    } else if (path.equals("/hello")) {
      String language = request.getHeader("Accept-Language");
      boolean french = language != null && language.toLowerCase(Locale.ROOT).startsWith("fr");
      response.putHeader("Content-Type", "text/plain; charset=utf-8")
          .putHeader("Cache-Control", "public, max-age=300")
          .putHeader("Vary", "Accept-Language")
          .end(french ? "Bonjour\n" : "Hello\n");
    } else if (path.equals("/clock")) {
      clock(request, response);
    } else {
      response.putHeader("Content-Type", "text/html; charset=utf-8")
          .putHeader("Cache-Control", "public, max-age=60")
          .end(PAGE);
    }
  }

  private static void echo(HttpServerRequest request, HttpServerResponse response) {
    JsonObject headers = new JsonObject();
    request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(Locale.ROOT), h.getValue()));
    response.putHeader("Content-Type", "application/json")
        .end(new JsonObject().put("method", request.method().name()).put("uri", request.uri())
            .put("headers", headers).encodePrettily());
  }

  private void blog(HttpServerRequest request, HttpServerResponse response, String slug) {
    response.putHeader("Cache-Control", ISR_CACHE_CONTROL)
        .putHeader("CDN-Cache-Control", ISR_CDN_CACHE_CONTROL)
        .putHeader("Vary", RSC_VARY)
        .putHeader("Surrogate-Key", "blog post-" + slug);
    if ("1".equals(request.getHeader("RSC"))) {
      response.putHeader("Content-Type", "text/x-component")
          .end("0:{\"post\":\"" + slug + "\",\"rendered\":\"" + Instant.now() + "\"}\n");
    } else {
      response.putHeader("Content-Type", "text/html; charset=utf-8")
          .end("<!doctype html><h1>" + slug + "</h1><p>Rendered at " + Instant.now() + ".</p>\n");
    }
  }

  private static void clock(HttpServerRequest request, HttpServerResponse response) {
    long version = Instant.now().getEpochSecond() / CLOCK_VERSION_SECONDS;
    String etag = "\"clock-" + version + "\"";
    response.putHeader("Cache-Control", "max-age=5").putHeader("ETag", etag);
    if (etag.equals(request.getHeader("If-None-Match"))) {
      response.setStatusCode(304).end();
      return;
    }
    response.putHeader("Content-Type", "text/plain; charset=utf-8")
        .end("version " + version + " (changes every " + CLOCK_VERSION_SECONDS + " s)\n");
  }
}
