package com.paintbox.edge.cache;

import io.vertx.core.http.HttpHeaders;

/**
 * The edge's member of {@code Cache-Status} (RFC 9211), built from its parameters in the order the RFC lists them.
 * The {@code key} parameter is never sent: it would tell anyone how to aim at another user's entry.
 */
final class CacheStatus {

  static final String NAME = "paintbox-edge";

  /** For requests the cache hands to the pass-through: their method requires forwarding (RFC 9211 §2.2). */
  static final CharSequence FORWARDED_FOR_METHOD = HttpHeaders.createOptimized(NAME + "; fwd=method");

  private final StringBuilder text = new StringBuilder(64).append(NAME);

  private CacheStatus() {}

  static CacheStatus hit() {
    CacheStatus status = new CacheStatus();
    status.text.append("; hit");
    return status;
  }

  /** Forwarded: {@code reason} is one of RFC 9211's fwd values (uri-miss, vary-miss, miss, stale, request, bypass). */
  static CacheStatus forwarded(String reason) {
    CacheStatus status = new CacheStatus();
    status.text.append("; fwd=").append(reason);
    return status;
  }

  CacheStatus fwdStatus(int status) {
    text.append("; fwd-status=").append(status);
    return this;
  }

  CacheStatus stored() {
    text.append("; stored");
    return this;
  }

  CacheStatus collapsed() {
    text.append("; collapsed");
    return this;
  }

  CacheStatus ttl(long seconds) {
    text.append("; ttl=").append(seconds);
    return this;
  }

  /** Why the response was not stored, or how it was served; a token. */
  CacheStatus detail(String detail) {
    if (detail != null) {
      text.append("; detail=").append(detail);
    }
    return this;
  }

  @Override
  public String toString() {
    return text.toString();
  }
}
