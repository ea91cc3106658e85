package com.paintbox.edge.cache;

import java.util.Locale;
import java.util.Set;
import java.util.TreeSet;

/**
 * Cache directives of one field: {@code Cache-Control} (RFC 9111 §5.2) or a targeted field such as
 * {@code CDN-Cache-Control} (RFC 9213, a Structured Fields dictionary). Parsed once per response, off the hit path.
 *
 * <p>How values are read, where the RFC leaves a choice:
 * <ul>
 *   <li>Names compare without case ({@code MAX-AGE=60} is {@code max-age=60}); unknown directives are ignored.</li>
 *   <li>A delta-seconds value is a non-negative integer, in token or quoted form ({@code max-age="60"}); anything
 *       else ({@code 3.5}, {@code -1}, {@code abc}, nothing) makes the directive {@link #INVALID}, and a response
 *       with invalid freshness is treated as stale (§4.2.1). A value too large for 31 bits is 2147483648 (§1.2.2).</li>
 *   <li>A directive given twice with different values is {@link #INVALID} too: §4.2.1 lets a cache use the first
 *       or treat the response as stale, and stale is the choice that can never serve something too long.</li>
 *   <li>{@code no-cache} and {@code private} may name fields ({@code private="set-cookie"}); the names are kept.</li>
 *   <li>A bare {@code stale-while-revalidate} (Next.js ≤ 14 sent it without a value, next.js#34999) counts as
 *       {@link #BARE_STALE_WHILE_REVALIDATE_SECONDS}.</li>
 * </ul>
 */
final class Directives {

  /** The directive is absent. */
  static final long ABSENT = -1;
  /** The directive is present with a value that is not delta-seconds, or with two different values. */
  static final long INVALID = -2;
  /** RFC 9111 §1.2.2: a delta-seconds too large to represent is taken as 2^31. */
  static final long MAX_DELTA_SECONDS = 2_147_483_648L;
  /** What a bare {@code stale-while-revalidate} grants, in seconds: a day, bounded rather than forever. */
  static final long BARE_STALE_WHILE_REVALIDATE_SECONDS = 86_400;

  static final Directives NONE = new Directives();

  long maxAge = ABSENT;
  long sMaxAge = ABSENT;
  long staleWhileRevalidate = ABSENT;
  long staleIfError = ABSENT;
  long maxStale = ABSENT;
  long minFresh = ABSENT;
  boolean noStore;
  boolean noCache;
  boolean isPrivate;
  boolean isPublic;
  boolean mustRevalidate;
  boolean proxyRevalidate;
  boolean mustUnderstand;
  boolean noTransform;
  boolean onlyIfCached;
  boolean immutable;
  /** Fields named by a qualified {@code no-cache} or {@code private}, lower-case; empty when unqualified. */
  final Set<String> noCacheFields = new TreeSet<>();
  final Set<String> privateFields = new TreeSet<>();

  private Directives() {}

  /** Parses {@code Cache-Control} field lines (already joined by the caller or one per call, in order). */
  static Directives cacheControl(Iterable<String> lines) {
    Directives d = new Directives();
    for (String line : lines) {
      d.parseList(line);
    }
    return d;
  }

  /**
   * Parses a targeted field (RFC 9213 §2.1): a Structured Fields dictionary whose members are cache directives.
   * Null when it is not a valid dictionary: a recipient then ignores the field and falls back to the next one.
   */
  static Directives targeted(Iterable<String> lines) {
    Directives d = new Directives();
    StringBuilder joined = new StringBuilder();
    for (String line : lines) {
      if (joined.length() > 0) {
        joined.append(',');
      }
      joined.append(line);
    }
    return StructuredDictionary.parse(joined.toString(), d::apply) ? d : null;
  }

  private void parseList(String line) {
    int i = 0;
    int n = line.length();
    while (i < n) {
      int start = skipSpace(line, i);
      int end = start;
      while (end < n && line.charAt(end) != ',' && line.charAt(end) != '=') {
        end++;
      }
      String name = line.substring(start, end).trim().toLowerCase(Locale.ROOT);
      String value = null;
      boolean quoted = false;
      i = end;
      if (i < n && line.charAt(i) == '=') {
        i = skipSpace(line, i + 1);
        if (i < n && line.charAt(i) == '"') {
          StringBuilder text = new StringBuilder();
          i++;
          while (i < n && line.charAt(i) != '"') {
            if (line.charAt(i) == '\\' && i + 1 < n) {
              i++;
            }
            text.append(line.charAt(i++));
          }
          i++; // the closing quote, if any
          value = text.toString();
          quoted = true;
        } else {
          int valueStart = i;
          while (i < n && line.charAt(i) != ',') {
            i++;
          }
          value = line.substring(valueStart, i).trim();
        }
      }
      while (i < n && line.charAt(i) != ',') {
        i++; // junk after a quoted value
      }
      i++;
      if (!name.isEmpty()) {
        apply(name, value, quoted);
      }
    }
  }

  /** Records one directive; {@code value} is null when there was none. */
  void apply(String name, String value, boolean quoted) {
    switch (name) {
      case "max-age" -> maxAge = merge(maxAge, seconds(value));
      case "s-maxage" -> sMaxAge = merge(sMaxAge, seconds(value));
      case "stale-while-revalidate" ->
          staleWhileRevalidate = merge(staleWhileRevalidate,
              value == null ? BARE_STALE_WHILE_REVALIDATE_SECONDS : seconds(value));
      case "stale-if-error" -> staleIfError = merge(staleIfError, seconds(value));
      case "max-stale" -> maxStale = merge(maxStale, value == null ? MAX_DELTA_SECONDS : seconds(value));
      case "min-fresh" -> minFresh = merge(minFresh, seconds(value));
      case "no-store" -> noStore = true;
      case "no-cache" -> {
        if (value != null && quoted && !value.isBlank()) {
          fieldNames(value, noCacheFields);
        } else {
          noCache = true;
        }
      }
      case "private" -> {
        if (value != null && quoted && !value.isBlank()) {
          fieldNames(value, privateFields);
        } else {
          isPrivate = true;
        }
      }
      case "public" -> isPublic = true;
      case "must-revalidate" -> mustRevalidate = true;
      case "proxy-revalidate" -> proxyRevalidate = true;
      case "must-understand" -> mustUnderstand = true;
      case "no-transform" -> noTransform = true;
      case "only-if-cached" -> onlyIfCached = true;
      case "immutable" -> immutable = true;
      default -> { } // extensions this cache does not know are ignored (§5.2.3)
    }
  }

  private static long merge(long previous, long value) {
    if (previous == ABSENT || previous == value) {
      return value;
    }
    return INVALID;
  }

  /** delta-seconds (§1.2.2), or {@link #INVALID}. */
  static long seconds(String value) {
    if (value == null || value.isEmpty()) {
      return INVALID;
    }
    long result = 0;
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      if (c < '0' || c > '9') {
        return INVALID;
      }
      result = result * 10 + (c - '0');
      if (result >= MAX_DELTA_SECONDS) {
        return MAX_DELTA_SECONDS;
      }
    }
    return result;
  }

  private static void fieldNames(String list, Set<String> into) {
    for (String name : list.split(",")) {
      String trimmed = name.trim().toLowerCase(Locale.ROOT);
      if (!trimmed.isEmpty()) {
        into.add(trimmed);
      }
    }
  }

  private static int skipSpace(String s, int i) {
    while (i < s.length() && (s.charAt(i) == ' ' || s.charAt(i) == '\t')) {
      i++;
    }
    return i;
  }
}
