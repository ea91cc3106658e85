package com.paintbox.edge.testing;

import com.github.benmanes.caffeine.cache.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock tests move by hand. Starts at an arbitrary non-zero reading, like System.nanoTime. */
public final class FakeTicker implements Ticker {

  private final AtomicLong nanos = new AtomicLong(1_000_000_000_000L);

  @Override
  public long read() {
    return nanos.get();
  }

  public void set(long reading) {
    nanos.set(reading);
  }

  public void advance(Duration duration) {
    nanos.addAndGet(duration.toNanos());
  }
}
