package com.paintbox.edge.tracing;

import io.opentelemetry.api.trace.Span;
import io.vertx.core.spi.tracing.TagExtractor;
import java.util.Set;

/**
 * Puts Vert.x's HTTP span tags on a recording span, without what may carry secrets: the request's full URL
 * ({@code http.url}) and query ({@code url.query}) are dropped, and {@code url.full} (client spans) loses its query.
 * Signed URLs and tokens in query strings must not leave for a collector; the path, method and scheme stay.
 * vertx-opentelemetry has no option to leave them out (docs/vertx-gaps.md #23).
 */
final class RedactedTags {

  private static final Set<String> DROPPED = Set.of("http.url", "url.query");
  private static final String URL_FULL = "url.full";

  private RedactedTags() {}

  static <T> void record(Span span, T obj, TagExtractor<T> tags) {
    for (int i = 0, n = tags.len(obj); i < n; i++) {
      String name = tags.name(obj, i);
      if (DROPPED.contains(name)) {
        continue;
      }
      String value = tags.value(obj, i);
      if (value != null && URL_FULL.equals(name)) {
        int query = value.indexOf('?');
        value = query < 0 ? value : value.substring(0, query);
      }
      span.setAttribute(name, value);
    }
  }
}
