package com.paintbox.edge.cache;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.RemovalCause;
import com.github.benmanes.caffeine.cache.Ticker;
import com.paintbox.edge.compression.Codecs;
import com.paintbox.edge.compression.Coding;
import com.paintbox.edge.config.CacheConfig;
import io.vertx.core.buffer.Buffer;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;

/**
 * The origin shield's memory: a shared HTTP cache of the origin's responses (RFC 9111), one per process, used by
 * every event loop's {@link ShieldHandler}.
 *
 * <h2>Design note</h2>
 *
 * <p><b>What is kept.</b> One {@link Resource} per primary key ({@link ResourceKey}: scheme, host, origin-form
 * target), holding the variance of its latest response and up to {@link Resource#MAX_VARIANTS} stored responses,
 * one per secondary key (RFC 9111 §4.1). A resource is immutable; storing or updating a variant swaps in a new one
 * with Caffeine's {@code compute}, so a reader on any event loop sees one consistent set without a lock, and a
 * purge of a URL takes all its variants at once (nginx keys variants apart, and a purge misses them).
 *
 * <p><b>Bounds.</b> Caffeine with a weigher in bytes (headers, body, bookkeeping) and {@code maximumWeight} of
 * {@code EDGE_CACHE_MAX_BYTES}, evicting by its frequency-aware policy (W-TinyLFU), which keeps the hot set through
 * scans. A body above {@code EDGE_CACHE_MAX_OBJECT_BYTES} is never stored. Each resource also expires once no
 * variant is of any use (past every stale window, and past {@link #KEEP_FOR_VALIDATION_MILLIS} when it can still
 * be revalidated with a 304), by Caffeine's variable expiry on the cache's own clock. Freshness is never read from
 * Caffeine: every lookup computes it from the stored times (§4.2), so an entry Caffeine still holds is served only
 * when the RFC says so.
 *
 * <p><b>Fills and collapsing.</b> Requests that cannot be answered from memory share one origin request per
 * variant: a {@link Fill} registered in {@link #fills} under the primary key and the secondary key the request
 * would have under the variance known for that URL (its stored resource's, or, while the first response of a URL
 * is still streaming, the {@link #varianceHints hint} its head left; a URL never seen collapses on the target
 * alone and sorts its waiters out when the head says what it varies on). Unlike Varnish's waiting list, waiters
 * are released the moment the head is known to be unshareable, and the URL is then remembered for
 * {@link #PASS_MEMORY_MILLIS} as hit-for-miss ({@link #passes}), so the next requests go to the origin in parallel
 * instead of queueing one behind another (varnishcache #3461); a storable answer clears the mark.
 *
 * <p><b>Purges and invalidation</b> scan the map rather than keep a secondary index (by surrogate key, by
 * prefix): purges are rare, a scan of 100,000 entries takes milliseconds off the event loop, and an index that can
 * drift from the entries is how purged objects get served again or other keys get corrupted (Souin #456). A soft
 * purge marks the stored responses stale instead of removing them, so stale-while-revalidate and stale-if-error
 * still cover the origin while they refill.
 *
 * <p><b>Threads.</b> Everything here may be called from any event loop. Caffeine's maintenance runs on the
 * injected executor (the caller's thread in production: the work per write is small and bounded). The clock is
 * injected, and Caffeine's ticker reads it, so tests move time by hand.
 */
public final class OriginCache {

  /** How long a resource with validators is kept past its stale windows, to be revalidated with a 304: a day. */
  static final long KEEP_FOR_VALIDATION_MILLIS = TimeUnit.DAYS.toMillis(1);
  /** How long an unstorable answer turns a URL into hit-for-miss: 30 s, Varnish's default order of magnitude. */
  static final long PASS_MEMORY_MILLIS = TimeUnit.SECONDS.toMillis(30);
  /** Vary hints and hit-for-miss marks kept at most; each is one key and one small value. */
  private static final int MEMO_ENTRIES = 10_000;
  /** How long a vary hint outlives the fill that left it: the first response's body should be in by then. */
  private static final long HINT_MILLIS = TimeUnit.MINUTES.toMillis(1);

  private final CacheConfig config;
  private final Codecs codecs;
  private final Executor compressor;
  private final Clock clock;
  private final CacheEvents events;
  private final StoragePolicy policy;
  private final Cache<ResourceKey, Resource> store;
  private final Cache<ResourceKey, Variance> varianceHints;
  private final Cache<ResourceKey, String> passes;
  /** Fills in flight, by {@link #fillKey}. */
  final Map<String, Fill> fills = new ConcurrentHashMap<>();

