package com.paintbox.edge.cache;

import com.paintbox.edge.compression.Coding;
import com.paintbox.edge.http.Fields;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.List;

/**
 * A client's own conditional request, answered by the edge from what it holds (RFC 9111 §4.3.2, RFC 9110 §13):
 * {@code If-None-Match} by weak comparison against the stored {@code ETag}, else {@code If-Modified-Since}
 * against {@code Last-Modified}. The client's conditionals never reach the origin on a fill: forwarded, they would
 * turn the fill into a 304 with nothing to store (Souin #467).
 */
final class Conditionals {

  /** The fields a 304 carries (RFC 9110 §15.4.5), besides the edge's own Age, Cache-Status and Via. */
  private static final List<CharSequence> NOT_MODIFIED_FIELDS = List.of(HttpHeaders.CACHE_CONTROL,
      Fields.CONTENT_LOCATION, HttpHeaders.DATE, HttpHeaders.ETAG, HttpHeaders.EXPIRES, HttpHeaders.VARY,
      Fields.CDN_CACHE_CONTROL, Fields.VIA);

  private Conditionals() {}

  /** True when the request has any precondition the edge answers itself. */
  static boolean present(MultiMap request) {
    return request.contains(HttpHeaders.IF_NONE_MATCH) || request.contains(HttpHeaders.IF_MODIFIED_SINCE);
  }

  /** True when {@code request}'s preconditions say its copy of the response is current: answer 304. */
  static boolean notModified(MultiMap request, String etag, String lastModified) {
    List<String> noneMatch = request.getAll(HttpHeaders.IF_NONE_MATCH);
    if (!noneMatch.isEmpty()) {
      return etag != null && anyWeakMatch(noneMatch, etag);
    }
    String since = request.get(HttpHeaders.IF_MODIFIED_SINCE);
    if (since == null || lastModified == null) {
      return false;
    }
    long sinceSeconds = HttpDates.parse(since);
    long modified = HttpDates.parse(lastModified);
    return sinceSeconds != HttpDates.INVALID && modified != HttpDates.INVALID && modified <= sinceSeconds;
  }

  /**
   * RFC 9110 §8.8.3.2: equal opaque tags, whether either is weak; "*" matches any current representation. A tag
   * the edge derived for one of its codings ({@code "abc-br"}) matches too: every coding of a stored response is
   * the same content, so a client holding the Brotli copy need not download the gzip one.
   */
  static boolean anyWeakMatch(List<String> lines, String etag) {
    String tag = opaque(etag);
    for (String line : lines) {
      for (String member : line.split(",")) {
        String candidate = member.trim();
        if (candidate.equals("*") || (!candidate.isEmpty() && (opaque(candidate).equals(tag) || derived(candidate, tag)))) {
          return true;
        }
      }
    }
    return false;
  }

  private static boolean derived(String candidate, String tag) {
    for (Coding coding : Coding.values()) {
      String identity = coding == Coding.IDENTITY ? null : coding.identityOf(candidate);
      if (identity != null && identity.equals(tag)) {
        return true;
      }
    }
    return false;
  }

  /** RFC 9110 §8.8.3.2 strong comparison: both strong and equal. */
  static boolean strongMatch(String a, String b) {
    return a != null && b != null && !a.startsWith("W/") && !b.startsWith("W/") && a.trim().equals(b.trim());
  }

  private static String opaque(String etag) {
    String trimmed = etag.trim();
    return trimmed.startsWith("W/") ? trimmed.substring(2) : trimmed;
  }

  /** Copies the fields a 304 for {@code stored} carries into {@code out}. */
  static void notModifiedHeaders(MultiMap stored, MultiMap out) {
    for (CharSequence name : NOT_MODIFIED_FIELDS) {
      for (String value : stored.getAll(name)) {
        out.add(name, value);
      }
    }
  }
}
