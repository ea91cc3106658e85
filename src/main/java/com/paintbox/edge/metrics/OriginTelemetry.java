package com.paintbox.edge.metrics;

import com.paintbox.edge.proxy.OriginEvents;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Objects;
import java.util.concurrent.TimeUnit;

/**
 * The origin path's meters, resolved once so a request costs an array index and an increment.
 * {@code edge.origin.requests} counts every request routed to the origin by {@code status_class} (1xx…5xx) and
 * {@code source}: {@code origin} when the origin answered, {@code edge} when the edge answered in its place (502, 504
 * on failure; 400, 405 when refused), so an operator tells an origin's 502 from the edge's.
 * {@code edge.origin.response} times the wait for the origin's response head.
 */
public final class OriginTelemetry implements OriginEvents {

  private static final String[] CLASSES = {"1xx", "2xx", "3xx", "4xx", "5xx"};

  private final Counter[] fromOrigin = new Counter[CLASSES.length];
  private final Counter[] fromEdge = new Counter[CLASSES.length];
  private final Counter clientGone;
  private final Timer headLatency;

  public OriginTelemetry(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    for (int i = 0; i < CLASSES.length; i++) {
      fromOrigin[i] = EdgeMeters.counter(registry, EdgeMeters.ORIGIN_REQUESTS,
          "Requests routed to the origin, by status class and by who answered",
          "status_class", CLASSES[i], "source", "origin");
      fromEdge[i] = EdgeMeters.counter(registry, EdgeMeters.ORIGIN_REQUESTS,
          "Requests routed to the origin, by status class and by who answered",
          "status_class", CLASSES[i], "source", "edge");
    }
    clientGone = EdgeMeters.counter(registry, EdgeMeters.ORIGIN_CLIENT_GONE,
        "Requests whose client left before the origin answered; the origin request was cancelled");
    headLatency = EdgeMeters.timer(registry, EdgeMeters.ORIGIN_LATENCY,
        "Time from sending a request to the origin to its response head", EdgeMeters.REQUEST_BUCKETS);
  }

  @Override
  public void originResponded(int status, long headNanos) {
    fromOrigin[index(status)].increment();
    headLatency.record(headNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void edgeAnswered(int status) {
    fromEdge[index(status)].increment();
  }

  @Override
  public void clientGone() {
    clientGone.increment();
  }

  /** Statuses outside 100–599 (a non-conforming origin) are counted with 5xx, the class an operator watches. */
  private static int index(int status) {
    int index = status / 100 - 1;
    return index >= 0 && index < CLASSES.length ? index : CLASSES.length - 1;
  }
}
