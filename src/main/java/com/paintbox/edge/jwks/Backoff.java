package com.paintbox.edge.jwks;

import java.time.Duration;
import java.util.function.DoubleSupplier;

/**
 * Retry delays after failed fetches: exponential from {@code min}, capped at {@code max}, with "equal jitter"
 * (a uniform draw between half the delay and the whole of it) so edges in every region that lost AWS at the same
 * moment do not retry in lockstep, yet never retry sooner than half the schedule says.
 */
public final class Backoff {

  private final long minNanos;
  private final long maxNanos;
  private final DoubleSupplier random;

  public Backoff(Duration min, Duration max, DoubleSupplier random) {
    this.minNanos = min.toNanos();
    this.maxNanos = max.toNanos();
    this.random = random;
  }

  /** The delay before the next attempt, after {@code failures} consecutive failures (1 or more). */
  public long delayNanos(int failures) {
    int doublings = Math.min(Math.max(failures - 1, 0), 62);
    long ceiling = minNanos > (maxNanos >> doublings) ? maxNanos : Math.min(maxNanos, minNanos << doublings);
    long half = ceiling / 2;
    return half + (long) (random.getAsDouble() * (ceiling - half));
  }
}
