package com.paintbox.edge.fleet;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.concurrent.TimeUnit;

/**
 * The purge ids this machine has applied lately, so a purge that arrives twice (a forward retried after its answer
 * was lost, a client retrying with the id it was given) is applied once. An id is claimed before the purge runs, so
 * two copies arriving together do not both run, and released if the purge fails, so a retry can still apply it.
 */
final class PurgeLedger {

  /** How long an id is remembered, in minutes: far longer than any fan-out's retries (seconds). */
  static final long MEMORY_MINUTES = 10;
  /** Ids remembered at most; each is a short string. Beyond it the oldest go first. */
  static final int MAX_IDS = 10_000;

  private final Cache<String, Boolean> seen = Caffeine.newBuilder()
      .expireAfterWrite(MEMORY_MINUTES, TimeUnit.MINUTES)
      .maximumSize(MAX_IDS)
      .executor(Runnable::run)
      .build();

  /** True for the first claim of {@code id}; false when it was claimed within the memory. */
  boolean claim(String id) {
    return seen.asMap().putIfAbsent(id, Boolean.TRUE) == null;
  }

  void release(String id) {
    seen.invalidate(id);
  }
}
