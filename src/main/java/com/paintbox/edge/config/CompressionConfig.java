package com.paintbox.edge.config;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
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

  /** The levels each coding accepts: brotli quality 0-11, zstd 1-22, gzip (zlib) 1-9. */
  private static final Map<String, int[]> LEVEL_RANGES = Map.of("br", new int[] {0, 11}, "zstd", new int[] {1, 22},
      "gzip", new int[] {1, 9});

  /** EDGE_COMPRESSION, EDGE_COMPRESS_*; a wrong value exits 2 naming its key. */
  static CompressionConfig from(Settings s) {
    String mode = s.string("EDGE_COMPRESSION").toLowerCase(Locale.ROOT);
    if (!mode.equals("auto") && !mode.equals("off")) {
      throw new ConfigException("EDGE_COMPRESSION", mode, "auto (negotiate br, zstd, gzip) or off");
    }
    String typesText = s.string("EDGE_COMPRESS_TYPES");
    List<String> types = Arrays.stream(typesText.split(","))
        .map(type -> type.trim().toLowerCase(Locale.ROOT)).filter(type -> !type.isEmpty()).toList();
    for (String type : types) {
      if (!type.matches("[a-z0-9!#$&^_.+-]+/([a-z0-9!#$&^_.+-]+|\\*)")) {
        throw new ConfigException("EDGE_COMPRESS_TYPES", typesText, "media types such as text/* or application/json, "
            + "comma-separated");
      }
    }
    return new CompressionConfig(mode.equals("auto"), s.integer("EDGE_COMPRESS_MIN_BYTES", 0, 1 << 30), types,
        levels(s, "EDGE_COMPRESS_STORED_LEVELS"), levels(s, "EDGE_COMPRESS_STREAMED_LEVELS"));
  }

  /** "br=11, zstd=19, gzip=9": a level for each coding, within its range. */
  private static Map<String, Integer> levels(Settings s, String key) {
    String text = s.string(key);
    Map<String, Integer> levels = new HashMap<>();
    String expected = "br=<0-11>, zstd=<1-22>, gzip=<1-9>";
    for (String member : text.split(",")) {
      String[] pair = member.trim().split("=");
      int[] range = pair.length == 2 ? LEVEL_RANGES.get(pair[0].trim().toLowerCase(Locale.ROOT)) : null;
      if (range == null) {
        throw new ConfigException(key, text, expected);
      }
      try {
        int level = Integer.parseInt(pair[1].trim());
        if (level < range[0] || level > range[1]) {
          throw new ConfigException(key, text, expected);
        }
        levels.put(pair[0].trim().toLowerCase(Locale.ROOT), level);
      } catch (NumberFormatException e) {
        throw new ConfigException(key, text, expected);
      }
    }
    if (!levels.keySet().equals(LEVEL_RANGES.keySet())) {
      throw new ConfigException(key, text, expected);
    }
    return Map.copyOf(levels);
  }
}
