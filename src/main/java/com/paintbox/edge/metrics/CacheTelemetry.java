package com.paintbox.edge.metrics;

import com.paintbox.edge.cache.CacheEvents;
import com.paintbox.edge.cache.OriginCache;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The origin cache's meters, resolved once so a request costs a map read and an increment:
 * {@code edge_cache_requests_total{result}} (hit, stale, revalidated, miss, collapsed, pass, bypass),
 * {@code edge_cache_origin_fetches_total{reason}} (miss, revalidate, background, pass),
 * {@code edge_cache_evictions_total{cause}} (size, expired, purged), and the gauges {@code edge_cache_bytes}
 * (bytes held, as the bound counts them) and {@code edge_cache_entries} (stored responses, every variant).
 * Hit ratio: {@code (hit + stale + revalidated) / all}; origin offload: {@code 1 - fetches / requests}.
 */
public final class CacheTelemetry implements CacheEvents {

  private final Map<Result, Counter> results = new EnumMap<>(Result.class);
  private final Map<Fetch, Counter> fetches = new EnumMap<>(Fetch.class);
  private final Map<String, Counter> evictions = new ConcurrentHashMap<>();
  private final MeterRegistry registry;

  public CacheTelemetry(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    this.registry = registry;
    for (Result result : Result.values()) {
      results.put(result, EdgeMeters.counter(registry, EdgeMeters.CACHE_REQUESTS,
          "GET and HEAD requests routed to the origin cache, by how they were answered", "result", result.label()));
    }
    for (Fetch reason : Fetch.values()) {
      fetches.put(reason, EdgeMeters.counter(registry, EdgeMeters.CACHE_ORIGIN_FETCHES,
          "Requests the origin cache sent to the origin, by reason", "reason", reason.label()));
    }
    for (String cause : new String[] {"size", "expired", "purged"}) {
      evictions.put(cause, EdgeMeters.counter(registry, EdgeMeters.CACHE_EVICTIONS,
          "URLs removed from the origin cache, by cause", "cause", cause));
    }
  }

  /** Binds the size gauges to {@code cache}; a scrape walks the entries, so it reads on the scrape's thread. */
  public void bindGauges(OriginCache cache) {
    Gauge.builder(EdgeMeters.CACHE_BYTES, cache, OriginCache::bytes)
        .description("Bytes of heads and bodies the origin cache holds, as EDGE_CACHE_MAX_BYTES counts them")
        .register(registry);
    Gauge.builder(EdgeMeters.CACHE_ENTRIES, cache, OriginCache::responses)
        .description("Responses the origin cache holds, every variant counted").register(registry);
  }

  @Override
  public void answered(Result result) {
    results.get(result).increment();
  }

  @Override
  public void fetched(Fetch reason) {
    fetches.get(reason).increment();
  }

  @Override
  public void evicted(String cause) {
    evictions.computeIfAbsent(cause, c -> EdgeMeters.counter(registry, EdgeMeters.CACHE_EVICTIONS,
        "URLs removed from the origin cache, by cause", "cause", c)).increment();
  }
}
