package com.paintbox.edge.testing;

import com.paintbox.edge.compression.Codecs;
import com.paintbox.edge.config.CompressionConfig;
import java.util.List;
import java.util.Map;

/** The edge's codecs as conf/edge.json configures them, for tests that build documents or caches by hand. */
public final class TestCodecs {

  private TestCodecs() {}

  public static Codecs defaults() {
    return Codecs.load(new CompressionConfig(true, 1024, List.of("text/*", "application/json", "application/javascript",
        "text/x-component", "image/svg+xml"), Map.of("br", 11, "zstd", 19, "gzip", 9),
        Map.of("br", 4, "zstd", 3, "gzip", 5)));
  }
}