  /**
   * @param maintenance runs Caffeine's upkeep (the caller's thread does: it is small and bounded)
   * @param codecs the codings stored responses are kept in besides identity
   * @param compressor runs the compression of a stored body, once per entry and coding, off the event loops
   */
  public OriginCache(CacheConfig config, Clock clock, CacheEvents events, Executor maintenance, Codecs codecs,
      Executor compressor) {
    this.config = Objects.requireNonNull(config, "config");
    this.codecs = Objects.requireNonNull(codecs, "codecs");
    this.compressor = Objects.requireNonNull(compressor, "compressor");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.events = Objects.requireNonNull(events, "events");
    this.policy = new StoragePolicy(config.heuristic(), config.maxObjectBytes());
    Ticker ticker = () -> TimeUnit.MILLISECONDS.toNanos(clock.millis());
    this.store = Caffeine.newBuilder()
        .maximumWeight(bound(config))
        .<ResourceKey, Resource>weigher((key, resource) -> resource.weight)
        .expireAfter(new Usefulness(clock))
        .ticker(ticker)
        .executor(maintenance)
        .removalListener((ResourceKey key, Resource resource, RemovalCause cause) -> removed(resource, cause))
        .build();
    this.varianceHints = Caffeine.newBuilder().maximumSize(MEMO_ENTRIES).ticker(ticker).executor(maintenance)
        .expireAfterWrite(HINT_MILLIS, TimeUnit.MILLISECONDS).build();
    this.passes = Caffeine.newBuilder().maximumSize(MEMO_ENTRIES).ticker(ticker).executor(maintenance)
        .expireAfterWrite(PASS_MEMORY_MILLIS, TimeUnit.MILLISECONDS).build();
  }

  /**
   * Caffeine's bound: the configured bytes less the largest entry, because Caffeine evicts just after a write, so
   * for an instant it holds the newcomer too; that instant then never takes the cache above EDGE_CACHE_MAX_BYTES.
   */
  static long bound(CacheConfig config) {
    long largest = config.maxObjectBytes() + (64L << 10); // the body plus a generous head
    return Math.max(config.maxBytes() / 2, config.maxBytes() - largest);
  }

  CacheConfig config() {
    return config;
  }

  Codecs codecs() {
    return codecs;
  }

  Clock clock() {
    return clock;
  }

  CacheEvents events() {
    return events;
  }

  StoragePolicy policy() {
    return policy;
  }

  /** What is stored for {@code key}, or null. */
  Resource resource(ResourceKey key) {
    return store.getIfPresent(key);
  }

  /** The variance requests for {@code key} are told apart by: the stored one, else a hint, else null (unknown). */
  Variance knownVariance(ResourceKey key, Resource stored) {
    return stored != null ? stored.variance : varianceHints.getIfPresent(key);
  }

  void hint(ResourceKey key, Variance variance) {
    varianceHints.put(key, variance);
  }

  /** Why {@code key} is hit-for-miss, or null when it is not. */
  String passing(ResourceKey key) {
    return passes.getIfPresent(key);
  }

  void pass(ResourceKey key, String why) {
    passes.put(key, why);
  }

  /** Clears a hit-for-miss mark: the URL's last answer could be stored. */
  void unpass(ResourceKey key) {
    passes.invalidate(key);
  }

  /** The key a fill for this variant is registered under: primary and secondary key, or "?" when unknown. */
  static String fillKey(ResourceKey key, Variance variance, String[] values) {
    if (variance == null) {
      return key + "\n?";
    }
    StringBuilder text = new StringBuilder(key.toString()).append('\n');
    for (String value : values) {
      text.append(value == null ? "\u0001" : value).append('\u0000');
    }
    return text.toString();
  }

  /** Stores {@code response} as the variant of {@code key} it was selected by; clears a hit-for-miss mark. */
  void store(ResourceKey key, Variance variance, StoredResponse response) {
    passes.invalidate(key);
    store.asMap().compute(key, (k, old) -> old == null ? Resource.of(k, variance, response)
        : old.with(variance, response));
    if (response.compressible && !response.hasEncoded() && !codecs.encodings().isEmpty()) {
      compressor.execute(() -> compress(key, response));
    }
  }

