package com.paintbox.edge.cache;

import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The purge tags of a response: its {@code Surrogate-Key} field lines, space-separated keys (Fastly's syntax). */
final class SurrogateKeys {

  private SurrogateKeys() {}

  static Set<String> of(List<String> lines) {
    if (lines.isEmpty()) {
      return Set.of();
    }
    Set<String> keys = new TreeSet<>();
    for (String line : lines) {
      for (String key : line.trim().split("\\s+")) {
        if (!key.isEmpty()) {
          keys.add(key);
        }
      }
    }
    return Set.copyOf(keys);
  }
}
