package com.paintbox.edge.jwks;

import com.paintbox.edge.http.EdgeResponses;
import com.paintbox.edge.http.HttpDate;
import com.paintbox.edge.config.JwksConfig;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.Optional;

/**
 * {@code GET|HEAD /.well-known/jwks.json}. One instance per event loop, so its per-second memos need no locks.
 *
 * <p>Everything that depends only on the configuration or on the JWKS is computed before the first request: header
 * names and values, the body and its gzip form, the ETags. What changes once a second ({@code Date}, {@code Age}, the
 * {@code ttl} in {@code Cache-Status}) is folded into a read-only header map per kind of answer, rebuilt when the
 * second turns.
 * Per request there is the cache lookup (no future while the JWKS in memory is servable), two header parses
 * ({@code Accept-Encoding}, {@code If-None-Match}) and the write: Vert.x references the shared map instead of
 * copying it, and with {@code vertx.cacheImmutableHttpResponseHeaders} (set by {@code EdgeMain}) writes its bytes
 * rendered once.
 */
public final class JwksHandler implements Handler<HttpServerRequest> {

  static final CharSequence CACHE_STATUS = HttpHeaders.createOptimized("Cache-Status");
  static final CharSequence CDN_CACHE_CONTROL = HttpHeaders.createOptimized("CDN-Cache-Control");
  static final CharSequence SURROGATE_CONTROL = HttpHeaders.createOptimized("Surrogate-Control");
  static final CharSequence SURROGATE_KEY = HttpHeaders.createOptimized("Surrogate-Key");
  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
  private static final CharSequence GZIP = HttpHeaders.createOptimized("gzip");
  private static final CharSequence ACCEPT_ENCODING = HttpHeaders.createOptimized("Accept-Encoding");
  private static final CharSequence ALLOWED = HttpHeaders.createOptimized("GET, HEAD");
  /** The fallback is a stopgap: downstream caches may keep it briefly, not for the JWKS's windows. */
  private static final CharSequence FALLBACK_CACHE_CONTROL = HttpHeaders.createOptimized("public, max-age=60");
  private static final CharSequence FALLBACK_TARGETED = HttpHeaders.createOptimized("max-age=60");
  private static final String CACHE_NAME = "paintbox-edge; ";

  private final JwksCache cache;
  private final JwksEvents events;
  private final CharSequence cacheControl;
  private final Optional<CharSequence> cdnCacheControl;
  private final Optional<CharSequence> surrogateControl;
  private final Optional<CharSequence> surrogateKey;

  /** Indexed by {@code (gzip ? 1 : 0) + (304 ? 2 : 0)}. */
  private final HeaderBlock[] blocks = {
      new HeaderBlock(false, false), new HeaderBlock(true, false), new HeaderBlock(false, true),
      new HeaderBlock(true, true)};

  public JwksHandler(JwksCache cache, JwksConfig config, JwksEvents events) {
    this.cache = cache;
    this.events = events;
    this.cacheControl = HttpHeaders.createOptimized(config.cacheControl());
    this.cdnCacheControl = config.cdnCacheControl().map(HttpHeaders::createOptimized);
    this.surrogateControl = config.surrogateControl().map(HttpHeaders::createOptimized);
    this.surrogateKey = config.surrogateKey().map(HttpHeaders::createOptimized);
  }

