package com.paintbox.edge.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * Every meter name the edge defines, in one place, in Micrometer's dotted form. The Prometheus registry renders
 * them as the contract spells them: {@code edge.jwks.requests} → {@code edge_jwks_requests_total}, a timer
 * {@code edge.jwks.fetch} → {@code edge_jwks_fetch_seconds_*}, a gauge with base unit seconds gets {@code _seconds}.
 */
public final class EdgeMeters {

  // JWKS serving
  public static final String JWKS_REQUESTS = "edge.jwks.requests";
  public static final String JWKS_REQUEST_LATENCY = "edge.jwks.request";
  public static final String JWKS_COLLAPSED_WAITERS = "edge.jwks.collapsed.waiters";
  // JWKS fetching
  public static final String JWKS_FETCH = "edge.jwks.fetch";
  public static final String JWKS_FETCH_ERRORS = "edge.jwks.fetch.errors";
  public static final String JWKS_REFRESH_AHEAD = "edge.jwks.refresh.ahead";
  // JWKS state
  public static final String JWKS_AGE = "edge.jwks.age";
  public static final String JWKS_STATE = "edge.jwks.state";
  public static final String JWKS_WINDOW_REMAINING = "edge.jwks.window.remaining";
  public static final String JWKS_KEYS = "edge.jwks.keys";
  public static final String JWKS_BACKOFF_FAILURES = "edge.jwks.backoff.failures";
  public static final String JWKS_BACKOFF_RETRY = "edge.jwks.backoff.retry";
  // Origin pass-through
  public static final String ORIGIN_REQUESTS = "edge.origin.requests";
  public static final String ORIGIN_LATENCY = "edge.origin.response";
  public static final String ORIGIN_CLIENT_GONE = "edge.origin.client.gone";
  // Origin cache
  public static final String CACHE_REQUESTS = "edge.cache.requests";
  public static final String CACHE_BYTES = "edge.cache.bytes";
  public static final String CACHE_ENTRIES = "edge.cache.entries";
  public static final String CACHE_EVICTIONS = "edge.cache.evictions";
  public static final String CACHE_ORIGIN_FETCHES = "edge.cache.origin.fetches";
  public static final String CACHE_PURGES = "edge.cache.purges";
  // Admin
  public static final String ADMIN_REFRESHES = "edge.admin.refreshes";
  // Fleet (issue 13): peers, forwarded admin actions, the shield tier
  public static final String FLEET_PEERS = "edge.fleet.peers";
  public static final String FLEET_SHIELD_PEERS = "edge.fleet.shield.peers";
  public static final String FLEET_DISCOVERY = "edge.fleet.discovery";
  public static final String FLEET_PURGE_FORWARDS = "edge.fleet.purge.forwards";
  public static final String FLEET_REFRESH_FORWARDS = "edge.fleet.refresh.forwards";
  public static final String FLEET_SHIELD_FETCHES = "edge.fleet.shield.fetches";
  public static final String FLEET_SHIELD_FALLBACKS = "edge.fleet.shield.fallbacks";
  public static final String FLEET_HOPS = "edge.fleet.hops";
  // Process
  public static final String TIME_TO_READY = "edge.startup.ready";
  public static final String READY = "edge.ready";

  /** Latency bucket edges for requests answered from memory or the origin: 50 µs to 10 s. */
  public static final Duration[] REQUEST_BUCKETS = {
      Duration.ofNanos(50_000), Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000),
      Duration.ofMillis(1), Duration.ofMillis(2), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
      Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
      Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};
  /** Bucket edges for AWS calls: 5 ms up to the 7 s a call may take with two 3 s attempts. */
  public static final Duration[] FETCH_BUCKETS = {
      Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
      Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
      Duration.ofSeconds(2), Duration.ofSeconds(3), Duration.ofSeconds(5), Duration.ofSeconds(7), Duration.ofSeconds(10)};

  private EdgeMeters() {}

  static Counter counter(MeterRegistry registry, String name, String description, String... tags) {
    return Counter.builder(name).description(description).tags(tags).register(registry);
  }

  static Timer timer(MeterRegistry registry, String name, String description, Duration[] buckets, String... tags) {
    return Timer.builder(name).description(description).tags(tags).serviceLevelObjectives(buckets).register(registry);
  }
}
