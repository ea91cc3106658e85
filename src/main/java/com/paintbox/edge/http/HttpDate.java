package com.paintbox.edge.http;

import io.vertx.core.http.HttpHeaders;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Locale;

/**
 * The current time as an IMF-fixdate (RFC 9110 §5.6.7), formatted once per second and shared by every thread. Within
 * a second every caller gets the same instance, so a memo can tell the second has turned by identity.
 */
public final class HttpDate {

  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

  private record Stamp(long second, CharSequence value) {}

  private static volatile Stamp last = new Stamp(Long.MIN_VALUE, "");

  private HttpDate() {}

  public static CharSequence now() {
    long second = System.currentTimeMillis() / 1000;
    Stamp stamp = last;
    if (stamp.second != second) {
      stamp = new Stamp(second, HttpHeaders.createOptimized(IMF_FIXDATE.format(Instant.ofEpochSecond(second))));
      last = stamp;
    }
    return stamp.value;
  }
}
