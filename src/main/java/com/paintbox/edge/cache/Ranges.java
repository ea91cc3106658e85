package com.paintbox.edge.cache;

import com.paintbox.edge.http.Fields;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;

/**
 * A single byte range served from a stored complete response (RFC 9110 §14). Only {@code bytes=a-b},
 * {@code bytes=a-} and {@code bytes=-n}; a multi-range request gets the whole response, which §14.2 allows. An
 * {@code If-Range} that does not match the stored response (strong ETag comparison, or its exact Last-Modified)
 * also gets the whole response. Partial responses from the origin are never stored: a request with a range that
 * misses is forwarded as it came.
 */
final class Ranges {

  /** No range applies: serve the whole response. */
  static final long[] WHOLE = null;
  /** The range cannot be satisfied: 416. */
  static final long[] UNSATISFIABLE = new long[0];

  private Ranges() {}

  /** {first, last} (inclusive), {@link #WHOLE} or {@link #UNSATISFIABLE} for {@code request} on {@code length} bytes. */
  static long[] select(MultiMap request, long length, String etag, String lastModified) {
    String range = request.get(Fields.RANGE);
    if (range == null || !range.regionMatches(true, 0, "bytes=", 0, 6) || range.indexOf(',') >= 0) {
      return WHOLE;
    }
    String ifRange = request.get(Fields.IF_RANGE);
    if (ifRange != null && !(ifRange.trim().startsWith("\"") || ifRange.trim().startsWith("W/")
        ? Conditionals.strongMatch(ifRange, etag) : ifRange.trim().equals(lastModified))) {
      return WHOLE;
    }
    String spec = range.substring(6).trim();
    int dash = spec.indexOf('-');
    if (dash < 0) {
      return WHOLE;
    }
    long first = Directives.seconds(spec.substring(0, dash).trim());
    long last = Directives.seconds(spec.substring(dash + 1).trim());
    boolean suffix = dash == 0;
    if (suffix) {
      if (last < 0) {
        return WHOLE;
      }
      if (last == 0) {
        return UNSATISFIABLE;
      }
      return new long[] {Math.max(0, length - last), length - 1};
    }
    if (first < 0 || (dash + 1 < spec.length() && last < 0)) {
      return WHOLE; // not a valid range: ignored (§14.2)
    }
    if (dash + 1 < spec.length() && last < first) {
      return WHOLE;
    }
    if (first >= length) {
      return UNSATISFIABLE;
    }
    long end = dash + 1 == spec.length() ? length - 1 : Math.min(last, length - 1);
    return new long[] {first, end};
  }
}