  /**
   * Compresses a stored body in every coding offered, at the stored levels (paid once per entry, so the hits that
   * follow never compress), then has Caffeine weigh the entry again. Until it is done, hits get identity.
   */
  private void compress(ResourceKey key, StoredResponse response) {
    Buffer[] bodies = new Buffer[Coding.values().length];
    for (Coding coding : codecs.encodings()) {
      bodies[coding.ordinal()] = codecs.compress(coding, response.body);
    }
    response.encoded(bodies);
    store.asMap().computeIfPresent(key, (k, resource) ->
        resource.variants.contains(response) ? resource.reweighed() : resource);
  }

  /** Removes one stored response (the origin no longer lets it be stored, or it was replaced meanwhile). */
  void remove(ResourceKey key, StoredResponse response) {
    store.asMap().computeIfPresent(key, (k, old) -> old.without(response));
  }

  /**
   * RFC 9111 §4.4: a non-error answer to an unsafe request invalidates its target and the same-origin URIs in its
   * {@code Location} and {@code Content-Location}, every scheme and variant of them. Returns the URLs removed.
   */
  int invalidate(String host, String target) {
    int removed = 0;
    for (ResourceKey key : new ArrayList<>(store.asMap().keySet())) {
      if (key.names(host, target) && store.asMap().remove(key) != null) {
        removed++;
      }
    }
    passes.asMap().keySet().removeIf(key -> key.names(host, target));
    return removed;
  }

  /** Applies a purge; see {@link Purge}. Scans every resource: call it off the event loops. */
  public Purge.Result purge(Purge purge) {
    long now = clock.millis();
    int urls = 0;
    int responses = 0;
    for (Map.Entry<ResourceKey, Resource> entry : new ArrayList<>(store.asMap().entrySet())) {
      Resource resource = entry.getValue();
      if (!purge.matches(resource)) {
        continue;
      }
      urls++;
      responses += resource.variants.size();
      if (purge.soft()) {
        resource.variants.forEach(variant -> variant.purge(now));
      } else if (store.asMap().remove(entry.getKey(), resource)) {
        events.evicted("purged");
      }
    }
    passes.asMap().keySet().removeIf(purge::matches);
    return new Purge.Result(urls, responses, purge.soft());
  }

  /** Bytes held, as the weigher counts them. */
  public long bytes() {
    return store.policy().eviction().map(eviction -> eviction.weightedSize().orElse(0)).orElse(0L);
  }

  /** Stored responses (variants) held; walks the map, so for gauges and reports, not requests. */
  public long responses() {
    long count = 0;
    for (Resource resource : store.asMap().values()) {
      count += resource.variants.size();
    }
    return count;
  }

  /** URLs (resources) held. */
  public long urls() {
    return store.estimatedSize();
  }

  /** Runs Caffeine's pending maintenance now (tests, and gauges that want exact figures). */
  public void cleanUp() {
    store.cleanUp();
  }

  /** Every stored response of every URL, for tests and reports. */
  Set<ResourceKey> keys() {
    return Set.copyOf(store.asMap().keySet());
  }

  private void removed(Resource resource, RemovalCause cause) {
    if (resource == null) {
      return;
    }
    if (cause == RemovalCause.SIZE) {
      events.evicted("size");
    } else if (cause == RemovalCause.EXPIRED) {
      events.evicted("expired");
    }
  }

  /** Caffeine's variable expiry: a resource lives until no variant is servable or revalidatable any more. */
  private static final class Usefulness implements Expiry<ResourceKey, Resource> {

    private final Clock clock;

    Usefulness(Clock clock) {
      this.clock = clock;
    }

    private long nanosLeft(Resource resource) {
      long left = resource.usefulUntilMillis(KEEP_FOR_VALIDATION_MILLIS) - clock.millis();
      return TimeUnit.MILLISECONDS.toNanos(Math.max(0, left));
    }

    @Override
    public long expireAfterCreate(ResourceKey key, Resource resource, long currentTime) {
      return nanosLeft(resource);
    }

    @Override
    public long expireAfterUpdate(ResourceKey key, Resource resource, long currentTime, long currentDuration) {
      return nanosLeft(resource);
    }

    @Override
    public long expireAfterRead(ResourceKey key, Resource resource, long currentTime, long currentDuration) {
      return currentDuration;
    }
  }
}
