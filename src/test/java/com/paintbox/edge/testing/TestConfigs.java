package com.paintbox.edge.testing;

import com.paintbox.edge.config.JwksConfig;
import java.time.Duration;
import java.util.Optional;

/** Configurations for unit tests that do not go through the loader. */
public final class TestConfigs {

  private TestConfigs() {}

  public static JwksConfig jwks(Duration fresh, Duration swr, Duration sie, Duration ahead) {
    return new JwksConfig("paintbox/jwks", fresh, swr, sie, ahead, Duration.ofSeconds(1), Duration.ofSeconds(60),
        Optional.empty(), "public, max-age=300", Optional.of("max-age=300"), Optional.of("max-age=300"),
        Optional.of("jwks"));
  }
}
