package com.paintbox.edge.jwks;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.crypto.RSASSAVerifier;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jwt.SignedJWT;
import com.paintbox.edge.dev.DevKeys;
import com.paintbox.edge.testing.EdgeHarness;
import com.paintbox.edge.testing.EdgeHarness.Response;
import com.paintbox.edge.testing.KeySecrets;
import com.paintbox.edge.testing.LogCapture;
import com.paintbox.edge.testing.PrometheusText;
import com.paintbox.edge.testing.SecretsBackend;
import com.paintbox.edge.testing.TestKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Black-box checks of the JWKS edge that hold against any Secrets Manager speaking the real protocol: subclasses
 * run them against our emulator and against moto_server, through the real SDK client and real sockets.
 */
abstract class SecretsManagerBlackBox {

  static final DevKeys KEYS = DevKeys.generate("bb");
  private static final List<String> PRIVATE_MEMBERS = List.of("\"d\"", "\"p\"", "\"q\"", "\"dp\"", "\"dq\"", "\"qi\"", "\"k\"");

  /** A fresh backend per test, so secrets and counters never leak between tests. */
  abstract SecretsBackend backend();

  private EdgeHarness edge(SecretsBackend backend, Map<String, String> env) {
    return EdgeHarness.start(backend, env);
  }

