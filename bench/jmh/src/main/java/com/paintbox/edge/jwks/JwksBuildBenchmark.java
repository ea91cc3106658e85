package com.paintbox.edge.jwks;

import com.nimbusds.jose.jwk.JWK;
import com.paintbox.edge.secrets.InvalidKeyMaterialException;
import com.paintbox.edge.secrets.KeyMaterial;
import com.paintbox.edge.secrets.KeySet;
import java.util.List;
import java.util.Map;
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

/**
 * Building the published JWKS from the secret, as every refresh does after its GetSecretValue calls return.
 *
 * <p>Workload: the AWSCURRENT and AWSPREVIOUS versions of a secret holding {@code keys} private signing keys
 * (alternating RSA-2048 and EC P-256, see {@link Fixtures}), the previous version one key short, as mid-rotation.
 * Per op: {@link KeyMaterial#publicKeys} on both (JSON parse, Nimbus validation, public halves), the union by
 * {@code kid}, then {@link JwksDocument#of}: canonical JSON, gzip at best compression, SHA-256 ETags, header values.
 * No network, no SDK: what the edge's own code costs per refresh.
 *
 * <p>Run: {@code java -jar bench/jmh/target/benchmarks.jar JwksBuildBenchmark} (see bench/jmh/pom.xml to build).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class JwksBuildBenchmark {

  @Param({"2", "4"})
  int keys;

  private String current;
  private String previous;

  @Setup
  public void setUp() {
    current = Fixtures.privateJwks(keys);
    // The previous version: the same keys but the newest, as a secret looks right after a key was added.
    int cut = current.lastIndexOf(",{");
    previous = current.substring(0, cut) + "]}";
  }

  @Benchmark
  public JwksDocument build() throws InvalidKeyMaterialException {
    List<JWK> union = KeyMaterial.union(List.of(KeyMaterial.publicKeys(current), KeyMaterial.publicKeys(previous)));
    return JwksDocument.of(new KeySet(union, Map.of("AWSCURRENT", "v2", "AWSPREVIOUS", "v1")), System.nanoTime());
  }
}
