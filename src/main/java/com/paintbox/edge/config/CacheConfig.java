package com.paintbox.edge.config;

/**
 * The origin cache.
 *
 * @param enabled cache the origin's cacheable responses; false passes every request through
 * @param maxBytes bytes of heads and bodies the cache may hold
 * @param maxObjectBytes larger bodies pass through unstored
 * @param heuristic heuristic freshness (RFC 9111 §4.2.2) for responses without explicit freshness
 * @param honorClientNoCache let a client's {@code no-cache}, {@code max-age=0} (and other request directives) reach
 *     the origin; off by default, because it would let any client bypass the shield
 */
public record CacheConfig(boolean enabled, long maxBytes, long maxObjectBytes, boolean heuristic,
    boolean honorClientNoCache) {}