  @Override
  public void handle(HttpServerRequest request) {
    long started = System.nanoTime();
    HttpMethod method = request.method();
    if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
      EdgeResponses.error(request.response().putHeader(HttpHeaders.ALLOW, ALLOWED), 405, "method_not_allowed",
          "use GET or HEAD");
      return;
    }
    Lookup now = cache.lookupNow();
    if (now != null) {
      answer(request, now, started); // the JWKS in memory: no future, no callback
    } else {
      cache.lookup().onComplete(done -> answer(request, done.succeeded() ? done.result() : null, started));
    }
  }

  private void answer(HttpServerRequest request, Lookup lookup, long started) {
    if (lookup == null || lookup.outcome() == Outcome.UNAVAILABLE) {
      unavailable(request.response(), lookup == null ? 1 : lookup.retryAfterSeconds());
    } else {
      serve(request, lookup);
    }
    events.requestServed(lookup == null ? Outcome.UNAVAILABLE : lookup.outcome(), System.nanoTime() - started);
  }

  private void serve(HttpServerRequest request, Lookup lookup) {
    JwksDocument document = lookup.document();
    MultiMap in = request.headers();
    boolean gzip = acceptsGzip(in.get(ACCEPT_ENCODING));
    boolean notModified = EntityTags.anyMatch(in.get(HttpHeaders.IF_NONE_MATCH), document);
    HttpServerResponse response = request.response();
    // One shared, read-only header map: Vert.x references it instead of copying, and writes its rendered bytes.
    response.headers().setAll(headers(lookup, gzip, notModified));
    if (notModified) {
      response.setStatusCode(304).end();
    } else if (request.method() == HttpMethod.HEAD) {
      response.end();
    } else {
      response.end(document.body(gzip));
    }
  }

  /** Every header of the answer for {@code lookup}: read-only, shared until the second turns. */
  MultiMap headers(Lookup lookup, boolean gzip, boolean notModified) {
    return blocks[(gzip ? 1 : 0) + (notModified ? 2 : 0)].headers(lookup);
  }

  /**
   * Every header of one kind of answer ({@code gzip} or not, 200 or 304), as a read-only map rebuilt only when
   * something in it changes: the JWKS, the outcome, or the second ({@code Age} and the {@code ttl} in
   * {@code Cache-Status}). Requests in between share it. One per kind per event loop, so no locks.
   */
  private final class HeaderBlock {

    private final boolean gzip;
    private final boolean notModified;
    private JwksDocument document;
    private Outcome outcome;
    private long age = Long.MIN_VALUE;
    private long ttl = Long.MIN_VALUE;
    private CharSequence date;
    private MultiMap headers;

    HeaderBlock(boolean gzip, boolean notModified) {
      this.gzip = gzip;
      this.notModified = notModified;
    }

    MultiMap headers(Lookup lookup) {
      CharSequence now = HttpDate.now(); // one instance per wall-clock second
      if (lookup.document() != document || lookup.outcome() != outcome || lookup.ageSeconds() != age
          || lookup.ttlSeconds() != ttl || now != date) {
        headers = build(lookup, now, gzip, notModified).copy(false);
        document = lookup.document();
        outcome = lookup.outcome();
        age = lookup.ageSeconds();
        ttl = lookup.ttlSeconds();
        date = now;
      }
      return headers;
    }
  }

  private MultiMap build(Lookup lookup, CharSequence date, boolean gzip, boolean notModified) {
    JwksDocument document = lookup.document();
    boolean fallback = lookup.outcome() == Outcome.FALLBACK || lookup.outcome() == Outcome.FALLBACK_AFTER_MISS;
    MultiMap headers = HttpHeaders.headers();
    // RFC 9110 §6.6.1: an origin with a clock sends Date; caches read the answer's age from it and Age together.
    headers.set(HttpHeaders.DATE, date);
    headers.set(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON);
    headers.set(HttpHeaders.ETAG, document.etag(gzip));
    headers.set(HttpHeaders.VARY, ACCEPT_ENCODING);
    if (fallback) {
      headers.set(HttpHeaders.CACHE_CONTROL, FALLBACK_CACHE_CONTROL);
      cdnCacheControl.ifPresent(ignored -> headers.set(CDN_CACHE_CONTROL, FALLBACK_TARGETED));
      surrogateControl.ifPresent(ignored -> headers.set(SURROGATE_CONTROL, FALLBACK_TARGETED));
    } else {
      headers.set(HttpHeaders.CACHE_CONTROL, cacheControl);
      cdnCacheControl.ifPresent(value -> headers.set(CDN_CACHE_CONTROL, value));
      surrogateControl.ifPresent(value -> headers.set(SURROGATE_CONTROL, value));
      headers.set(HttpHeaders.AGE, HttpHeaders.createOptimized(Long.toString(lookup.ageSeconds())));
    }
    surrogateKey.ifPresent(value -> headers.set(SURROGATE_KEY, value));
    headers.set(CACHE_STATUS, cacheStatus(lookup));
    if (!notModified) {
      if (gzip) {
        headers.set(HttpHeaders.CONTENT_ENCODING, GZIP);
      }
      headers.set(HttpHeaders.CONTENT_LENGTH, document.contentLength(gzip));
    }
    return headers;
  }

  private static CharSequence cacheStatus(Lookup lookup) {
    Outcome outcome = lookup.outcome();
    String parameters = outcome.fromMemory() ? "hit; ttl=" + lookup.ttlSeconds() : outcome.cacheStatus();
    return HttpHeaders.createOptimized(CACHE_NAME + parameters);
  }

  private static void unavailable(HttpServerResponse response, long retryAfterSeconds) {
    response.putHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfterSeconds));
    EdgeResponses.error(response, 503, "jwks_unavailable",
        "no JWKS can be served yet; retry after " + retryAfterSeconds + " s");
  }

  /**
   * True when {@code Accept-Encoding} lists {@code gzip} or {@code *} with a non-zero weight (RFC 9110 §12.5.3).
   * Runs per request, so it scans the header in place rather than splitting it.
   */
  static boolean acceptsGzip(String header) {
    if (header == null) {
      return false;
    }
    boolean wildcard = false;
    int start = 0;
    while (start < header.length()) {
      int end = header.indexOf(',', start);
      if (end < 0) {
        end = header.length();
      }
      int semicolon = header.indexOf(';', start);
      int tokenEnd = semicolon >= 0 && semicolon < end ? semicolon : end;
      String coding = header.substring(start, tokenEnd).trim();
      boolean allowed = semicolon < 0 || semicolon >= end || !zeroWeight(header.substring(semicolon + 1, end));
      if (coding.equalsIgnoreCase("gzip") || coding.equalsIgnoreCase("x-gzip")) {
        return allowed;
      }
      if (coding.equals("*")) {
        wildcard = allowed;
      }
      start = end + 1;
    }
    return wildcard;
  }

  private static boolean zeroWeight(String parameters) {
    for (String parameter : parameters.split(";")) {
      String p = parameter.trim();
      if (p.length() > 2 && (p.charAt(0) == 'q' || p.charAt(0) == 'Q') && p.charAt(1) == '=') {
        try {
          return Double.parseDouble(p.substring(2).trim()) == 0.0;
        } catch (NumberFormatException e) {
          return false;
        }
      }
    }
    return false;
  }
}
