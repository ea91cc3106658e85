package com.paintbox.edge.fleet;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The machines this one knows of, itself excluded: one immutable list, swapped whole when discovery finds another,
 * so every event loop reads a consistent set without a lock.
 */
final class Directory {

  /** Every peer, split by region once per change, since the split is read on every cacheable miss. */
  private record View(List<Peer> all, List<Peer> shields, List<Peer> edges) {}

  private final Optional<String> shieldRegion;
  private final AtomicReference<View> view = new AtomicReference<>(new View(List.of(), List.of(), List.of()));

  Directory(Optional<String> shieldRegion) {
    this.shieldRegion = shieldRegion;
  }

  List<Peer> peers() {
    return view.get().all();
  }

  /** The shield region's machines (none without a shield region). */
  List<Peer> shields() {
    return view.get().shields();
  }

  /** Every machine outside the shield region (all of them without one). */
  List<Peer> edges() {
    return view.get().edges();
  }

  boolean shield(Peer peer) {
    return shieldRegion.isPresent() && shieldRegion.get().equals(peer.region());
  }

  /** Replaces the list; returns true when it changed. */
  boolean replace(List<Peer> found) {
    List<Peer> next = List.copyOf(found);
    View last = view.getAndSet(new View(next, next.stream().filter(this::shield).toList(),
        next.stream().filter(peer -> !shield(peer)).toList()));
    return !next.equals(last.all());
  }
}
