package com.paintbox.edge.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import com.paintbox.edge.testing.EdgeHarness;
import com.paintbox.edge.testing.EdgeHarness.Response;
import com.paintbox.edge.testing.EmulatorBackend;
import com.paintbox.edge.testing.LogCapture;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.HashSet;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@link KeyMaterialPropertyTest}'s property, end to end: each generated document is written to the Secrets Manager
 * emulator as the new {@code AWSCURRENT} (the previous one becoming {@code AWSPREVIOUS}), the edge refreshes through
 * the real SDK client, and the JWKS is read over HTTP. Whatever the documents, the served set is public-only, its
 * kids unique, no private value appears in it, in the admin port's answer or in the log, and an invalid document
 * leaves the previously served bytes untouched. Fewer documents than the unit property (each costs a refresh).
 */
class PublishedJwksPropertyTest {

  private static final int DOCUMENTS = 150;

  @BeforeAll
  static void generateKeys() throws Exception {
    KeyMaterialPropertyTest.generateKeys();
  }

  @Test
  void publishedJwks_generatedSecretsThroughEmulatorAndHttp_publicOnlyAndInvalidNeverReplacesGood() throws Exception {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    Vertx vertx = Vertx.vertx();
    EmulatorBackend backend = new EmulatorBackend(vertx);
    int accepted = 0;
    try (LogCapture logs = LogCapture.attach()) {
      backend.create(EdgeHarness.SECRET, "{\"kty\":\"oct\",\"k\":\"c2VjcmV0\"}"); // nothing servable yet
      try (EdgeHarness edge = EdgeHarness.start(backend, Map.of())) {
        String served = null;
        for (int n = 0; n < DOCUMENTS; n++) {
          String document = KeyMaterialPropertyTest.document(random);
          String context = "seed " + seed + ", document #" + n + ": " + document;
          backend.put(EdgeHarness.SECRET, document);
          boolean refreshed = edge.edge().cache().refreshNow()
              .transform(done -> Future.succeededFuture(done.succeeded())).await();
          Response response = edge.fetch("/.well-known/jwks.json");
          if (refreshed) {
            accepted++;
            assertThat(response.status()).as(context).isEqualTo(200);
            assertPublicOnly(response.text(), context);
            served = response.text();
          } else if (served != null) {
            assertThat(response.text()).as("an invalid document keeps the served JWKS; " + context).isEqualTo(served);
          } else {
            assertThat(response.status()).as(context).isEqualTo(503);
          }
        }
      }
      String log = logs.text();
      KeyMaterialPropertyTest.SECRETS.forEach(secret -> assertThat(log).as("seed %d: the log", seed)
          .doesNotContain(secret));
    } finally {
      backend.close();
      vertx.close().await();
    }
    assertThat(accepted).as("seed %d: some refreshes must succeed for the property to mean anything", seed)
        .isGreaterThan(DOCUMENTS / 10);
  }

  private static void assertPublicOnly(String body, String context) throws Exception {
    Set<String> kids = new HashSet<>();
    for (Object member : new JsonObject(body).getJsonArray("keys")) {
      JsonObject key = (JsonObject) member;
      assertThat(key.fieldNames()).as(context).doesNotContainAnyElementsOf(KeyMaterialPropertyTest.PRIVATE_MEMBERS);
      assertThat(JWK.parse(key.encode()).isPrivate()).as(context).isFalse();
      if (key.getString("kid") != null) {
        assertThat(kids.add(key.getString("kid"))).as("unique kid; " + context).isTrue();
      }
    }
    KeyMaterialPropertyTest.SECRETS.forEach(secret -> assertThat(body).as(context).doesNotContain(secret));
  }
}
