package com.paintbox.edge.cache;

import io.vertx.core.MultiMap;
import java.util.ArrayList;
import java.util.List;

/**
 * Everything stored for one {@link ResourceKey}: the variance of its latest response and one stored response per
 * secondary key. Immutable; an update makes a new one (Caffeine's {@code compute} swaps it in atomically), so a
 * reader on any event loop sees one consistent set, and a purge of the URL removes every variant at once.
 */
final class Resource {

  /** Variants kept per URL; beyond it the oldest goes. Bounds a URL whose Vary explodes (Cookie, User-Agent). */
  static final int MAX_VARIANTS = 16;

  final ResourceKey key;
  final Variance variance;
  final List<StoredResponse> variants;
  final int weight;

  private Resource(ResourceKey key, Variance variance, List<StoredResponse> variants) {
    this.key = key;
    this.variance = variance;
    this.variants = variants;
    int bytes = key.toString().length() * 2;
    for (StoredResponse variant : variants) {
      bytes += variant.weight();
    }
    this.weight = bytes;
  }

  static Resource of(ResourceKey key, Variance variance, StoredResponse response) {
    return new Resource(key, variance, List.of(response));
  }

  /** The variant {@code request} selects, or null (a vary-miss). */
  StoredResponse select(MultiMap request) {
    for (StoredResponse variant : variants) {
      if (variance.matches(variant.varyValues, request)) {
        return variant;
      }
    }
    return null;
  }

  /**
   * This resource with {@code response} stored under {@code variance}. A response whose variance names other
   * fields replaces every variant: the old ones were selected by fields the origin no longer varies on.
   */
  Resource with(Variance next, StoredResponse response) {
    if (!variance.sameFields(next)) {
      return of(key, next, response);
    }
    List<StoredResponse> kept = new ArrayList<>(variants.size() + 1);
    for (StoredResponse variant : variants) {
      if (!java.util.Arrays.equals(variant.varyValues, response.varyValues)) {
        kept.add(variant);
      }
    }
    kept.add(response);
    while (kept.size() > MAX_VARIANTS) {
      kept.remove(0);
    }
    return new Resource(key, next, List.copyOf(kept));
  }

  /** This resource without {@code response}; null when nothing is left. */
  Resource without(StoredResponse response) {
    List<StoredResponse> kept = new ArrayList<>(variants);
    kept.remove(response);
    return kept.isEmpty() ? null : new Resource(key, variance, List.copyOf(kept));
  }

  /** The same resource, weighed again (a variant's compressed bodies arrived). */
  Resource reweighed() {
    return new Resource(key, variance, variants);
  }

  /** The latest moment any variant is still worth keeping, in the cache's milliseconds. */
  long usefulUntilMillis(long keepForValidationMillis) {
    long until = Long.MIN_VALUE;
    for (StoredResponse variant : variants) {
      until = Math.max(until, variant.usefulUntilMillis(keepForValidationMillis));
    }
    return until;
  }
}
