package com.paintbox.edge.jwks;

import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.dev.SecretsManagerEmulator;
import com.paintbox.edge.dev.SecretsManagerEmulator.Fault;
import com.paintbox.edge.testing.EdgeHarness;
import com.paintbox.edge.testing.EdgeHarness.Response;
import com.paintbox.edge.testing.EmulatorBackend;
import com.paintbox.edge.testing.TestKeys;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The JWKS edge against a misbehaving Secrets Manager, on real sockets and the real clock, with windows shrunk to
 * seconds: fresh 1 s, SWR 1 s, SIE 3 s (so the last good JWKS is served until 4 s after its fetch).
 */
class JwksFaultsTest {

  private static final String STAGE = "AWSCURRENT";
  private static final long POLL_MILLIS = 100;

  private Vertx vertx;
  private EmulatorBackend backend;
  private SecretsManagerEmulator emulator;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    backend = new EmulatorBackend(vertx);
    emulator = backend.emulator();
    backend.create(EdgeHarness.SECRET, TestKeys.ec("good").toJSONString());
  }

  @AfterEach
  void tearDown() {
    backend.close();
    vertx.close().await();
  }

  @Test
  void freshHits_makeNoAwsCalls() {
    try (EdgeHarness edge = EdgeHarness.start(backend, Map.of())) {
      assertThat(edge.fetch("/.well-known/jwks.json").status()).isEqualTo(200);
      emulator.resetCounters();

      for (int i = 0; i < 200; i++) {
        Response hit = edge.fetch("/.well-known/jwks.json");
        assertThat(hit.header("Cache-Status")).matches("paintbox-edge; hit; ttl=\\d+");
      }

      assertThat(emulator.getSecretValueCalls()).isZero();
    }
  }

  @Test
  void slowAws_threeSecondRefresh_noRequestWaitsForIt() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("EDGE_JWKS_FRESH_SECONDS", "2");
    env.put("EDGE_JWKS_REFRESH_AHEAD_MILLIS", "1000");
    env.put("EDGE_AWS_ATTEMPT_TIMEOUT_MILLIS", "5000");
    try (EdgeHarness edge = EdgeHarness.start(backend, env)) {
      assertThat(SecretsManagerBlackBox.kids(edge)).containsExactly("good");
      backend.put(EdgeHarness.SECRET, TestKeys.ec("rotated").toJSONString());
      // AWSCURRENT is read first, then the other stages: two rounds of 1.5 s make a 3 s refresh.
      emulator.latency(Duration.ofMillis(1_500));

      long slowest = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(6);
      while (System.nanoTime() < deadline) {
        long started = System.nanoTime();
        assertThat(edge.fetch("/.well-known/jwks.json").status()).isEqualTo(200);
        slowest = Math.max(slowest, System.nanoTime() - started);
        TimeUnit.MILLISECONDS.sleep(20);
      }

      assertThat(emulator.getSecretValueCalls(STAGE)).isGreaterThanOrEqualTo(2); // the slow refresh did run
      assertThat(SecretsManagerBlackBox.kids(edge)).contains("rotated");
      assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofSeconds(1)); // far below the 3 s AWS takes
    }
  }

  @ParameterizedTest
  @EnumSource(value = Fault.class, names = {"SERVER_ERROR", "THROTTLING", "ACCESS_DENIED", "NOT_FOUND", "RESET", "GARBAGE",
      "TRUNCATED", "HANG"})
  void failingAws_lastGoodServedUntilFreshPlusSieThen503(Fault fault) throws Exception {
    try (EdgeHarness edge = EdgeHarness.start(backend, EdgeHarness.shortWindows(3))) {
      assertThat(edge.fetch("/.well-known/jwks.json").status()).isEqualTo(200);
      long warm = System.nanoTime();
      emulator.fail(fault);
      emulator.resetCounters();

      List<Sample> samples = poll(edge, warm, Duration.ofMillis(5_000));

      assertThat(samples).filteredOn(s -> s.atMillis < 3_400).isNotEmpty().allSatisfy(s -> {
        assertThat(s.status).as("at %d ms", s.atMillis).isEqualTo(200);
        assertThat(s.body).contains("\"kid\":\"good\"");
      });
      assertThat(samples).filteredOn(s -> s.atMillis > 1_200 && s.atMillis < 3_400)
          .allSatisfy(s -> assertThat(s.cacheStatus).matches("paintbox-edge; hit; ttl=-\\d+"));
      assertThat(samples).filteredOn(s -> s.atMillis > 4_300).isNotEmpty().allSatisfy(s -> {
        assertThat(s.status).as("at %d ms", s.atMillis).isEqualTo(503);
        assertThat(s.retryAfter).isNotNull();
      });
      // Retries back off: a handful of attempts in 5 s, not one per request (50 requests were made).
      assertThat(emulator.getSecretValueCalls(STAGE)).isBetween(3, 25);
    }
  }

  @Test
  void failingAws_pastEveryWindow_servesTheFallbackFile(@TempDir Path dir) throws Exception {
    Path fallback = dir.resolve("fallback.json");
    Files.writeString(fallback, "{\"keys\":[" + TestKeys.ec("fallback").toJSONString() + "]}");
    Map<String, String> env = EdgeHarness.shortWindows(3);
    env.put("EDGE_JWKS_FALLBACK_FILE", fallback.toString());
    try (EdgeHarness edge = EdgeHarness.start(backend, env)) {
      assertThat(edge.fetch("/.well-known/jwks.json").status()).isEqualTo(200);
      long warm = System.nanoTime();
      emulator.fail(Fault.SERVER_ERROR);

      List<Sample> samples = poll(edge, warm, Duration.ofMillis(5_000));

      assertThat(samples).filteredOn(s -> s.atMillis > 4_300).isNotEmpty().allSatisfy(s -> {
        assertThat(s.status).isEqualTo(200);
        assertThat(s.body).contains("\"kid\":\"fallback\"").doesNotContain("\"d\"");
        assertThat(s.cacheStatus).isEqualTo("paintbox-edge; detail=fallback");
      });
      assertThat(edge.fetch("/_edge/ready").status()).isEqualTo(200);

      emulator.heal();
      TimeUnit.MILLISECONDS.sleep(1_500); // the next retry (at most 1 s away) succeeds
      assertThat(SecretsManagerBlackBox.kids(edge)).containsExactly("good");
    }
  }

  private static List<Sample> poll(EdgeHarness edge, long since, Duration length) throws InterruptedException {
    List<Sample> samples = new ArrayList<>();
    long end = since + length.toNanos();
    while (System.nanoTime() < end) {
      Response response = edge.fetch("/.well-known/jwks.json");
      samples.add(new Sample(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - since), response.status(),
          response.header("Cache-Status"), response.header("Retry-After"), response.text()));
      TimeUnit.MILLISECONDS.sleep(POLL_MILLIS);
    }
    return samples;
  }

  private record Sample(long atMillis, int status, String cacheStatus, String retryAfter, String body) {}
}
