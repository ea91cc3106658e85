package com.paintbox.edge.jwks;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import com.paintbox.edge.dev.DevKeys;
import com.paintbox.edge.dev.SecretsManagerEmulator;
import com.paintbox.edge.dev.SecretsManagerEmulator.Fault;
import com.paintbox.edge.testing.EdgeHarness;
import com.paintbox.edge.testing.EdgeHarness.Response;
import com.paintbox.edge.testing.EmulatorBackend;
import com.paintbox.edge.testing.KeySecrets;
import com.paintbox.edge.testing.LogCapture;
import com.paintbox.edge.testing.PrometheusText;
import com.paintbox.edge.testing.TestKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Issue 7, part 1: every AWS fault and every kind of bad secret, seen from outside. For each: what the edge serves,
 * what readiness says, what the metrics count, and that no private member of the stored keys reaches a response,
 * the admin port, a metric or a log line (captured in-process through the production JSON encoder).
 *
 * <p>The warm side of the transport faults (last good JWKS served until fresh + SIE, then 503) is
 * {@link JwksFaultsTest}; here the cache is cold, so nothing hides a fault, and recovery is checked after healing.
 */
class AwsFaultMatrixTest {

  private static final String JWKS = "/.well-known/jwks.json";
  private static final String TOKEN = "fault-matrix-admin-token";
  private static final DevKeys KEYS = DevKeys.generate("fm");
  private static final Duration RECOVERY = Duration.ofSeconds(10);
  /** The attempt timeout of the cases that exceed it on purpose. */
  private static final long SHORT_ATTEMPT_MILLIS = 500;

  private Vertx vertx;
  private EmulatorBackend backend;
  private SecretsManagerEmulator emulator;
  private LogCapture logs;
  private KeySecrets secrets;

  @BeforeEach
  void setUp() {
    vertx = Vertx.vertx();
    backend = new EmulatorBackend(vertx);
    emulator = backend.emulator();
    backend.create(EdgeHarness.SECRET, KEYS.privateJwks());
    secrets = KeySecrets.of(KEYS.rsa(), KEYS.ec());
    logs = LogCapture.attach();
  }

  @AfterEach
  void tearDown() {
    logs.close();
    backend.close();
    vertx.close().await();
  }

  /** Attempt timeout 3 s (a cold JVM's first call is slow), two attempts, retries from 100 ms capped at 1 s. */
  private static Map<String, String> env() {
    return env(3_000);
  }

  private static Map<String, String> env(long attemptTimeoutMillis) {
    Map<String, String> env = new HashMap<>();
    env.put("EDGE_AWS_ATTEMPT_TIMEOUT_MILLIS", Long.toString(attemptTimeoutMillis));
    env.put("EDGE_AWS_MAX_ATTEMPTS", "2");
    env.put("EDGE_JWKS_RETRY_MIN_MILLIS", "100");
    env.put("EDGE_JWKS_RETRY_MAX_SECONDS", "1");
    env.put("EDGE_ADMIN_TOKEN", TOKEN);
    env.put("EDGE_ADMIN_REFRESH_MIN_INTERVAL_SECONDS", "0");
    return env;
  }

  static Stream<Arguments> transportFaults() {
    return Stream.of(
        fault("5xx InternalServiceError", e -> e.fail(Fault.SERVER_ERROR), "5xx"),
        fault("latency 400 ms, within the 500 ms attempt timeout", e -> e.latency(Duration.ofMillis(400)), null),
        fault("ThrottlingException", e -> e.fail(Fault.THROTTLING), "throttled"),
        fault("AccessDeniedException", e -> e.fail(Fault.ACCESS_DENIED), "denied"),
        fault("ResourceNotFoundException", e -> e.fail(Fault.NOT_FOUND), "not_found"),
        fault("connection reset", e -> e.fail(Fault.RESET), "network"),
        fault("truncated body", e -> e.fail(Fault.TRUNCATED), "network"),
        fault("garbage body", e -> e.fail(Fault.GARBAGE), "malformed"),
        fault("no answer (hang)", e -> e.fail(Fault.HANG), "timeout"),
        fault("latency 1.5 s, past the 500 ms attempt timeout", e -> e.latency(Duration.ofMillis(1_500)), "timeout"));
  }

