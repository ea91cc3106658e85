package com.paintbox.edge.cache;

/**
 * What the origin cache reports: the seam between it and its meters ({@code metrics.CacheTelemetry}), so tests
 * count without a registry. Called on event loops; must not block.
 */
public interface CacheEvents {

  /** How a GET or HEAD routed to the cache was answered; the {@code result} label of the request counter. */
  enum Result {
    /** Fresh, from memory. */
    HIT,
    /** Stale, from memory: within stale-while-revalidate, or stale-if-error while the origin fails. */
    STALE,
    /** Validated with the origin (a 304 merged into the stored response), then served from memory. */
    REVALIDATED,
    /** Forwarded: nothing stored matched, or what matched could not be used. */
    MISS,
    /** Waited on another request's fetch for the same variant. */
    COLLAPSED,
    /** Forwarded uncollapsed: the URL answered with something unstorable a moment ago (hit-for-miss). */
    PASS,
    /** Not for the cache: a request shape it does not handle (a body, a range on a miss, an override header). */
    BYPASS;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** Why the cache itself asked the origin; the {@code reason} label of the origin fetch counter. */
  enum Fetch {
    MISS, REVALIDATE, BACKGROUND, PASS;

    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  void answered(Result result);

  void fetched(Fetch reason);

  /** An entry left memory: {@code size} (the byte bound), {@code expired} (no longer useful) or {@code purged}. */
  void evicted(String cause);

  CacheEvents NONE = new CacheEvents() {
    @Override
    public void answered(Result result) {}

    @Override
    public void fetched(Fetch reason) {}

    @Override
    public void evicted(String cause) {}
  };
}
