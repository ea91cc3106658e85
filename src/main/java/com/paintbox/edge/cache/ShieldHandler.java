package com.paintbox.edge.cache;

import com.paintbox.edge.http.Fields;
import com.paintbox.edge.http.EdgeResponses;
import com.paintbox.edge.proxy.OriginExchange;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import java.util.Locale;

/**
 * The origin cache's request flow on one event loop: every request the public port routes to the origin comes
 * here first.
 *
 * <pre>
 *   not GET/HEAD ─────────────────────────────────▶ pass-through (fwd=method; §4.4 invalidation on the way back)
 *   a body, an override field, a range that misses ▶ pass-through (fwd=bypass)
 *   stored variant: fresh ──────────────────────────▶ hit
 *                   stale within stale-while-revalidate ▶ hit (ttl &lt; 0) + one background revalidation
 *                   stale, no-cache, or client no-cache (when honoured) ▶ revalidation fill (fwd=stale|request)
 *   nothing stored for the variant ─────────────────▶ miss fill, collapsed (fwd=uri-miss|vary-miss), or a
 *                                                     pass-through while the URL is hit-for-miss
 * </pre>
 *
 * Unkeyed fields that some origins obey ({@code X-Original-URL}, {@code X-Rewrite-URL},
 * {@code X-HTTP-Method-Override} and kin) would let a client make the origin answer one URL's request with another
 * resource, which would then be stored under the first: requests carrying them bypass the cache. The client's
 * {@code X-Forwarded-Host} never reaches the origin (the forwarding rules replace it with the Host, which is keyed).
 */
public final class ShieldHandler implements Handler<HttpServerRequest> {

  /** Fields that make an origin serve another method or URL than the request line says. */
  private static final List<String> OVERRIDES = List.of("x-http-method-override", "x-http-method",
      "x-method-override", "x-original-url", "x-rewrite-url");
  /** A request sent back through the flow this many times goes to the origin uncollapsed. */
  private static final int MAX_RETRIES = 2;

  private final OriginCache cache;
  private final OriginExchange exchange;
  private final CacheEvents events;
  private final boolean trustForwarded;
  private final boolean honorClient;

  public ShieldHandler(OriginCache cache, OriginExchange exchange, boolean trustForwarded) {
    this.cache = java.util.Objects.requireNonNull(cache, "cache");
    this.exchange = java.util.Objects.requireNonNull(exchange, "exchange");
    this.events = cache.events();
    this.trustForwarded = trustForwarded;
    this.honorClient = cache.config().honorClientNoCache();
  }

