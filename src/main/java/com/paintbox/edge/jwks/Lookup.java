package com.paintbox.edge.jwks;

import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The cache's answer to one request.
 *
 * @param outcome how it was answered
 * @param document the JWKS to serve; null only for {@link Outcome#UNAVAILABLE}
 * @param ageSeconds seconds since the edge fetched {@code document}; -1 for the fallback, which was never fetched
 * @param ttlSeconds remaining freshness, negative once stale
 * @param retryAfterSeconds for {@link Outcome#UNAVAILABLE}: when the next fetch is due
 */
public record Lookup(Outcome outcome, @Nullable JwksDocument document, long ageSeconds, long ttlSeconds,
    long retryAfterSeconds) {

  public Lookup {
    Objects.requireNonNull(outcome, "outcome");
  }
}
