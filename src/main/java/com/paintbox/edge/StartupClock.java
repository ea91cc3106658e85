package com.paintbox.edge;

import com.paintbox.edge.jwks.JwksCache;
import com.paintbox.edge.jwks.JwksDocument;
import com.paintbox.edge.jwks.JwksEvents;
import com.paintbox.edge.metrics.EdgeMeters;
import com.paintbox.edge.secrets.FetchFailure;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.ManagementFactory;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Time from JVM start to the first moment the edge could answer the JWKS, as a gauge and one log line: machines
 * that stop when idle start on a user's request, so this is user-facing latency. Readiness can only change when
 * the JWKS changes state, so that is when it is checked, by the same rule as {@link JwksCache#ready()}.
 */
final class StartupClock implements JwksEvents {

  private static final Logger log = LoggerFactory.getLogger(StartupClock.class);

  private final long jvmStartMillis = ManagementFactory.getRuntimeMXBean().getStartTime();
  private final AtomicLong readyMillis = new AtomicLong(-1);
  private final boolean fallback;

  /** @param fallback whether a fallback JWKS is configured, which makes the edge ready once a fetch has failed */
  StartupClock(MeterRegistry registry, boolean fallback) {
    this.fallback = fallback;
    Gauge.builder(EdgeMeters.TIME_TO_READY, readyMillis, r -> r.get() < 0 ? Double.NaN : r.get() / 1000.0)
        .baseUnit("seconds").description("Seconds from JVM start to the first servable JWKS")
        .register(registry);
  }

  @Override
  public void stateChanged(JwksCache.State from, JwksCache.State to, Optional<JwksDocument> document,
      Optional<FetchFailure> lastFailure) {
    boolean ready = to.servable() || (fallback && to != JwksCache.State.EMPTY);
    if (ready && readyMillis.get() < 0
        && readyMillis.compareAndSet(-1, System.currentTimeMillis() - jvmStartMillis)) {
      log.atInfo().addKeyValue("ms_since_jvm_start", readyMillis.get()).log("ready");
    }
  }
}
