package com.paintbox.edge.tracing;

import io.vertx.core.spi.tracing.TagExtractor;
import java.util.Set;

/**
 * Vert.x's HTTP span tags without what may carry secrets: the request's full URL ({@code http.url}) and query
 * ({@code url.query}) are dropped, and {@code url.full} (client spans) loses its query. Signed URLs and tokens in
 * query strings must not leave for a collector; the path, method and scheme stay.
 */
final class RedactedTags<T> implements TagExtractor<T> {

  private static final Set<String> DROPPED = Set.of("http.url", "url.query");
  private static final String URL_FULL = "url.full";

  private final TagExtractor<T> tags;

  RedactedTags(TagExtractor<T> tags) {
    this.tags = tags;
  }

  @Override
  public int len(T obj) {
    int kept = 0;
    for (int i = 0, n = tags.len(obj); i < n; i++) {
      if (!DROPPED.contains(tags.name(obj, i))) {
        kept++;
      }
    }
    return kept;
  }

  @Override
  public String name(T obj, int index) {
    return tags.name(obj, source(obj, index));
  }

  @Override
  public String value(T obj, int index) {
    int source = source(obj, index);
    String value = tags.value(obj, source);
    if (value != null && URL_FULL.equals(tags.name(obj, source))) {
      int query = value.indexOf('?');
      return query < 0 ? value : value.substring(0, query);
    }
    return value;
  }

  /** The index among Vert.x's tags of the {@code index}-th tag kept. */
  private int source(T obj, int index) {
    int kept = -1;
    for (int i = 0, n = tags.len(obj); i < n; i++) {
      if (!DROPPED.contains(tags.name(obj, i)) && ++kept == index) {
        return i;
      }
    }
    throw new IndexOutOfBoundsException("tag " + index + " of " + len(obj));
  }
}
