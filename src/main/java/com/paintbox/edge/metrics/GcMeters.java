package com.paintbox.edge.metrics;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.lang.management.GarbageCollectorMXBean;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.ToLongFunction;

/**
 * The collectors' meters, read from their management beans when the registry is scraped, instead of Micrometer's
 * {@code JvmGcMetrics}, which listens for a JMX notification after every collection.
 *
 * <p>Why: a listener makes the JVM build a {@code GcInfo} for each collection on its Notification thread, and on a
 * one-core machine that thread runs on the event loop's core right after the pause: 1.5-2.6 ms of CPU per young
 * collection, every half second at 90,000 requests a second, which lengthens the window in which requests wait
 * ({@code bench/results/tail-2026-11-29.md}). Reading the beans costs nothing between scrapes.
 *
 * <p>What stays the same for dashboards and {@code bench/soak.sh}: {@code jvm_gc_pause_seconds_count} and
 * {@code _sum} per collector ({@code gc}, and {@code action} "end of minor GC" or "end of major GC", as Micrometer
 * names them), {@code jvm_gc_live_data_size_bytes} (the old generation after its last collection) and
 * {@code jvm_gc_max_data_size_bytes}. What goes: a per-pause maximum and the {@code cause} tag, and
 * {@code jvm_gc_memory_allocated_bytes}/{@code _promoted_bytes}, which only a notification can give.
 */
final class GcMeters {

  /** Collectors of the old generation (or of the whole heap): their collections are "major", as Micrometer says. */
  private static final Set<String> MAJOR =
      Set.of("MarkSweepCompact", "PS MarkSweep", "ConcurrentMarkSweep", "G1 Old Generation");

  private GcMeters() {}

  static void bind(MeterRegistry registry) {
    for (GarbageCollectorMXBean collector : ManagementFactory.getGarbageCollectorMXBeans()) {
      FunctionTimer.builder("jvm.gc.pause", collector, GarbageCollectorMXBean::getCollectionCount,
              GarbageCollectorMXBean::getCollectionTime, TimeUnit.MILLISECONDS)
          .tag("gc", collector.getName())
          .tag("action", MAJOR.contains(collector.getName()) ? "end of major GC" : "end of minor GC")
          .description("Time spent in GC pauses, read from the collector's bean")
          .register(registry);
    }
    List<MemoryPoolMXBean> oldPools = ManagementFactory.getMemoryPoolMXBeans().stream()
        .filter(pool -> pool.getType() == MemoryType.HEAP && isOldGeneration(pool.getName())).toList();
    Gauge.builder("jvm.gc.live.data.size", oldPools, pools -> sum(pools, MemoryPoolMXBean::getCollectionUsage))
        .baseUnit("bytes").description("Size of the old generation after its last collection")
        .strongReference(true) // the list exists only here; a weakly held one would read NaN after a collection
        .register(registry);
    Gauge.builder("jvm.gc.max.data.size", oldPools, pools -> sum(pools, MemoryPoolMXBean::getUsage, MemoryUsage::getMax))
        .baseUnit("bytes").description("Maximum size of the old generation")
        .strongReference(true)
        .register(registry);
  }

  /** Serial's "Tenured Gen", Parallel's "PS Old Gen", G1's "G1 Old Gen": the pools a major collection empties. */
  static boolean isOldGeneration(String poolName) {
    return poolName.contains("Old Gen") || poolName.contains("Tenured Gen");
  }

  private static double sum(List<MemoryPoolMXBean> pools, Function<MemoryPoolMXBean, MemoryUsage> usage) {
    return sum(pools, usage, MemoryUsage::getUsed);
  }

  private static double sum(List<MemoryPoolMXBean> pools, Function<MemoryPoolMXBean, MemoryUsage> usage,
      ToLongFunction<MemoryUsage> value) {
    long total = 0;
    for (MemoryPoolMXBean pool : pools) {
      MemoryUsage now = usage.apply(pool);
      if (now != null && value.applyAsLong(now) > 0) {
        total += value.applyAsLong(now);
      }
    }
    return total;
  }
}
