package com.paintbox.edge.jwks;

import com.paintbox.edge.secrets.FetchFailure;
import java.time.Duration;
import java.util.Optional;

/**
 * What the cache reports as it works: the seam between the cache and its logs and metrics. Every method has a
 * no-op default so tests implement only what they watch.
 */
public interface JwksEvents {

  JwksEvents NONE = new JwksEvents() {};

  /** A fetch stored a new JWKS. */
  default void fetchSucceeded(JwksDocument document, long elapsedNanos) {}

  /** A fetch failed; the last good JWKS, if any, stays. */
  default void fetchFailed(FetchFailure failure, int consecutiveFailures, Duration retryIn, long elapsedNanos) {}

  /** The JWKS in memory moved from one window to another. */
  default void stateChanged(JwksCache.State from, JwksCache.State to, Optional<JwksDocument> document,
      Optional<FetchFailure> lastFailure) {}

  /** The timer started a refresh while the JWKS was still fresh. */
  default void refreshAhead() {}

  /** A JWKS request was answered. */
  default void requestServed(Outcome outcome, long elapsedNanos) {}

  /** A request waited on a fetch it did not start. */
  default void collapsedWaiter() {}
}
