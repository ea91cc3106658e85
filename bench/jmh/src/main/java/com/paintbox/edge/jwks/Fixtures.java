package com.paintbox.edge.jwks;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.paintbox.edge.config.JwksConfig;
import com.paintbox.edge.secrets.KeySet;
import com.paintbox.edge.secrets.KeySource;
import io.vertx.core.Future;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Shared workloads: private signing keys as they sit in Secrets Manager, and the edge's default JWKS settings. */
final class Fixtures {

  private Fixtures() {}

  /**
   * A private JWKS of {@code count} signing keys as the secret holds them, alternating RSA-2048 (RS256) and EC P-256
   * (ES256), the mix --dev seeds: every private member present, as a rotation leaves them.
   */
  static String privateJwks(int count) {
    try {
      List<JWK> keys = new ArrayList<>(count);
      for (int i = 0; i < count; i++) {
        keys.add(i % 2 == 0
            ? new RSAKeyGenerator(2048).keyID("bench-rs256-" + i).keyUse(KeyUse.SIGNATURE).generate()
            : new ECKeyGenerator(Curve.P_256).keyID("bench-es256-" + i).keyUse(KeyUse.SIGNATURE).generate());
      }
      return new JWKSet(keys).toString(false);
    } catch (JOSEException e) {
      throw new IllegalStateException("key generation failed", e);
    }
  }

  /**
   * A key source answering {@code keys} 10 ms later on another thread, as the SDK answers: the cache publishes a
   * fetched JWKS into its own entry, which it cannot do from inside the load the calling thread is still running
   * (a source that completes at once makes Caffeine fail the load with a recursive update).
   */
  static KeySource source(KeySet keys) {
    return () -> Future.fromCompletionStage(CompletableFuture.supplyAsync(() -> keys,
        CompletableFuture.delayedExecutor(10, TimeUnit.MILLISECONDS)));
  }

  /** Waits for the first fetch to land, so every op is a hit. */
  static Lookup awaitHit(JwksCache cache) {
    try {
      cache.lookup().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new IllegalStateException("the first fetch did not complete", e);
    }
    Lookup lookup = cache.lookupNow();
    if (lookup == null || lookup.outcome() != Outcome.HIT) {
      throw new IllegalStateException("the JWKS is not in memory: " + lookup + ", state " + cache.state());
    }
    return lookup;
  }

  /** conf/edge.json's JWKS settings: fresh 300 s, SWR 300 s, SIE 1 day, derived cache headers. */
  static JwksConfig defaultConfig() {
    String windows = "max-age=300, stale-while-revalidate=300, stale-if-error=86400";
    return new JwksConfig("paintbox/jwks", Duration.ofSeconds(300), Duration.ofSeconds(300), Duration.ofDays(1),
        Duration.ofSeconds(30), Duration.ofSeconds(1), Duration.ofSeconds(60), Optional.<Path>empty(),
        "public, " + windows, Optional.of(windows), Optional.of(windows), Optional.of("jwks"));
  }
}
