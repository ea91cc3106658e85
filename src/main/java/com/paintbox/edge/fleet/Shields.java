package com.paintbox.edge.fleet;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Which shield machine takes a fetch, for every event loop of this machine. Each URL goes to one shield machine,
 * chosen by rendezvous hashing (Thaler and Ravishankar, "highest random weight") over the shield region's machines,
 * so with several there the origin still sees one fill per URL, and a machine coming or going moves only its own
 * share. A machine that failed a fetch is left out for {@link #DOWN_MILLIS}, so a dead shield costs one failed
 * connection per few seconds, not one per miss; its share goes to the others, or to the origin when none is left.
 */
final class Shields {

  /** How long a shield machine that failed is left out, in milliseconds. */
  static final long DOWN_MILLIS = 3_000;

  private final Directory directory;
  private final LongSupplier nanoTime;
  private final Map<String, Long> downUntil = new ConcurrentHashMap<>();

  Shields(Directory directory, LongSupplier nanoTime) {
    this.directory = directory;
    this.nanoTime = nanoTime;
  }

  /** The result of a choice: the machine, or why there is none. */
  record Choice(Peer peer, FleetEvents.Fallback none) {}

  Choice choose(String key) {
    List<Peer> shields = directory.shields();
    if (shields.isEmpty()) {
      return new Choice(null, FleetEvents.Fallback.NONE);
    }
    long now = nanoTime.getAsLong();
    Peer best = null;
    long bestWeight = Long.MIN_VALUE;
    for (Peer peer : shields) {
      Long until = downUntil.get(peer.id());
      if (until != null && until - now > 0) {
        continue;
      }
      long weight = weight(peer.id(), key);
      if (best == null || weight > bestWeight) {
        best = peer;
        bestWeight = weight;
      }
    }
    return best == null ? new Choice(null, FleetEvents.Fallback.DOWN) : new Choice(best, null);
  }

  void failed(Peer peer) {
    downUntil.put(peer.id(), nanoTime.getAsLong() + TimeUnit.MILLISECONDS.toNanos(DOWN_MILLIS));
  }

  void answered(Peer peer) {
    if (!downUntil.isEmpty()) {
      downUntil.remove(peer.id());
    }
  }

  /** SplitMix64's finaliser over both hashes: well spread, and the same in every process. */
  static long weight(String peer, String key) {
    long z = ((long) peer.hashCode() << 32) ^ (key.hashCode() & 0xffffffffL);
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