  @Test
  void coldBurst_500ConcurrentRequests_allServedFromOneCallPerStage() {
    try (SecretsBackend backend = backend()) {
      backend.create(EdgeHarness.SECRET, KEYS.privateJwks());
      try (EdgeHarness edge = edge(backend, Map.of())) {
        List<CompletableFuture<Response>> burst = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
          burst.add(edge.get("/.well-known/jwks.json"));
        }
        List<Response> responses = burst.stream().map(CompletableFuture::join).toList();

        assertThat(responses).hasSize(500).allSatisfy(r -> {
          assertThat(r.status()).isEqualTo(200);
          assertThat(r.json().getJsonArray("keys")).hasSize(2);
        });
        for (String stage : List.of("AWSCURRENT", "AWSPENDING", "AWSPREVIOUS")) {
          backend.calls(stage).ifPresent(calls -> assertThat(calls).as(stage).isEqualTo(1));
        }
      }
    }
  }

  @Test
  void privateKeySecret_isPublishedPublicOnlyAndVerifiesTokens() throws Exception {
    try (SecretsBackend backend = backend()) {
      backend.create(EdgeHarness.SECRET, KEYS.privateJwks());
      try (EdgeHarness edge = edge(backend, Map.of())) {
        Response response = edge.fetch("/.well-known/jwks.json");

        assertThat(response.text()).doesNotContain(PRIVATE_MEMBERS.toArray(String[]::new));
        JWKSet served = JWKSet.parse(response.text());
        assertThat(served.getKeys()).allSatisfy(key -> assertThat(key.isPrivate()).isFalse());
        SignedJWT jwt = SignedJWT.parse(KEYS.sampleJwt("https://issuer.test", Duration.ofMinutes(5)));
        RSAKey publicKey = (RSAKey) served.getKeyByKeyId(jwt.getHeader().getKeyID());
        assertThat(jwt.verify(new RSASSAVerifier(publicKey))).isTrue();
      }
    }
  }

  @Test
  void rotation_newCurrentAndPending_publishesEveryStageTogether() {
    try (SecretsBackend backend = backend()) {
      backend.create(EdgeHarness.SECRET, TestKeys.ec("old").toJSONString());
      try (EdgeHarness edge = edge(backend, Map.of())) {
        assertThat(kids(edge)).containsExactly("old");

        backend.put(EdgeHarness.SECRET, TestKeys.ec("new").toJSONString());
        edge.edge().cache().refreshNow().await();
        assertThat(kids(edge)).containsExactly("new", "old");

        backend.put(EdgeHarness.SECRET, TestKeys.ec("next").toJSONString(), "AWSPENDING");
        edge.edge().cache().refreshNow().await();
        assertThat(kids(edge)).containsExactly("new", "next", "old");
      }
    }
  }

  @Test
  void conditionalAndEncodedRequests_304GzipAndHead() throws Exception {
    try (SecretsBackend backend = backend()) {
      backend.create(EdgeHarness.SECRET, KEYS.privateJwks());
      try (EdgeHarness edge = edge(backend, Map.of())) {
        Response plain = edge.fetch("/.well-known/jwks.json?cache-buster=1");
        String etag = plain.header("ETag");
        assertThat(etag).matches("\"[A-Za-z0-9_-]{22}\"");
        assertThat(httpDate(plain)).isBetween(Instant.now().minusSeconds(5), Instant.now().plusSeconds(1));

        Response notModified = edge.send("GET", "/.well-known/jwks.json", Map.of("If-None-Match", etag)).join();
        assertThat(notModified.status()).isEqualTo(304);
        assertThat(notModified.body()).isEmpty();
        assertThat(notModified.header("ETag")).isEqualTo(etag);
        assertThat(httpDate(notModified)).isBetween(Instant.now().minusSeconds(5), Instant.now().plusSeconds(1));

        Response gzip = edge.send("GET", "/.well-known/jwks.json", Map.of("Accept-Encoding", "gzip")).join();
        assertThat(gzip.header("Content-Encoding")).isEqualTo("gzip");
        assertThat(gzip.header("ETag")).isNotEqualTo(etag);
        try (GZIPInputStream in = new GZIPInputStream(new ByteArrayInputStream(gzip.body()))) {
          assertThat(new String(in.readAllBytes())).isEqualTo(plain.text());
        }

        Response head = edge.send("HEAD", "/.well-known/jwks.json", Map.of()).join();
        assertThat(head.status()).isEqualTo(200);
        assertThat(head.body()).isEmpty();
        assertThat(head.header("Content-Length")).isEqualTo(Integer.toString(plain.body().length));
      }
    }
  }

  @Test
  void missingSecret_answers503WithRetryAfterAndNotReady() {
    try (SecretsBackend backend = backend();
        EdgeHarness edge = edge(backend, Map.of("EDGE_JWKS_SECRET_ID", "paintbox/absent"))) {
      Response response = edge.fetch("/.well-known/jwks.json");

      assertThat(response.status()).isEqualTo(503);
      assertThat(Long.parseLong(response.header("Retry-After"))).isPositive();
      assertThat(response.header("Cache-Control")).isEqualTo("no-store");
      assertThat(response.json().getString("error")).isEqualTo("jwks_unavailable");
      assertThat(httpDate(response)).isBetween(Instant.now().minusSeconds(5), Instant.now().plusSeconds(1));
      assertThat(edge.fetch("/_edge/ready").status()).isEqualTo(503);
      assertThat(edge.fetch("/_edge/health").status()).isEqualTo(200);
    }
  }

  @Test
  void symmetricOnlySecret_isInvalidAndNeverServed() {
    try (SecretsBackend backend = backend()) {
      backend.create(EdgeHarness.SECRET, "{\"keys\":[{\"kty\":\"oct\",\"kid\":\"h\",\"k\":\"c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0\"}]}");
      try (EdgeHarness edge = edge(backend, Map.of())) {
        Response response = edge.fetch("/.well-known/jwks.json");

        assertThat(response.status()).isEqualTo(503);
        assertThat(response.text()).doesNotContain("c2VjcmV0");
      }
    }
  }

  /**
   * A bad version becomes AWSCURRENT after a good one: through this backend's own PutSecretValue, the edge keeps
   * serving the good JWKS byte for byte, stays ready, counts the fetch invalid, and emits none of either version's
   * private members in a response, a metric or a log line. The bad documents are {@link AwsFaultMatrixTest}'s.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("com.paintbox.edge.jwks.AwsFaultMatrixTest#invalidSecrets")
  void invalidVersionRotatedIn_goodJwksKeptReadyAndNothingPrivateEmitted(String name, JsonObject invalid) {
    KeySecrets secrets = KeySecrets.of(KEYS.rsa(), KEYS.ec()).addDocument(invalid.encode());
    try (SecretsBackend backend = backend(); LogCapture logs = LogCapture.attach()) {
      backend.create(EdgeHarness.SECRET, KEYS.privateJwks());
      try (EdgeHarness edge = edge(backend, Map.of())) {
        Response good = edge.fetch("/.well-known/jwks.json");
        backend.put(EdgeHarness.SECRET, invalid.encode());

        Throwable refresh = edge.edge().cache().refreshNow().transform(done -> Future.succeededFuture(done.cause())).await();
        Response after = edge.fetch("/.well-known/jwks.json");
        PrometheusText metrics = edge.scrape();

        assertThat(refresh).as("the refresh fails").isNotNull();
        assertThat(after.status()).isEqualTo(200);
        assertThat(after.body()).isEqualTo(good.body());
        assertThat(edge.fetch("/_edge/ready").status()).isEqualTo(200);
        assertThat(metrics.valueOrZero("edge_jwks_fetch_total", Map.of("outcome", "invalid"))).isEqualTo(1);
        secrets.assertNotIn("the JWKS", good.text() + after.text());
        secrets.assertNotIn("the refresh failure", String.valueOf(refresh.getMessage()));
        secrets.assertNotIn("/metrics", metrics.toString());
        secrets.assertNotIn("the log", logs.text());
      }
    }
  }

  static List<String> kids(EdgeHarness edge) {
    JsonObject jwks = edge.fetch("/.well-known/jwks.json").json();
    return jwks.getJsonArray("keys").stream().map(k -> ((JsonObject) k).getString("kid")).toList();
  }

  /** The answer's {@code Date}, which must be an IMF-fixdate (RFC 9110 §5.6.7). */
  private static Instant httpDate(Response response) {
    assertThat(response.header("Date")).as("Date").isNotNull();
    return Instant.from(DateTimeFormatter.RFC_1123_DATE_TIME.parse(response.header("Date")));
  }
}
