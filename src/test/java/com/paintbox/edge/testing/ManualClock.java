package com.paintbox.edge.testing;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A wall clock tests move by hand, for the origin cache (its {@code Date}, {@code Age} and freshness arithmetic).
 * Starts at the real time, truncated to the second, so Date headers an origin writes from the real clock agree
 * with it until the test moves it.
 */
public final class ManualClock extends Clock {

  private final AtomicLong millis = new AtomicLong(System.currentTimeMillis() / 1000 * 1000);

  @Override
  public long millis() {
    return millis.get();
  }

  @Override
  public Instant instant() {
    return Instant.ofEpochMilli(millis.get());
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }

  public ManualClock advance(Duration duration) {
    millis.addAndGet(duration.toMillis());
    return this;
  }

  public ManualClock set(Instant instant) {
    millis.set(instant.toEpochMilli());
    return this;
  }
}
