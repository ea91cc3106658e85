package com.paintbox.edge.jwks;

import com.github.benmanes.caffeine.cache.Ticker;
import com.paintbox.edge.config.JwksConfig;
import com.paintbox.edge.secrets.InvalidKeyMaterialException;
import com.paintbox.edge.secrets.KeyMaterial;
import com.paintbox.edge.secrets.KeySet;
import io.vertx.core.buffer.Buffer;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The edge's own work per JWKS hit, sockets and HTTP codec left out: what {@link JwksHandler} does between Vert.x
 * handing it a parsed request and Vert.x encoding the answer.
 *
 * <p>Workload: a fresh JWKS of three keys in a {@link JwksCache} (default windows, no refresh due). Per op:
 * {@link JwksCache#lookupNow()}, the {@code Accept-Encoding} parse, the {@code If-None-Match} comparison, the
 * response's shared header map (rebuilt when the second turns, so roughly once per million ops here) and the body
 * buffer. {@code acceptEncoding} is absent or a browser's; {@code ifNoneMatch} absent or the current ETag (a 304).
 * {@link JwksRoundTripBenchmark} measures the same request through Vert.x and loopback.
 *
 * <p>Run: {@code java -jar bench/jmh/target/benchmarks.jar JwksHitBenchmark} (see bench/jmh/pom.xml to build).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JwksHitBenchmark {

  @Param({"", "gzip, deflate, br"})
  String acceptEncoding;

  @Param({"false", "true"})
  boolean ifNoneMatch;

  private JwksCache cache;
  private JwksHandler handler;
  private String acceptHeader;
  private String ifNoneMatchHeader;

  @Setup
  public void setUp() throws InvalidKeyMaterialException {
    KeySet keys = new KeySet(KeyMaterial.publicKeys(Fixtures.privateJwks(3)), Map.of("AWSCURRENT", "v1"));
    JwksConfig config = Fixtures.defaultConfig();
    cache = new JwksCache(Fixtures.source(keys), config, Ticker.systemTicker(),
        (delay, task) -> () -> { }, Optional.empty(), JwksEvents.NONE);
    cache.start();
    Lookup first = Fixtures.awaitHit(cache);
    handler = new JwksHandler(cache, config, JwksEvents.NONE);
    acceptHeader = acceptEncoding.isEmpty() ? null : acceptEncoding;
    ifNoneMatchHeader = ifNoneMatch ? first.document().etag(JwksHandler.acceptsGzip(acceptHeader)).toString() : null;
  }

  @Benchmark
  public Buffer hit(Blackhole headers) {
    Lookup lookup = cache.lookupNow();
    boolean gzip = JwksHandler.acceptsGzip(acceptHeader);
    boolean notModified = EntityTags.anyMatch(ifNoneMatchHeader, lookup.document());
    headers.consume(handler.headers(lookup, gzip, notModified));
    return notModified ? null : lookup.document().body(gzip);
  }
}
