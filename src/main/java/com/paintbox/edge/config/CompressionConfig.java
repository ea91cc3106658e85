package com.paintbox.edge.config;

import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Compression of what the edge sends.
 *
 * @param enabled negotiate br, zstd and gzip ({@code EDGE_COMPRESSION=auto}); false sends bodies as they are
 * @param minBytes bodies smaller than this are sent as they are
 * @param types media types worth compressing; {@code text/*} style wildcards allowed
 * @param storedLevels per coding (br, zstd, gzip), the level of bodies compressed once and kept
 * @param streamedLevels per coding, the level of bodies compressed on the fly
 */
public record CompressionConfig(boolean enabled, int minBytes, List<String> types, Map<String, Integer> storedLevels,
    Map<String, Integer> streamedLevels) {

  public CompressionConfig {
    Objects.requireNonNull(types, "types");
    Objects.requireNonNull(storedLevels, "storedLevels");
    Objects.requireNonNull(streamedLevels, "streamedLevels");
  }
}
