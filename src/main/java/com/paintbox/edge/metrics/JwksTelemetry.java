package com.paintbox.edge.metrics;

import com.paintbox.edge.jwks.JwksCache;
import com.paintbox.edge.jwks.JwksDocument;
import com.paintbox.edge.jwks.JwksEvents;
import com.paintbox.edge.jwks.Outcome;
import com.paintbox.edge.secrets.FetchFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The JWKS path's logs and meters. Meters are resolved once here, so a request costs a counter increment and a
 * timer record, never a registry lookup. Log lines name kids, version ids, error types and timings: all public.
 */
public final class JwksTelemetry implements JwksEvents {

  private static final Logger log = LoggerFactory.getLogger("com.paintbox.edge.jwks");

  private final MeterRegistry registry;
  private final Map<Outcome, Counter> requests = new EnumMap<>(Outcome.class);
  private final Timer requestLatency;
  private final Counter fetchSuccess;
  private final Counter fetchError;
  private final Counter fetchInvalid;
  private final Map<FetchFailure.Type, Counter> fetchErrors = new EnumMap<>(FetchFailure.Type.class);
  private final Timer fetchLatency;
  private final Counter refreshAhead;
  private final Counter collapsed;

  public JwksTelemetry(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    this.registry = registry;
    for (Outcome outcome : Outcome.values()) {
      requests.put(outcome, EdgeMeters.counter(registry, EdgeMeters.JWKS_REQUESTS,
          "JWKS requests by how they were answered", "result", outcome.result()));
    }
    requestLatency = EdgeMeters.timer(registry, EdgeMeters.JWKS_REQUEST_LATENCY,
        "JWKS request handling time, from request to response written", EdgeMeters.REQUEST_BUCKETS);
    fetchSuccess = EdgeMeters.counter(registry, EdgeMeters.JWKS_FETCH, "JWKS fetches by outcome", "outcome", "success");
    fetchError = EdgeMeters.counter(registry, EdgeMeters.JWKS_FETCH, "JWKS fetches by outcome", "outcome", "error");
    fetchInvalid = EdgeMeters.counter(registry, EdgeMeters.JWKS_FETCH, "JWKS fetches by outcome", "outcome", "invalid");
    for (FetchFailure.Type type : FetchFailure.Type.values()) {
      fetchErrors.put(type, EdgeMeters.counter(registry, EdgeMeters.JWKS_FETCH_ERRORS,
          "Failed JWKS fetches by error type", "type", type.label()));
    }
    fetchLatency = EdgeMeters.timer(registry, EdgeMeters.JWKS_FETCH,
        "Time to fetch and validate every version stage of the secret", EdgeMeters.FETCH_BUCKETS);
    refreshAhead = EdgeMeters.counter(registry, EdgeMeters.JWKS_REFRESH_AHEAD,
        "Refreshes started before the JWKS went stale");
    collapsed = EdgeMeters.counter(registry, EdgeMeters.JWKS_COLLAPSED_WAITERS,
        "Requests that waited on a fetch another caller started");
  }

  /** Gauges read the cache when scraped; nothing is computed between scrapes. */
  public void bindGauges(JwksCache cache) {
    Gauge.builder(EdgeMeters.JWKS_AGE, cache, JwksCache::ageSeconds).baseUnit("seconds")
        .description("Seconds since the edge fetched the JWKS in memory; -1 when there is none").register(registry);
    for (JwksCache.State state : JwksCache.State.values()) {
      Gauge.builder(EdgeMeters.JWKS_STATE, cache, c -> c.state() == state ? 1 : 0)
          .tag("state", state.name().toLowerCase(java.util.Locale.ROOT))
          .description("1 for the window the JWKS in memory is in").register(registry);
    }
    Map.of("fresh", JwksCache.State.FRESH, "swr", JwksCache.State.STALE, "sie", JwksCache.State.STALE_IF_ERROR)
        .forEach((window, state) -> Gauge.builder(EdgeMeters.JWKS_WINDOW_REMAINING, cache, c -> c.secondsUntilEndOf(state))
            .tag("window", window).baseUnit("seconds")
            .description("Seconds until the JWKS in memory leaves the window; negative once past it").register(registry));
    Gauge.builder(EdgeMeters.JWKS_KEYS, cache, c -> c.current().map(d -> d.kids().size()).orElse(0))
        .description("Keys in the published JWKS").register(registry);
    Gauge.builder(EdgeMeters.JWKS_BACKOFF_FAILURES, cache, JwksCache::failures)
        .description("Consecutive failed fetches; 0 when healthy").register(registry);
    Gauge.builder(EdgeMeters.JWKS_BACKOFF_RETRY, cache, JwksCache::secondsUntilRetry).baseUnit("seconds")
        .description("Seconds until the next retry while backing off").register(registry);
  }

  @Override
  public void requestServed(Outcome outcome, long elapsedNanos) {
    requests.get(outcome).increment();
    requestLatency.record(elapsedNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void collapsedWaiter() {
    collapsed.increment();
  }

  @Override
  public void refreshAhead() {
    refreshAhead.increment();
  }

  @Override
  public void fetchSucceeded(JwksDocument document, long elapsedNanos) {
    fetchSuccess.increment();
    fetchLatency.record(elapsedNanos, TimeUnit.NANOSECONDS);
    log.atInfo().addKeyValue("kids", document.kids()).addKeyValue("versions", document.versions().toString())
        .addKeyValue("elapsed_ms", TimeUnit.NANOSECONDS.toMillis(elapsedNanos))
        .log("JWKS fetched");
  }

  @Override
  public void fetchFailed(FetchFailure failure, int consecutiveFailures, Duration retryIn, long elapsedNanos) {
    (failure.type() == FetchFailure.Type.INVALID ? fetchInvalid : fetchError).increment();
    fetchErrors.get(failure.type()).increment();
    fetchLatency.record(elapsedNanos, TimeUnit.NANOSECONDS);
    log.atWarn().addKeyValue("error_type", failure.type().label()).addKeyValue("error", failure.getMessage())
        .addKeyValue("attempt", consecutiveFailures).addKeyValue("retry_in_ms", retryIn.toMillis())
        .addKeyValue("elapsed_ms", TimeUnit.NANOSECONDS.toMillis(elapsedNanos))
        .log("JWKS fetch failed; the last good JWKS, if any, is kept");
  }

  @Override
  public void stateChanged(JwksCache.State from, JwksCache.State to, Optional<JwksDocument> document,
      Optional<FetchFailure> lastFailure) {
    var event = to.servable() ? log.atInfo() : log.atWarn();
    event.addKeyValue("from", from.name().toLowerCase(java.util.Locale.ROOT))
        .addKeyValue("to", to.name().toLowerCase(java.util.Locale.ROOT))
        .addKeyValue("kids", document.map(JwksDocument::kids).orElse(java.util.List.of()));
    lastFailure.ifPresent(f -> event.addKeyValue("last_error", f.type().label()));
    event.log("JWKS state changed");
  }
}
