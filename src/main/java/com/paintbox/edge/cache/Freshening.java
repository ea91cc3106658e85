package com.paintbox.edge.cache;

import com.paintbox.edge.http.Fields;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * RFC 9111 §4.3.4: what a 304 makes of the stored response it validated. Its fields replace the stored ones (but
 * those §3.2 keeps), the result is judged again as the origin sent it, and it comes in two copies: the leader's,
 * with everything the 304 said, and the shared one, without what it said for one user. Pure: the fill decides
 * whom each copy goes to and whether the shared one is stored.
 */
final class Freshening {

  /** Fields a 304 does not update in the stored response (RFC 9111 §3.2). */
  private static final Set<String> NOT_UPDATED = Set.of("content-length", "content-encoding", "transfer-encoding",
      "content-range", "age");

  /** The verdict on the freshened response, the leader's copy and the shared copy. */
  record Freshened(StoragePolicy.Verdict renewed, StoredResponse forLeader, StoredResponse forOthers) {}

  private Freshening() {}

  /**
   * @param forwarded the 304's fields as the edge forwards them
   */
  static Freshened freshen(OriginCache cache, ResourceKey key, StoredResponse revalidating,
      HttpClientResponse response, MultiMap forwarded, long requestMillis, long responseMillis) {
    MultiMap merged = HttpHeaders.headers().addAll(revalidating.headers);
    for (String name : forwarded.names()) {
      if (!NOT_UPDATED.contains(name.toLowerCase(Locale.ROOT))) {
        merged.remove(name);
        forwarded.getAll(name).forEach(value -> merged.add(name, value));
      }
    }
    // Judged as the origin sent it: the 304's own Date and Age, not the ones the edge added or kept.
    MultiMap judged = HttpHeaders.headers().addAll(merged);
    judged.remove(HttpHeaders.DATE);
    judged.remove(HttpHeaders.AGE);
    response.headers().getAll(HttpHeaders.DATE).forEach(date -> judged.add(HttpHeaders.DATE, date));
    response.headers().getAll(HttpHeaders.AGE).forEach(age -> judged.add(HttpHeaders.AGE, age));
    List<String> targeted = response.headers().getAll(Fields.EDGE_CACHE_CONTROL);
    List<String> edgeCacheControl = targeted.isEmpty() ? revalidating.edgeCacheControl : targeted;
    edgeCacheControl.forEach(line -> judged.add(Fields.EDGE_CACHE_CONTROL, line));
    StoragePolicy.Asked asked = new StoragePolicy.Asked(false, false, key.rsc);
    StoragePolicy.Verdict renewed = cache.policy().judge(revalidating.status, judged, asked, requestMillis,
        responseMillis);
    merged.remove(HttpHeaders.AGE);
    // The 304 answered the leader's request: only the leader gets what it says for one user (a renewed session
    // cookie, fields named by private= or no-cache=); everyone else, and the store, get the shared copy.
    MultiMap shared = HttpHeaders.headers().addAll(merged);
    renewed.unshared().forEach(shared::remove);
    shared.remove(HttpHeaders.SET_COOKIE);
    boolean compressible = cache.codecs().compressible(revalidating.status, shared, revalidating.body.length());
    Function<MultiMap, StoredResponse> copy = headers -> new StoredResponse(
        revalidating.status, revalidating.reason, headers, revalidating.body, revalidating.variance,
        revalidating.varyValues, renewed, edgeCacheControl, requestMillis, responseMillis, compressible);
    StoredResponse forOthers = copy.apply(shared);
    forOthers.adoptEncoded(revalidating); // the same body: compressing it again at the stored levels would be waste
    return new Freshened(renewed, copy.apply(merged), forOthers);
  }
}
