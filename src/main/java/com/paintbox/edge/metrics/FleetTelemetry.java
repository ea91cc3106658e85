package com.paintbox.edge.metrics;

import com.paintbox.edge.fleet.Fleet;
import com.paintbox.edge.fleet.FleetEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.Map;

/**
 * The fleet's meters, registered whether or not there is a fleet (so dashboards and alerts always find them):
 * {@code edge_fleet_peers} and {@code edge_fleet_shield_peers} (machines known, this one not counted),
 * {@code edge_fleet_discovery_total{outcome}}, {@code edge_fleet_purge_forwards_total{outcome}} and
 * {@code edge_fleet_refresh_forwards_total{outcome}} (ok, failed, skipped: one per machine per fleet action),
 * {@code edge_fleet_shield_fetches_total} (cacheable fetches the shield answered),
 * {@code edge_fleet_shield_fallbacks_total{reason}} (none, down, connect, timeout, status, error) and
 * {@code edge_fleet_hops_total{result}} (requests with a hop marker: valid, invalid).
 * Shield offload: {@code fetches / (fetches + fallbacks)}.
 */
public final class FleetTelemetry implements FleetEvents {

  private static final String[] OUTCOMES = {"ok", "failed", "skipped"};

  private final MeterRegistry registry;
  private final Counter shieldFetches;
  private final Map<Fallback, Counter> fallbacks = new EnumMap<>(Fallback.class);
  private final Map<String, Counter> forwards = new HashMap<>();
  private final Counter hopsValid;
  private final Counter hopsInvalid;
  private final Counter discoveryOk;
  private final Counter discoveryFailed;

  public FleetTelemetry(MeterRegistry registry) {
    this.registry = registry;
    shieldFetches = EdgeMeters.counter(registry, EdgeMeters.FLEET_SHIELD_FETCHES,
        "Cacheable fetches this edge sent to the shield region and the shield answered");
    for (Fallback reason : Fallback.values()) {
      fallbacks.put(reason, EdgeMeters.counter(registry, EdgeMeters.FLEET_SHIELD_FALLBACKS,
          "Cacheable fetches that went to the origin instead of the shield, by reason", "reason", reason.label()));
    }
    for (String outcome : OUTCOMES) {
      forwards.put("purge " + outcome, EdgeMeters.counter(registry, EdgeMeters.FLEET_PURGE_FORWARDS,
          "Purges forwarded to another machine, by outcome (one per machine per purge)", "outcome", outcome));
      forwards.put("refresh " + outcome, EdgeMeters.counter(registry, EdgeMeters.FLEET_REFRESH_FORWARDS,
          "JWKS refreshes forwarded to another machine, by outcome", "outcome", outcome));
    }
    hopsValid = EdgeMeters.counter(registry, EdgeMeters.FLEET_HOPS,
        "Requests that arrived with a hop marker, by whether it was valid", "result", "valid");
    hopsInvalid = EdgeMeters.counter(registry, EdgeMeters.FLEET_HOPS,
        "Requests that arrived with a hop marker, by whether it was valid", "result", "invalid");
    discoveryOk = EdgeMeters.counter(registry, EdgeMeters.FLEET_DISCOVERY,
        "Rounds of fleet discovery over the private network's DNS, by outcome", "outcome", "success");
    discoveryFailed = EdgeMeters.counter(registry, EdgeMeters.FLEET_DISCOVERY,
        "Rounds of fleet discovery over the private network's DNS, by outcome", "outcome", "error");
  }

  /** Binds the gauges to {@code fleet}. */
  public void bindGauges(Fleet fleet) {
    Gauge.builder(EdgeMeters.FLEET_PEERS, fleet, f -> f.peers().size())
        .description("Other machines of the fleet this one knows of").register(registry);
    Gauge.builder(EdgeMeters.FLEET_SHIELD_PEERS, fleet, Fleet::shieldCount)
        .description("Machines of the shield region this one knows of").register(registry);
  }

  @Override
  public void shieldAnswered() {
    shieldFetches.increment();
  }

  @Override
  public void shieldFallback(Fallback reason) {
    fallbacks.get(reason).increment();
  }

  @Override
  public void hop(boolean valid) {
    (valid ? hopsValid : hopsInvalid).increment();
  }

  @Override
  public void forwarded(String action, String outcome) {
    Counter counter = forwards.get(action + " " + outcome);
    if (counter != null) {
      counter.increment();
    }
  }

  @Override
  public void discovered(boolean succeeded) {
    (succeeded ? discoveryOk : discoveryFailed).increment();
  }
}
