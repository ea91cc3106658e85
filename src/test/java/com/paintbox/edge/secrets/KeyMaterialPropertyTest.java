package com.paintbox.edge.secrets;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.OctetKeyPair;
import com.nimbusds.jose.util.Base64URL;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.paintbox.edge.jwks.JwksDocument;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Property: whatever document a secret holds, what the edge publishes is public-only, valid and unambiguous, and
 * nothing private reaches an error message. Documents are generated from a seeded random source (the seed is in
 * the failure message) by mixing real keys of every type, public and private, with mutations: dropped and
 * duplicated members, private members grafted onto public keys, unknown members, duplicate kids, junk values.
 */
class KeyMaterialPropertyTest {

  private static final int DOCUMENTS = 3_000;
  static final List<String> PRIVATE_MEMBERS = List.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");
  private static final List<JWK> POOL = new ArrayList<>();
  /** Every private member value of the pool's keys; shared with {@link PublishedJwksPropertyTest}. */
  static final Set<String> SECRETS = new HashSet<>();

  @BeforeAll
  static synchronized void generateKeys() throws Exception {
    if (!POOL.isEmpty()) {
      return; // already generated for the other property test in this JVM
    }
    for (int i = 0; i < 2; i++) {
      POOL.add(new RSAKeyGenerator(2048).keyID("rsa" + i).generate());
    }
    for (Curve curve : List.of(Curve.P_256, Curve.P_384, Curve.P_521)) {
      POOL.add(new ECKeyGenerator(curve).keyID("ec-" + curve.getName()).generate());
    }
    // OKP generation in Nimbus needs Tink, which the edge does not ship; RFC 8037's example keys serve instead.
    POOL.add(new OctetKeyPair.Builder(Curve.Ed25519, new Base64URL("11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo"))
        .d(new Base64URL("nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A")).keyID("ed").build());
    POOL.add(new OctetKeyPair.Builder(Curve.X25519, new Base64URL("hSDwCYkwp1R0i33ctD73Wg2_Og0mOBr066SpjqqbTmo"))
        .d(new Base64URL("dwdtCnMYpX08FsFyUbJmRd9ML4frwJkqsXf7pR25LCo")).keyID("x").build());
    POOL.add(new OctetSequenceKeyGenerator(256).keyID("hmac").generate());
    for (JWK key : POOL) {
      for (String member : PRIVATE_MEMBERS) {
        Object value = key.toJSONObject().get(member);
        if (value instanceof String text) {
          SECRETS.add(text);
        }
      }
    }
  }

  @Test
  void publicKeys_anyGeneratedDocument_publishesOnlyValidPublicKeysAndLeaksNothing() {
    long seed = new Random().nextLong();
    Random random = new Random(seed);
    int accepted = 0;
    for (int n = 0; n < DOCUMENTS; n++) {
      String document = document(random);
      String context = "seed " + seed + ", document #" + n + ": " + document;
      try {
        List<JWK> keys = KeyMaterial.publicKeys(document);
        accepted++;
        assertThat(keys).as(context).isNotEmpty();
        Set<String> kids = new HashSet<>();
        for (JWK key : keys) {
          assertThat(key.isPrivate()).as(context).isFalse();
          assertThat(key.toJSONObject()).as(context).doesNotContainKeys(PRIVATE_MEMBERS.toArray(String[]::new));
          if (key.getKeyID() != null) {
            assertThat(kids.add(key.getKeyID())).as(context).isTrue();
          }
        }
        String published = JwksDocument.of(keys, 0, com.paintbox.edge.compression.Codecs.OFF).json();
        SECRETS.forEach(secret -> assertThat(published).as(context).doesNotContain(secret));
        assertThat(JWK.parse(new JsonObject(published).getJsonArray("keys").getJsonObject(0).encode()).isPrivate())
            .as(context).isFalse();
      } catch (InvalidKeyMaterialException invalid) {
        SECRETS.forEach(secret -> assertThat(invalid.getMessage()).as(context).doesNotContain(secret));
      } catch (java.text.ParseException e) {
        throw new AssertionError(context, e);
      }
    }
    assertThat(accepted).as("seed %d: some documents must be valid for the property to mean anything", seed)
        .isGreaterThan(DOCUMENTS / 10);
  }

  static String document(Random random) {
    int count = random.nextInt(5);
    JsonArray keys = new JsonArray();
    for (int i = 0; i < count; i++) {
      keys.add(mutate(random, POOL.get(random.nextInt(POOL.size())), random));
    }
    return switch (random.nextInt(10)) {
      case 0 -> count == 0 ? "{}" : keys.getJsonObject(0).encode(); // a single JWK
      case 1 -> "{\"keys\":" + keys.encode() + ",\"extra\":" + keys.encode() + "}";
      case 2 -> "[" + keys.encode() + "]";
      case 3 -> "{\"keys\":{}}";
      default -> new JsonObject().put("keys", keys).encode();
    };
  }

  private static JsonObject mutate(Random random, JWK key, Random r) {
    JsonObject json = new JsonObject((random.nextBoolean() ? key : key.toPublicJWK() == null ? key : key.toPublicJWK())
        .toJSONObject());
    switch (r.nextInt(9)) {
      case 0 -> { } // untouched
      case 1 -> json.remove(List.copyOf(json.fieldNames()).get(r.nextInt(json.size()))); // drop any member
      case 2 -> json.put("kid", "dup"); // collide kids across keys
      case 3 -> json.put("d", secretOf(r)); // graft a private member onto whatever this is
      case 4 -> json.put("x-private", secretOf(r)).put("use", "sig");
      case 5 -> json.put("key_ops", new JsonArray().add("encrypt")).put("use", "sig"); // inconsistent
      case 6 -> json.put("kty", "AKP"); // a key type from the future
      case 7 -> json.remove("kid");
      default -> json.put("n", 12345); // junk where a base64url string belongs
    }
    return json;
  }

  private static String secretOf(Random random) {
    List<String> secrets = List.copyOf(SECRETS);
    return secrets.get(random.nextInt(secrets.size()));
  }
}
