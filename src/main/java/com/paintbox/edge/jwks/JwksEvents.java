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

  /** Reports every event to each listener in turn. */
  static JwksEvents all(JwksEvents... listeners) {
    return new JwksEvents() {
      @Override
      public void fetchSucceeded(JwksDocument document, long elapsedNanos) {
        for (JwksEvents l : listeners) {
          l.fetchSucceeded(document, elapsedNanos);
        }
      }

      @Override
      public void fetchFailed(FetchFailure failure, int consecutiveFailures, Duration retryIn, long elapsedNanos) {
        for (JwksEvents l : listeners) {
          l.fetchFailed(failure, consecutiveFailures, retryIn, elapsedNanos);
        }
      }

      @Override
      public void stateChanged(JwksCache.State from, JwksCache.State to, Optional<JwksDocument> document,
          Optional<FetchFailure> lastFailure) {
        for (JwksEvents l : listeners) {
          l.stateChanged(from, to, document, lastFailure);
        }
      }

      @Override
      public void refreshAhead() {
        for (JwksEvents l : listeners) {
          l.refreshAhead();
        }
      }

      @Override
      public void requestServed(Outcome outcome, long elapsedNanos) {
        for (JwksEvents l : listeners) {
          l.requestServed(outcome, elapsedNanos);
        }
      }

      @Override
      public void collapsedWaiter() {
        for (JwksEvents l : listeners) {
          l.collapsedWaiter();
        }
      }
    };
  }

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
