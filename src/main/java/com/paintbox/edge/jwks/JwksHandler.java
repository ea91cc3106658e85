package com.paintbox.edge.jwks;

import com.paintbox.edge.compression.AcceptEncoding;
import com.paintbox.edge.compression.Coding;
import com.paintbox.edge.http.EdgeResponses;
import com.paintbox.edge.http.Fields;
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
 * names and values, the body in every coding offered, the ETags. What changes once a second ({@code Date}, {@code Age}, the
 * {@code ttl} in {@code Cache-Status}) is folded into a read-only header map per kind of answer, rebuilt when the
 * second turns.
 * Per request there is the cache lookup (no future while the JWKS in memory is servable), two header parses
 * ({@code Accept-Encoding}, {@code If-None-Match}) and the write: Vert.x references the shared map instead of
 * copying it, and with {@code vertx.cacheImmutableHttpResponseHeaders} (set by {@code EdgeMain}) writes its bytes
 * rendered once.
 */
public final class JwksHandler implements Handler<HttpServerRequest> {

  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
  /** Content-Encoding values by {@link Coding#ordinal()}. */
  private static final CharSequence[] CODINGS = java.util.Arrays.stream(Coding.values())
      .map(coding -> HttpHeaders.createOptimized(coding.token())).toArray(CharSequence[]::new);
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

  /** Indexed by {@code coding.ordinal() * 2 + (304 ? 1 : 0)}. */
  private final HeaderBlock[] blocks = new HeaderBlock[Coding.values().length * 2];

  public JwksHandler(JwksCache cache, JwksConfig config, JwksEvents events) {
    this.cache = cache;
    this.events = events;
    this.cacheControl = HttpHeaders.createOptimized(config.cacheControl());
    this.cdnCacheControl = config.cdnCacheControl().map(HttpHeaders::createOptimized);
    this.surrogateControl = config.surrogateControl().map(HttpHeaders::createOptimized);
    this.surrogateKey = config.surrogateKey().map(HttpHeaders::createOptimized);
    for (Coding coding : Coding.values()) {
      blocks[coding.ordinal() * 2] = new HeaderBlock(coding, false);
      blocks[coding.ordinal() * 2 + 1] = new HeaderBlock(coding, true);
    }
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
    Coding coding = coding(in.get(HttpHeaders.ACCEPT_ENCODING), document);
    boolean notModified = EntityTags.anyMatch(in.get(HttpHeaders.IF_NONE_MATCH), document);
    HttpServerResponse response = request.response();
    // One shared, read-only header map: Vert.x references it instead of copying, and writes its rendered bytes.
    response.headers().setAll(headers(lookup, coding, notModified));
    if (notModified) {
      response.setStatusCode(304).end();
    } else if (request.method() == HttpMethod.HEAD) {
      response.end();
    } else {
      response.end(document.representation(coding).body());
    }
  }

  /**
   * The coding to answer with (RFC 9110 §12.5.3): the smallest of those the client accepts most, identity when it
   * sent no Accept-Encoding. When it accepts none of them, not even identity, it gets identity all the same: the
   * JWKS is the one document verifiers must be able to read, and RFC 9110 lets a server ignore the header.
   */
  static Coding coding(String acceptEncoding, JwksDocument document) {
    if (acceptEncoding == null) {
      return Coding.IDENTITY;
    }
    Coding chosen = AcceptEncoding.choose(acceptEncoding, document.offered(), document::size);
    return chosen == AcceptEncoding.NOT_ACCEPTABLE ? Coding.IDENTITY : chosen;
  }

  /** Every header of the answer for {@code lookup}: read-only, shared until the second turns. */
  MultiMap headers(Lookup lookup, Coding coding, boolean notModified) {
    return blocks[coding.ordinal() * 2 + (notModified ? 1 : 0)].headers(lookup);
  }

  /**
   * Every header of one kind of answer (a coding, 200 or 304), as a read-only map rebuilt only when
   * something in it changes: the JWKS, the outcome, or the second ({@code Age} and the {@code ttl} in
   * {@code Cache-Status}). Requests in between share it. One per kind per event loop, so no locks.
   */
  private final class HeaderBlock {

    private final Coding coding;
    private final boolean notModified;
    private JwksDocument document;
    private Outcome outcome;
    private long age = Long.MIN_VALUE;
    private long ttl = Long.MIN_VALUE;
    private CharSequence date;
    private MultiMap headers;

    HeaderBlock(Coding coding, boolean notModified) {
      this.coding = coding;
      this.notModified = notModified;
    }

    MultiMap headers(Lookup lookup) {
      CharSequence now = HttpDate.now(); // one instance per wall-clock second
      if (lookup.document() != document || lookup.outcome() != outcome || lookup.ageSeconds() != age
          || lookup.ttlSeconds() != ttl || now != date) {
        headers = build(lookup, now, coding, notModified).copy(false);
        document = lookup.document();
        outcome = lookup.outcome();
        age = lookup.ageSeconds();
        ttl = lookup.ttlSeconds();
        date = now;
      }
      return headers;
    }
  }

  private MultiMap build(Lookup lookup, CharSequence date, Coding coding, boolean notModified) {
    JwksDocument document = lookup.document();
    boolean fallback = lookup.outcome() == Outcome.FALLBACK || lookup.outcome() == Outcome.FALLBACK_AFTER_MISS;
    MultiMap headers = HttpHeaders.headers();
    // RFC 9110 §6.6.1: an origin with a clock sends Date; caches read the answer's age from it and Age together.
    headers.set(HttpHeaders.DATE, date);
    headers.set(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON);
    headers.set(HttpHeaders.ETAG, document.representation(coding).etag());
    headers.set(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
    if (fallback) {
      headers.set(HttpHeaders.CACHE_CONTROL, FALLBACK_CACHE_CONTROL);
      cdnCacheControl.ifPresent(ignored -> headers.set(Fields.CDN_CACHE_CONTROL, FALLBACK_TARGETED));
      surrogateControl.ifPresent(ignored -> headers.set(Fields.SURROGATE_CONTROL, FALLBACK_TARGETED));
    } else {
      headers.set(HttpHeaders.CACHE_CONTROL, cacheControl);
      cdnCacheControl.ifPresent(value -> headers.set(Fields.CDN_CACHE_CONTROL, value));
      surrogateControl.ifPresent(value -> headers.set(Fields.SURROGATE_CONTROL, value));
      headers.set(HttpHeaders.AGE, HttpHeaders.createOptimized(Long.toString(lookup.ageSeconds())));
    }
    surrogateKey.ifPresent(value -> headers.set(Fields.SURROGATE_KEY, value));
    headers.set(Fields.CACHE_STATUS, cacheStatus(lookup));
    if (!notModified) {
      if (coding != Coding.IDENTITY) {
        headers.set(HttpHeaders.CONTENT_ENCODING, CODINGS[coding.ordinal()]);
      }
      headers.set(HttpHeaders.CONTENT_LENGTH, document.representation(coding).length());
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
}
