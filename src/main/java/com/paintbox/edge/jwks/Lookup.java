package com.paintbox.edge.jwks;

/**
 * The cache's answer to one request.
 *
 * @param outcome how it was answered
 * @param document the JWKS to serve; null only for {@link Outcome#UNAVAILABLE}
 * @param ageSeconds seconds since the edge fetched {@code document}; -1 for the fallback, which was never fetched
 * @param ttlSeconds remaining freshness, negative once stale
 * @param retryAfterSeconds for {@link Outcome#UNAVAILABLE}: when the next fetch is due
 */
public record Lookup(Outcome outcome, JwksDocument document, long ageSeconds, long ttlSeconds, long retryAfterSeconds) {}
