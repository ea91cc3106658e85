package com.paintbox.edge.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class HopMarkerTest {

  private static final String TOKEN = "fleet-test-token-0123456789";
  private final AtomicLong now = new AtomicLong(1_800_000_000L);
  private final HopMarker lhr = new HopMarker(TOKEN, "lhr", now::get);
  private final HopMarker iad = new HopMarker(TOKEN, "iad", now::get);

  @Test
  void verify_aMarkerAnotherMachineSignedForThisRequest_isValid() {
    String marker = lhr.sign("GET", "paintbox.app", "/blog?page=2");

    assertThat(marker).startsWith("v1 1800000000 lhr ");
    assertThat(iad.verify(marker, "GET", "paintbox.app", "/blog?page=2")).isTrue();
  }

  @Test
  void verify_anotherUrlMethodOrHost_isInvalid() {
    String marker = lhr.sign("GET", "paintbox.app", "/blog");

    assertThat(iad.verify(marker, "GET", "paintbox.app", "/admin")).isFalse();
    assertThat(iad.verify(marker, "HEAD", "paintbox.app", "/blog")).isFalse();
    assertThat(iad.verify(marker, "GET", "evil.example", "/blog")).isFalse();
  }

  @Test
  void verify_anotherToken_isInvalid() {
    HopMarker stranger = new HopMarker("another-token-0123456789", "lhr", now::get);

    assertThat(iad.verify(stranger.sign("GET", "paintbox.app", "/"), "GET", "paintbox.app", "/")).isFalse();
  }

  @Test
  void verify_outsideTheWindowEitherWay_isInvalid() {
    String marker = lhr.sign("GET", "paintbox.app", "/");

    now.addAndGet(HopMarker.WINDOW_SECONDS);
    assertThat(iad.verify(marker, "GET", "paintbox.app", "/")).isTrue();
    now.addAndGet(1);
    assertThat(iad.verify(marker, "GET", "paintbox.app", "/")).isFalse();
    now.addAndGet(-2 * HopMarker.WINDOW_SECONDS - 2);
    assertThat(iad.verify(marker, "GET", "paintbox.app", "/")).isFalse();
  }

  @Test
  void verify_tamperedOrMalformed_isInvalid() {
    String marker = lhr.sign("GET", "paintbox.app", "/");
    String[] parts = marker.split(" ");

    assertThat(iad.verify(parts[0] + " " + parts[1] + " syd " + parts[3], "GET", "paintbox.app", "/")).isFalse();
    assertThat(iad.verify(parts[0] + " " + (Long.parseLong(parts[1]) + 1) + " lhr " + parts[3], "GET",
        "paintbox.app", "/")).isFalse();
    assertThat(iad.verify("v2" + marker.substring(2), "GET", "paintbox.app", "/")).isFalse();
    assertThat(iad.verify("", "GET", "paintbox.app", "/")).isFalse();
    assertThat(iad.verify("v1 x lhr y", "GET", "paintbox.app", "/")).isFalse();
    assertThat(iad.verify(marker + " extra", "GET", "paintbox.app", "/")).isFalse();
  }

  @Test
  void sign_neverContainsTheToken() {
    assertThat(lhr.sign("GET", "paintbox.app", "/")).doesNotContain(TOKEN);
  }
}
