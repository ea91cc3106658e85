package com.paintbox.edge.fleet;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The machines this one knows of, itself excluded: one immutable list, swapped whole when discovery finds another,
 * so every event loop reads a consistent set without a lock.
 */
final class Directory {

  private final Optional<String> shieldRegion;
  private final AtomicReference<List<Peer>> peers = new AtomicReference<>(List.of());

  Directory(Optional<String> shieldRegion) {
    this.shieldRegion = shieldRegion;
  }

  List<Peer> peers() {
    return peers.get();
  }

  /** The shield region's machines (none without a shield region). */
  List<Peer> shields() {
    return peers.get().stream().filter(this::shield).toList();
  }

  /** Every machine outside the shield region (all of them without one). */
  List<Peer> edges() {
    return peers.get().stream().filter(peer -> !shield(peer)).toList();
  }

  boolean shield(Peer peer) {
    return shieldRegion.isPresent() && shieldRegion.get().equals(peer.region());
  }

  /** Replaces the list; returns true when it changed. */
  boolean replace(List<Peer> found) {
    List<Peer> next = List.copyOf(found);
    return !next.equals(peers.getAndSet(next));
  }
}
