package com.paintbox.edge.cache;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Locale;

/**
 * HTTP-date (RFC 9110 §5.6.7) to epoch seconds. Recipients must accept all three formats: IMF-fixdate
 * ({@code Sun, 06 Nov 1994 08:49:37 GMT}), the obsolete RFC 850 form ({@code Sunday, 06-Nov-94 08:49:37 GMT}) and
 * asctime ({@code Sun Nov  6 08:49:37 1994}). Anything else, {@code Expires: 0} included, is invalid.
 */
final class HttpDates {

  /** The value of an unparsable date. */
  static final long INVALID = Long.MIN_VALUE;

  private static final DateTimeFormatter IMF_FIXDATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US);
  private static final DateTimeFormatter RFC_850 =
      DateTimeFormatter.ofPattern("EEEE, dd-MMM-yy HH:mm:ss 'GMT'", Locale.US);
  private static final DateTimeFormatter ASCTIME =
      DateTimeFormatter.ofPattern("EEE MMM d HH:mm:ss yyyy", Locale.US);

  private HttpDates() {}

  /** Epoch seconds of {@code value}, or {@link #INVALID}. */
  static long parse(String value) {
    if (value == null) {
      return INVALID;
    }
    String text = value.trim();
    if (text.length() < 20) {
      return INVALID; // "0", "-1", "" and friends: §5.3 of RFC 9111 says they mean "already expired"
    }
    try {
      if (text.charAt(3) == ',') {
        return seconds(LocalDateTime.parse(text, IMF_FIXDATE));
      }
      if (text.indexOf(',') > 3) {
        LocalDateTime parsed = LocalDateTime.parse(text, RFC_850);
        // RFC 9110 §5.6.7: a two-digit year more than 50 years in the future is in the past century.
        if (parsed.getYear() > LocalDateTime.now(ZoneOffset.UTC).getYear() + 50) {
          parsed = parsed.minusYears(100);
        }
        return seconds(parsed);
      }
      return seconds(LocalDateTime.parse(text.replaceAll("\\s+", " "), ASCTIME));
    } catch (DateTimeParseException | IndexOutOfBoundsException invalid) {
      return INVALID;
    }
  }

  private static long seconds(LocalDateTime time) {
    return time.toEpochSecond(ZoneOffset.UTC);
  }
}
