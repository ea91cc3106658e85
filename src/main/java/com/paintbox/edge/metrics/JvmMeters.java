package com.paintbox.edge.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import java.util.Objects;

/**
 * JVM memory, GC, threads, classes, CPU and uptime ({@code process_start_time_seconds}). Bound by the edge once its
 * ports are open, on a worker thread, rather than by vertx-micrometer-metrics inside {@code Vertx.builder().build()}:
 * there, waking the JVM's management beans cost 100–150 ms of the main thread on every cold start. The collectors'
 * meters are {@link GcMeters}, read at scrape time, not Micrometer's notification listener (it says why).
 */
public final class JvmMeters {

  private JvmMeters() {}

  /** Binds every JVM meter to {@code registry}. */
  public static void bind(MeterRegistry registry) {
    Objects.requireNonNull(registry, "registry");
    new JvmMemoryMetrics().bindTo(registry);
    GcMeters.bind(registry);
    new JvmThreadMetrics().bindTo(registry);
    new ClassLoaderMetrics().bindTo(registry);
    new JvmInfoMetrics().bindTo(registry);
    new ProcessorMetrics().bindTo(registry);
    new UptimeMetrics().bindTo(registry);
  }
}
