package com.paintbox.edge.cache;

import com.paintbox.edge.compression.Coding;
import com.paintbox.edge.http.Fields;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One stored response: its status, the headers a client receives (as the forwarding rules left them, minus
 * {@code Age}, which is computed per answer), its body, and what its freshness is computed from. Immutable but for
 * the soft-purge mark and the per-second header memo; shared by every event loop.
 *
 * <p>Age (RFC 9111 §4.2.3), in milliseconds of the cache's clock:
 * <pre>
 *   apparent_age          = max(0, response_time - date_value)
 *   corrected_age_value   = age_value + (response_time - request_time)
 *   corrected_initial_age = max(apparent_age, corrected_age_value)
 *   current_age           = corrected_initial_age + (now - response_time)
 * </pre>
 * A soft purge makes the response stale from that moment on, whatever its lifetime said.
 */
final class StoredResponse {

  /**
   * Bytes counted for an entry beyond its headers and body: this object, its buffer and arrays, the resource and
   * Caffeine's node. Measured with class histograms after full GCs (bench/soak.sh cache): a 10 KiB entry retains
   * about 13.5 KB of heap.
   */
  private static final int OVERHEAD_BYTES = 1024;
  /** Heap per header field beyond its characters: two Strings, the map entry, the per-second hit head's copy. */
  private static final int FIELD_OVERHEAD_BYTES = 160;

  final int status;
  final String reason;
  final MultiMap headers;
  final Buffer body;
  final Variance variance;
  final String[] varyValues;
  /** The origin's {@code Paintbox-Edge-Cache-Control} lines, which clients never see but a 304's re-judging needs. */
  final List<String> edgeCacheControl;
  final Set<String> surrogateKeys;
  final String etag;
  final String lastModified;
  final String mediaType;
  final long responseMillis;
  final long lifetimeMillis;
  final long staleWhileRevalidateMillis;
  final long staleIfErrorMillis;
  final boolean alwaysRevalidate;
  /** Worth compressing for clients that accept it (type, size, no no-transform, no coding of its own). */
  final boolean compressible;
  private final int baseWeight;
  /** current_age at response_time: corrected_initial_age. */
  private final long initialAgeMillis;
  /** Set by a soft purge: the response is stale from then on. 0 while not purged. */
  private volatile long purgedAtMillis;
  /** The answer's head per coding for the second it was built in; rebuilt when the second turns. */
  final StoredAnswers.HitHead[] memos = new StoredAnswers.HitHead[Coding.values().length];
  /**
   * The body in each coding besides identity, by {@link Coding#ordinal()}, once compressed in the background (at
   * the stored levels); null until then, and then replaced whole, never changed in place.
   */
  private volatile Buffer[] encoded;
  /** The codings a body is held in, in {@link Coding} order: identity until {@link #encoded} is there. */
  private volatile List<Coding> held = List.of(Coding.IDENTITY);

  StoredResponse(int status, String reason, MultiMap headers, Buffer body, Variance variance, String[] varyValues,
      StoragePolicy.Verdict verdict, List<String> edgeCacheControl, long requestMillis, long responseMillis,
      boolean compressible) {
    this.status = status;
    this.reason = reason;
    this.headers = headers;
    this.body = body;
    this.variance = variance;
    this.varyValues = varyValues;
    this.edgeCacheControl = List.copyOf(edgeCacheControl);
    this.surrogateKeys = SurrogateKeys.of(headers.getAll(Fields.SURROGATE_KEY));
    this.etag = headers.get(HttpHeaders.ETAG);
    this.lastModified = headers.get(Fields.LAST_MODIFIED);
    this.mediaType = StoragePolicy.mediaType(headers.get(HttpHeaders.CONTENT_TYPE));
    this.responseMillis = responseMillis;
    this.lifetimeMillis = verdict.lifetime() * 1000;
    this.staleWhileRevalidateMillis = verdict.staleWhileRevalidate() * 1000;
    this.staleIfErrorMillis = verdict.staleIfError() * 1000;
    this.alwaysRevalidate = verdict.alwaysRevalidate();
    this.initialAgeMillis = StoragePolicy.initialAgeMillis(verdict.dateSeconds(), verdict.ageSeconds(), requestMillis,
        responseMillis);
    this.compressible = compressible;
    this.baseWeight = weigh(headers, body, varyValues);
  }

  /** Bytes the entry costs the heap: {@link #weigh} plus every compressed body. */
  int weight() {
    long bytes = baseWeight;
    Buffer[] bodies = encoded;
    if (bodies != null) {
      for (Buffer body : bodies) {
        bytes += body == null ? 0 : body.length();
      }
    }
    return (int) Math.min(Integer.MAX_VALUE, bytes);
  }

  /** The body in {@code coding}, or null when it is not (yet) there; identity is always there. */
  Buffer body(Coding coding) {
    if (coding == Coding.IDENTITY) {
      return body;
    }
    Buffer[] bodies = encoded;
    return bodies == null ? null : bodies[coding.ordinal()];
  }

