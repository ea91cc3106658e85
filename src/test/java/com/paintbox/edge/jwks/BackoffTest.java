package com.paintbox.edge.jwks;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

  @Test
  void delay_doublesFromMinimumAndCaps() {
    Backoff backoff = new Backoff(Duration.ofMillis(500), Duration.ofSeconds(10), () -> 1.0);

    assertThat(backoff.delayNanos(1)).isEqualTo(Duration.ofMillis(500).toNanos());
    assertThat(backoff.delayNanos(2)).isEqualTo(Duration.ofSeconds(1).toNanos());
    assertThat(backoff.delayNanos(5)).isEqualTo(Duration.ofSeconds(8).toNanos());
    assertThat(backoff.delayNanos(6)).isEqualTo(Duration.ofSeconds(10).toNanos());
    assertThat(backoff.delayNanos(Integer.MAX_VALUE)).isEqualTo(Duration.ofSeconds(10).toNanos());
  }

  @Test
  void delay_jitterStaysBetweenHalfAndWhole() {
    Backoff low = new Backoff(Duration.ofSeconds(4), Duration.ofSeconds(60), () -> 0.0);
    Backoff high = new Backoff(Duration.ofSeconds(4), Duration.ofSeconds(60), () -> 0.999_999);

    assertThat(low.delayNanos(1)).isEqualTo(Duration.ofSeconds(2).toNanos());
    assertThat(high.delayNanos(1)).isLessThan(Duration.ofSeconds(4).toNanos()).isGreaterThan(Duration.ofMillis(3_999).toNanos());
  }
}
