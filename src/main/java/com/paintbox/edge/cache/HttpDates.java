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
        long fast = imfFixdate(text);
        return fast != INVALID ? fast : seconds(LocalDateTime.parse(text, IMF_FIXDATE));
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

  private static final String MONTHS = "JanFebMarAprMayJunJulAugSepOctNovDec";
  private static final String DAYS = "MonTueWedThuFriSatSun";

  /**
   * IMF-fixdate at fixed offsets ({@code Sun, 06 Nov 1994 08:49:37 GMT}), the form every origin sends, without a
   * formatter: it is read on every origin answer the cache may store. Anything unusual goes to the formatter, which
   * also checks the weekday.
   */
  private static long imfFixdate(String text) {
    if (text.length() != 29 || text.charAt(4) != ' ' || text.charAt(7) != ' ' || text.charAt(11) != ' '
        || text.charAt(16) != ' ' || text.charAt(19) != ':' || text.charAt(22) != ':' || !text.endsWith(" GMT")) {
      return INVALID;
    }
    int month = -1;
    for (int m = 0; m < 12 && month < 0; m++) {
      if (text.regionMatches(8, MONTHS, m * 3, 3)) {
        month = m;
      }
    }
    int day = digits(text, 5, 2);
    int year = digits(text, 12, 4);
    int hour = digits(text, 17, 2);
    int minute = digits(text, 20, 2);
    int second = digits(text, 23, 2);
    if (month < 0 || day < 1 || day > 31 || year < 0 || hour > 23 || minute > 59 || second > 60) {
      return INVALID;
    }
    try {
      LocalDateTime time = LocalDateTime.of(year, month + 1, day, hour, minute, Math.min(second, 59));
      int day3 = (time.getDayOfWeek().getValue() - 1) * 3;
      return text.regionMatches(0, DAYS, day3, 3) ? seconds(time) : INVALID;
    } catch (java.time.DateTimeException invalid) {
      return INVALID;
    }
  }

  private static int digits(String text, int from, int count) {
    int value = 0;
    for (int i = from; i < from + count; i++) {
      char c = text.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  private static long seconds(LocalDateTime time) {
    return time.toEpochSecond(ZoneOffset.UTC);
  }
}