  /** Keeps the compressed bodies; called once, when the background compression is done. */
  void encoded(Buffer[] bodies) {
    hold(bodies);
    java.util.Arrays.fill(memos, null);
  }

  /** The codings the body is held in, computed once when the compressed bodies arrive, not on every hit. */
  List<Coding> held() {
    return held;
  }

  private void hold(Buffer[] bodies) {
    List<Coding> codings = new ArrayList<>(Coding.values().length);
    for (Coding coding : Coding.values()) {
      if (coding == Coding.IDENTITY || (bodies != null && bodies[coding.ordinal()] != null)) {
        codings.add(coding);
      }
    }
    encoded = bodies; // first: whoever reads the new list then finds every body it names
    held = List.copyOf(codings);
  }

  /**
   * Takes the compressed bodies of {@code freshened}, the response a 304 renewed into this one: the same body, so
   * the same compressed forms (a 304 does not update Content-Encoding). Call before storing, so the entry is weighed
   * with them; the store then has nothing to compress.
   */
  void adoptEncoded(StoredResponse freshened) {
    if (compressible && freshened.compressible) {
      hold(freshened.encoded);
    }
  }

  /** Whether the compressed bodies are already there (compressed, or adopted from the response it renews). */
  boolean hasEncoded() {
    return encoded != null;
  }

  /** current_age at {@code nowMillis}. */
  long ageMillis(long nowMillis) {
    return initialAgeMillis + Math.max(0, nowMillis - responseMillis);
  }

  /** Whole seconds of age, as the {@code Age} field says it. */
  long ageSeconds(long nowMillis) {
    return ageMillis(nowMillis) / 1000;
  }

  /** How long it has been stale at {@code nowMillis}; negative while fresh (the remaining freshness). */
  long stalenessMillis(long nowMillis) {
    long staleness = ageMillis(nowMillis) - lifetimeMillis;
    long purged = purgedAtMillis;
    return purged == 0 ? staleness : Math.max(staleness, nowMillis - purged);
  }

  boolean fresh(long nowMillis) {
    return stalenessMillis(nowMillis) < 0;
  }

  /**
   * Cache-Status {@code ttl} (RFC 9211 §2.5): while fresh, the lifetime less the {@code Age} sent with it, so a
   * client doing that sum gets the same figure; once stale, minus the seconds (begun) it has been stale.
   */
  long ttlSeconds(long nowMillis) {
    long staleness = stalenessMillis(nowMillis);
    return staleness < 0 ? lifetimeMillis / 1000 - ageSeconds(nowMillis) : -((staleness + 999) / 1000);
  }

  /** {@link #ttlSeconds} of a response with this lifetime at this age, never purged. */
  static long ttlSeconds(long lifetimeMillis, long ageMillis) {
    long staleness = ageMillis - lifetimeMillis;
    return staleness < 0 ? lifetimeMillis / 1000 - ageMillis / 1000 : -((staleness + 999) / 1000);
  }

  /** Marks the response stale from {@code nowMillis} on (a soft purge). */
  void purge(long nowMillis) {
    if (purgedAtMillis == 0) {
      purgedAtMillis = nowMillis;
    }
  }

  boolean purged() {
    return purgedAtMillis != 0;
  }

  /**
   * True once nothing can be done with it: stale past every window and without a validator to revalidate it by.
   * Such a variant counts as absent (its resource may live on for a fresher one); Caffeine drops it with them.
   */
  boolean useless(long nowMillis) {
    return !hasValidators()
        && stalenessMillis(nowMillis) >= Math.max(staleWhileRevalidateMillis, staleIfErrorMillis);
  }

  boolean hasValidators() {
    return etag != null || lastModified != null;
  }

  /**
   * Until when (in the cache's milliseconds) the entry is worth keeping: while it can be served stale, and, when it
   * has validators, for {@code keepForValidationMillis} after it arrived, to be revalidated with a 304.
   */
  long usefulUntilMillis(long keepForValidationMillis) {
    long staleFrom = responseMillis - initialAgeMillis + lifetimeMillis;
    long servable = staleFrom + Math.max(staleWhileRevalidateMillis, staleIfErrorMillis);
    return hasValidators() ? Math.max(servable, responseMillis + keepForValidationMillis) : servable;
  }

  /**
   * What the entry costs the heap, as close as it can be told without walking the object graph: the body, the
   * headers twice (stored, and the read-only copy a hit keeps for a second), and fixed overheads.
   */
  private static int weigh(MultiMap headers, Buffer body, String[] varyValues) {
    long bytes = OVERHEAD_BYTES + body.length();
    for (Map.Entry<String, String> header : headers) {
      bytes += 2L * (header.getKey().length() + header.getValue().length()) + FIELD_OVERHEAD_BYTES;
    }
    for (String value : varyValues) {
      bytes += value == null ? 0 : value.length();
    }
    return (int) Math.min(Integer.MAX_VALUE, bytes);
  }
}