  private static Arguments fault(String name, Consumer<SecretsManagerEmulator> inject, String type) {
    return Arguments.of(name, inject, type);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("transportFaults")
  void coldStart_awsFault_503NotReadyCountedByTypeThenRecoversAndLeaksNothing(String name,
      Consumer<SecretsManagerEmulator> inject, String type) throws Exception {
    inject.accept(emulator);
    boolean slow = type == null || type.equals("timeout");
    try (EdgeHarness edge = EdgeHarness.start(backend, env(slow ? SHORT_ATTEMPT_MILLIS : 3_000))) {
      if (type == null) {
        assertSlowButServed(edge);
        return;
      }
      Response first = edge.fetch(JWKS);
      Response refresh = adminRefresh(edge);
      PrometheusText metrics = edge.scrape();

      assertThat(first.status()).isEqualTo(503);
      assertThat(Long.parseLong(first.header("Retry-After"))).isPositive();
      assertThat(first.header("Cache-Control")).isEqualTo("no-store");
      assertThat(first.json().getString("error")).isEqualTo("jwks_unavailable");
      assertThat(edge.fetch("/_edge/ready").status()).isEqualTo(503);
      assertThat(edge.admin("GET", "/ready", Map.of()).status()).isEqualTo(503);
      assertThat(edge.fetch("/_edge/health").status()).isEqualTo(200);
      assertThat(refresh.status()).isEqualTo(502);
      assertThat(refresh.json().getString("error_type")).isEqualTo(type);
      double errors = metrics.valueOrZero("edge_jwks_fetch_total", Map.of("outcome", "error"));
      assertThat(errors).isGreaterThanOrEqualTo(1);
      assertThat(metrics.valueOrZero("edge_jwks_fetch_errors_total", Map.of("type", type))).isEqualTo(errors);
      assertThat(metrics.valueOrZero("edge_jwks_fetch_total", Map.of("outcome", "success"))).isZero();
      assertThat(metrics.valueOrZero("edge_ready", Map.of())).isZero();
      assertThat(metrics.valueOrZero("edge_jwks_requests_total", Map.of("result", "unavailable"))).isGreaterThanOrEqualTo(1);

      emulator.heal();
      Response healed = awaitStatus(edge, 200);

      assertThat(healed.json().getJsonArray("keys")).hasSize(2);
      assertThat(edge.fetch("/_edge/ready").status()).isEqualTo(200);
      assertNothingPrivate(edge, first, refresh, healed);
    }
  }

  /** Within the attempt timeout a slow AWS only delays the cold start: every waiter gets the one fetch's JWKS. */
  private void assertSlowButServed(EdgeHarness edge) {
    Response first = edge.fetch(JWKS);
    PrometheusText metrics = edge.scrape();

    assertThat(first.status()).isEqualTo(200);
    assertThat(first.header("Cache-Status")).matches("paintbox-edge; (fwd=miss; (collapsed|stored)|hit; ttl=\\d+)");
    assertThat(edge.fetch("/_edge/ready").status()).isEqualTo(200);
    assertThat(metrics.valueOrZero("edge_jwks_fetch_total", Map.of("outcome", "success"))).isEqualTo(1);
    assertThat(metrics.valueOrZero("edge_jwks_fetch_total", Map.of("outcome", "error"))).isZero();
    assertThat(emulator.getSecretValueCalls("AWSCURRENT")).isEqualTo(1);
    assertNothingPrivate(edge, first);
  }

  static Stream<Arguments> invalidSecrets() {
    ECKey one = TestKeys.ec("dup");
    ECKey two = TestKeys.ec("dup");
    JsonObject rsa = new JsonObject(KEYS.rsa().toJSONObject());
    JsonObject privateOnlyRsa = rsa.copy().put("kid", "private-only");
    privateOnlyRsa.remove("n");
    privateOnlyRsa.remove("e");
    JsonObject privateOnlyEc = new JsonObject(KEYS.ec().toJSONObject()).put("kid", "private-only-ec");
    privateOnlyEc.remove("x");
    privateOnlyEc.remove("y");
    String oct = Base64.getUrlEncoder().withoutPadding().encodeToString(KEYS.rsa().getPrivateExponent().decode());
    return Stream.of(
        Arguments.of("over 64 KiB", new JsonObject(KEYS.privateJwks()).put("x-padding", "a".repeat(70_000))),
        Arguments.of("only symmetric keys", new JsonObject().put("keys", new JsonArray()
            .add(new JsonObject().put("kty", "oct").put("kid", "hmac").put("k", oct)))),
        Arguments.of("only private keys without their public members", new JsonObject().put("keys",
            new JsonArray().add(privateOnlyRsa).add(privateOnlyEc))),
        Arguments.of("duplicate kids", new JsonObject().put("keys", new JsonArray()
            .add(new JsonObject(one.toJSONObject())).add(new JsonObject(two.toJSONObject())))));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSecrets")
  void coldStart_invalidSecret_503NotReadyCountedInvalidAndLeaksNothing(String name, JsonObject document) {
    backend.put(EdgeHarness.SECRET, document.encode());
    remember(document);
    try (EdgeHarness edge = EdgeHarness.start(backend, env())) {
      Response first = edge.fetch(JWKS);
      Response refresh = adminRefresh(edge);
      PrometheusText metrics = edge.scrape();

      assertThat(first.status()).isEqualTo(503);
      assertThat(edge.fetch("/_edge/ready").status()).isEqualTo(503);
      assertThat(refresh.status()).isEqualTo(502);
      assertThat(refresh.json().getString("outcome")).isEqualTo("invalid");
      assertThat(metrics.valueOrZero("edge_jwks_fetch_total", Map.of("outcome", "invalid"))).isGreaterThanOrEqualTo(2);
      assertThat(metrics.valueOrZero("edge_jwks_fetch_total", Map.of("outcome", "error"))).isZero();
      assertThat(metrics.valueOrZero("edge_ready", Map.of())).isZero();
      assertNothingPrivate(edge, first, refresh);
    }
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidSecrets")
  void warm_invalidSecretRotatedIn_lastGoodKeptReadyAndCountedInvalid(String name, JsonObject document) {
    try (EdgeHarness edge = EdgeHarness.start(backend, env())) {
      Response good = edge.fetch(JWKS);
      assertThat(good.status()).isEqualTo(200);
      backend.put(EdgeHarness.SECRET, document.encode()); // AWSCURRENT now; the good version is AWSPREVIOUS
      remember(document);

      Response refresh = adminRefresh(edge);
      Response after = edge.fetch(JWKS);
      PrometheusText metrics = edge.scrape();

      assertThat(refresh.status()).isEqualTo(502);
      assertThat(refresh.json().getString("outcome")).isEqualTo("invalid");
      assertThat(after.status()).isEqualTo(200);
      assertThat(after.header("ETag")).isEqualTo(good.header("ETag"));
      assertThat(after.body()).isEqualTo(good.body());
      assertThat(edge.fetch("/_edge/ready").status()).isEqualTo(200);
      assertThat(metrics.valueOrZero("edge_jwks_fetch_total", Map.of("outcome", "invalid"))).isGreaterThanOrEqualTo(1);
      assertThat(metrics.valueOrZero("edge_jwks_fetch_total", Map.of("outcome", "success"))).isEqualTo(1);
      assertThat(metrics.valueOrZero("edge_jwks_fetch_errors_total", Map.of("type", "invalid"))).isGreaterThanOrEqualTo(1);
      assertThat(metrics.valueOrZero("edge_ready", Map.of())).isEqualTo(1);
      assertNothingPrivate(edge, good, refresh, after);
    }
  }

  /**
   * A rotation lands while the three stage reads are in flight: one stage's answer is held back by the emulator
   * while {@code AWSCURRENT} moves. Whatever each read saw, the published set must still hold the key that was
   * current when the refresh began (it signed every live token), contain nothing that never held a stage, and
   * the next refresh must converge on the post-rotation union.
   */
  @ParameterizedTest(name = "{0} answers late")
  @ValueSource(strings = {"AWSCURRENT", "AWSPREVIOUS"})
  void rotationDuringRefresh_stageReadsStraddleIt_outgoingKeyKeptAndNextRefreshConverges(String slowStage)
      throws Exception {
    String secret = "paintbox/rotating";
    backend.create(secret, TestKeys.ec("z").toJSONString());
    backend.put(secret, TestKeys.ec("a").toJSONString()); // AWSCURRENT=a, AWSPREVIOUS=z
    Map<String, String> env = env();
    env.put("EDGE_JWKS_SECRET_ID", secret); // the held answer (800 ms) stays inside the 3 s attempt timeout
    try (EdgeHarness edge = EdgeHarness.start(backend, env)) {
      assertThat(SecretsManagerBlackBox.kids(edge)).containsExactly("a", "z");
      emulator.latency(slowStage, Duration.ofMillis(800));

      Future<JwksDocument> refresh = edge.edge().cache().refreshNow();
      TimeUnit.MILLISECONDS.sleep(300); // every read has been sent; the slow one is held
      backend.put(secret, TestKeys.ec("b").toJSONString()); // AWSCURRENT=b, AWSPREVIOUS=a
      refresh.toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      List<String> during = SecretsManagerBlackBox.kids(edge);

      assertThat(during).as("published while the rotation straddled the reads").contains("a")
          .isSubsetOf("a", "b", "z");
      emulator.heal();
      edge.edge().cache().refreshNow().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(SecretsManagerBlackBox.kids(edge)).containsExactly("b", "a");
    }
  }

  // ---- helpers -------------------------------------------------------------------------------------------------

  private void remember(JsonObject document) {
    secrets.addDocument(document.encode());
  }

  private static Response adminRefresh(EdgeHarness edge) {
    return edge.admin("POST", "/jwks/refresh", Map.of("Authorization", "Bearer " + TOKEN));
  }

  private static Response awaitStatus(EdgeHarness edge, int status) throws InterruptedException {
    long deadline = System.nanoTime() + RECOVERY.toNanos();
    Response last;
    do {
      last = edge.fetch(JWKS);
      if (last.status() == status) {
        return last;
      }
      TimeUnit.MILLISECONDS.sleep(100);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("still " + last.status() + " after " + RECOVERY + ": " + last.text());
  }

  private void assertNothingPrivate(EdgeHarness edge, Response... responses) {
    for (Response response : responses) {
      secrets.assertNotIn("a response", response.raw().headers().map() + response.text());
    }
    secrets.assertNotIn("/_edge/ready", edge.fetch("/_edge/ready").text());
    secrets.assertNotIn("/metrics", edge.scrape().toString());
    secrets.assertNotIn("the log", logs.text());
    assertThat(logs.lines()).as("log lines captured").isNotEmpty();
  }
}