  @Override
  public void handle(HttpServerRequest in) {
    HttpMethod method = in.method();
    if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
      exchange.forward(in, CacheStatus.FORWARDED_FOR_METHOD);
      return;
    }
    MultiMap headers = in.headers();
    if (headers.contains(HttpHeaders.UPGRADE)) {
      exchange.forward(in); // a WebSocket handshake: not the cache's business, no Cache-Status
      return;
    }
    String bypass = bypass(headers);
    if (bypass != null) {
      bypass(in, "bypass", bypass);
      return;
    }
    lookup(in, key(in), 0);
  }

  /**
   * A request a fill could not use, sent through the flow again: {@code pass} (the answer was not shareable)
   * straight to the origin, otherwise (another variant) as if new, {@code attempt} times at most.
   */
  void retry(HttpServerRequest in, boolean pass, int attempt) {
    ResourceKey key = key(in);
    if (pass || attempt > MAX_RETRIES) {
      String why = cache.passing(key);
      pass(in, "miss", why == null ? "not-shared" : why);
    } else {
      lookup(in, key, attempt);
    }
  }

  long now() {
    return cache.clock().millis();
  }

  private void lookup(HttpServerRequest in, ResourceKey key, int attempt) {
    Resource resource = cache.resource(key);
    StoredResponse stored = resource == null ? null : resource.select(in.headers());
    RequestRules rules = RequestRules.of(in.headers(), honorClient);
    long now = now();
    if (stored != null && stored.mediaType.equals(key.rsc ? "text/html" : "text/x-component")) {
      stored = null; // defence in depth: a flight payload never answers a page request, nor a page an RSC one
    }
    if (stored != null && stored.useless(now)) {
      stored = null; // stale past every window, no validator: as good as gone (a fresher variant keeps its resource)
    }
    if (stored != null) {
      served(in, key, resource, stored, rules, now, attempt);
      return;
    }
    if (rules.onlyIfCached()) {
      onlyIfCached(in);
      return;
    }
    if (in.headers().contains(Fields.RANGE)) {
      bypass(in, resource == null ? "uri-miss" : "vary-miss", "range");
      return;
    }
    String fwd = resource == null ? "uri-miss" : "vary-miss";
    String passing = cache.passing(key);
    if (passing != null) {
      pass(in, fwd, passing);
      return;
    }
    fill(in, key, cache.knownVariance(key, resource), null, fwd, CacheEvents.Fetch.MISS, attempt);
  }

  private void served(HttpServerRequest in, ResourceKey key, Resource resource, StoredResponse stored,
      RequestRules rules, long now, int attempt) {
    long staleness = stored.stalenessMillis(now);
    boolean usable = !stored.alwaysRevalidate && !rules.revalidate(stored, now);
    if (usable && staleness < 0) {
      events.answered(CacheEvents.Result.HIT);
      StoredAnswers.hit(in, stored, now);
      return;
    }
    if (usable && staleness < stored.staleWhileRevalidateMillis) {
      events.answered(CacheEvents.Result.STALE);
      StoredAnswers.hit(in, stored, now);
      revalidateInBackground(in, key, resource, stored);
      return;
    }
    if (rules.onlyIfCached()) {
      onlyIfCached(in); // §5.2.1.7: what is stored needs the origin first, which the client ruled out
      return;
    }
    if (in.headers().contains(Fields.RANGE) && !stored.hasValidators()) {
      bypass(in, "stale", "range");
      return;
    }
    String fwd = usable || !rules.forced() ? "stale" : "request";
    fill(in, key, resource.variance, stored, fwd, CacheEvents.Fetch.REVALIDATE, attempt);
  }

  private void revalidateInBackground(HttpServerRequest in, ResourceKey key, Resource resource,
      StoredResponse stored) {
    String fillKey = OriginCache.fillKey(key, resource.variance, stored.varyValues);
    if (cache.fills.containsKey(fillKey)) {
      return; // one revalidation at a time (RFC 5861 §3)
    }
    Fill fill = new Fill(cache, exchange, fillKey, key, in, stored, "stale", CacheEvents.Fetch.BACKGROUND);
    if (cache.fills.putIfAbsent(fillKey, fill) == null) {
      fill.start();
    }
  }

  /**
   * Hit-for-miss: the URL answered with something unshareable a moment ago, so this request goes to the origin on
   * its own, as a plain pass-through (conditionals, range and Accept-Encoding as the client sent them), queueing
   * behind nobody. The answer is still judged on its way back ({@link PassHealing}): a storable one clears the mark,
   * and the next request fills the cache.
   */
  private void pass(HttpServerRequest in, String fwd, String why) {
    events.answered(CacheEvents.Result.PASS);
    events.fetched(CacheEvents.Fetch.PASS);
    exchange.forward(in, status -> CacheStatus.forwarded(fwd).fwdStatus(status).detail(why).toString());
  }

  /** Answers {@code in} from a fill: joins the one in flight for its variant, or starts one. */
  private void fill(HttpServerRequest in, ResourceKey key, Variance variance, StoredResponse revalidating,
      String fwd, CacheEvents.Fetch reason, int attempt) {
    String fillKey = OriginCache.fillKey(key, variance, variance == null ? null : variance.values(in.headers()));
    while (true) {
      Fill running = cache.fills.get(fillKey);
      if (running != null) {
        ClientAnswer waiter = new ClientAnswer(this, exchange, events, in, false, attempt);
        if (waiter.subscribe(running)) {
          return;
        }
        cache.fills.remove(fillKey, running);
        continue;
      }
      Fill started = new Fill(cache, exchange, fillKey, key, in, revalidating, fwd, reason);
      if (cache.fills.putIfAbsent(fillKey, started) == null) {
        new ClientAnswer(this, exchange, events, in, true, attempt).subscribe(started);
        started.start();
        return;
      }
    }
  }

  private void onlyIfCached(HttpServerRequest in) {
    events.answered(CacheEvents.Result.MISS);
    EdgeResponses.error(in.response(), 504, "not_cached",
        "only-if-cached, and nothing stored can answer without the origin");
  }

  private void bypass(HttpServerRequest in, String fwd, String detail) {
    events.answered(CacheEvents.Result.BYPASS);
    exchange.forward(in, CacheStatus.forwarded(fwd).detail(detail).toString());
  }

  /** Why a GET or HEAD must not touch the cache, or null. */
  private static String bypass(MultiMap headers) {
    String length = headers.get(HttpHeaders.CONTENT_LENGTH);
    if (headers.contains(HttpHeaders.TRANSFER_ENCODING) || (length != null && !length.trim().equals("0"))) {
      return "body";
    }
    for (String field : OVERRIDES) {
      if (headers.contains(field)) {
        return "override";
      }
    }
    return null;
  }

  private ResourceKey key(HttpServerRequest in) {
    return ResourceKey.of(in, trustForwarded);
  }
}
