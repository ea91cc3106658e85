package com.paintbox.edge.cache;

import com.paintbox.edge.proxy.ExchangeListener;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;

/**
 * Keeps hit-for-miss in step with the origin: a GET or HEAD the cache passed through because its URL answered with
 * something unshareable a moment ago is judged again on its way back. When the answer could now be stored, the mark
 * is cleared, so the next request fills the cache instead of waiting out {@link OriginCache#PASS_MEMORY_MILLIS}
 * (Varnish keeps a hit-for-miss object for its whole TTL); when it still cannot, the mark is renewed, so a URL that
 * is always private never sends a wave of requests to queue behind one miss each time the mark would expire.
 */
public final class PassHealing implements ExchangeListener {

  private final OriginCache cache;
  private final boolean trustForwarded;

  public PassHealing(OriginCache cache, boolean trustForwarded) {
    this.cache = java.util.Objects.requireNonNull(cache, "cache");
    this.trustForwarded = trustForwarded;
  }

  @Override
  public void answered(HttpServerRequest in, HttpClientResponse answer) {
    HttpMethod method = in.method();
    if (method != HttpMethod.GET && method != HttpMethod.HEAD) {
      return;
    }
    ResourceKey key = ResourceKey.of(in, trustForwarded);
    String why = cache.passing(key);
    if (why == null || ("too-large".equals(why) && !answer.headers().contains(HttpHeaders.CONTENT_LENGTH))) {
      return; // a body of unknown length that outgrew the limit last time stays passed: it would again
    }
    long now = cache.clock().millis();
    StoragePolicy.Asked asked = new StoragePolicy.Asked(in.headers().contains(HttpHeaders.AUTHORIZATION),
        in.headers().contains("x-middleware-prefetch"), key.rsc);
    StoragePolicy.Verdict verdict = cache.policy().judge(answer.statusCode(), answer.headers(), asked, now, now);
    if (verdict.storable()) {
      cache.unpass(key);
    } else if (StoragePolicy.aboutTheUrl(verdict.refusal())) {
      cache.pass(key, verdict.refusal()); // still unshareable: the mark lasts while the URL keeps answering so
    }
  }
}
