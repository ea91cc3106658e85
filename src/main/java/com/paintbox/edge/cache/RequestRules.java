package com.paintbox.edge.cache;

import com.paintbox.edge.http.Fields;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.List;

/**
 * What a client's own {@code Cache-Control} (RFC 9111 §5.2.1) asks of the edge. By default only
 * {@code only-if-cached} is honoured: {@code no-cache}, {@code max-age} and {@code Pragma: no-cache} would let any
 * client send any request to the origin, which is what a shield is there to stop (CDNs ignore them too). With
 * {@code EDGE_CACHE_HONOR_CLIENT_NO_CACHE=true}, they make the edge revalidate with the origin first
 * ({@code fwd=request}).
 */
final class RequestRules {

  private static final RequestRules NONE = new RequestRules(false, Directives.ABSENT, false);

  private final boolean noCache;
  private final long maxAge;
  private final boolean onlyIfCached;

  private RequestRules(boolean noCache, long maxAge, boolean onlyIfCached) {
    this.noCache = noCache;
    this.maxAge = maxAge;
    this.onlyIfCached = onlyIfCached;
  }

  static RequestRules of(MultiMap request, boolean honored) {
    List<String> lines = request.getAll(HttpHeaders.CACHE_CONTROL);
    String pragma = request.get(Fields.PRAGMA);
    if (lines.isEmpty() && pragma == null) {
      return NONE;
    }
    Directives d = Directives.cacheControl(lines);
    boolean pragmaNoCache = lines.isEmpty() && pragma != null && pragma.toLowerCase(java.util.Locale.ROOT)
        .contains("no-cache");
    return new RequestRules(honored && (d.noCache || pragmaNoCache), honored ? d.maxAge : Directives.ABSENT,
        d.onlyIfCached);
  }

  /** True when the client's directives (if honoured) rule out answering with {@code stored} unvalidated. */
  boolean revalidate(StoredResponse stored, long nowMillis) {
    return noCache || maxAge == Directives.INVALID || (maxAge >= 0 && stored.ageSeconds(nowMillis) > maxAge);
  }

  /** True when the client's directives, not the stored response, sent the request forward. */
  boolean forced() {
    return noCache || maxAge != Directives.ABSENT;
  }

  boolean onlyIfCached() {
    return onlyIfCached;
  }
}
