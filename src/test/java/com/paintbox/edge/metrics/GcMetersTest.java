package com.paintbox.edge.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.FunctionTimer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Collection;
import org.junit.jupiter.api.Test;

/** The collectors' meters, read from their beans: the names and tags dashboards and bench/soak.sh read. */
class GcMetersTest {

  @Test
  void pause_afterAFullCollection_countedAsMajorWithItsTime() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    GcMeters.bind(registry);
    Collection<FunctionTimer> timers = registry.find("jvm.gc.pause").functionTimers();
    double majorBefore = majorCount(timers);

    System.gc();

    assertThat(timers).isNotEmpty().allSatisfy(timer -> {
      assertThat(timer.getId().getTag("gc")).isNotBlank();
      assertThat(timer.getId().getTag("action")).isIn("end of minor GC", "end of major GC");
    });
    assertThat(majorCount(timers)).isGreaterThan(majorBefore);
    assertThat(timers.stream().mapToDouble(timer -> timer.totalTime(java.util.concurrent.TimeUnit.SECONDS)).sum())
        .isGreaterThanOrEqualTo(0);
  }

  @Test
  void liveDataSize_afterAFullCollection_isTheOldGenerationInUseWithinItsMaximum() {
    SimpleMeterRegistry registry = new SimpleMeterRegistry();
    GcMeters.bind(registry);
    byte[][] kept = new byte[64][];
    for (int i = 0; i < kept.length; i++) {
      kept[i] = new byte[16 * 1024];
    }

    System.gc();

    double live = registry.get("jvm.gc.live.data.size").gauge().value();
    double max = registry.get("jvm.gc.max.data.size").gauge().value();
    assertThat(live).as("live data after the collection").isGreaterThan(kept.length * 16 * 1024);
    assertThat(max).isGreaterThanOrEqualTo(live);
  }

  @Test
  void isOldGeneration_serialParallelAndG1OldPools_trueYoungPoolsFalse() {
    assertThat(GcMeters.isOldGeneration("Tenured Gen")).isTrue();
    assertThat(GcMeters.isOldGeneration("PS Old Gen")).isTrue();
    assertThat(GcMeters.isOldGeneration("G1 Old Gen")).isTrue();
    assertThat(GcMeters.isOldGeneration("Eden Space")).isFalse();
    assertThat(GcMeters.isOldGeneration("G1 Survivor Space")).isFalse();
  }

  private static double majorCount(Collection<FunctionTimer> timers) {
    return timers.stream().filter(timer -> "end of major GC".equals(timer.getId().getTag("action")))
        .mapToDouble(FunctionTimer::count).sum();
  }
}
