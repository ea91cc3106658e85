package com.paintbox.edge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.JWK;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The private member values (RSA {@code d p q dp dq qi}, EC/OKP {@code d}, {@code oct}'s {@code k}) of the keys a
 * test stored in Secrets Manager: strings that must never appear in anything the edge emits. Values are base64url,
 * long and random, so a substring match has no false positives.
 */
public final class KeySecrets {

  public static final List<String> PRIVATE_MEMBERS = List.of("d", "p", "q", "dp", "dq", "qi", "k");

  private final Set<String> values = new TreeSet<>();

  public static KeySecrets of(JWK... keys) {
    KeySecrets secrets = new KeySecrets();
    for (JWK key : keys) {
      secrets.add(key.toJSONObject());
    }
    return secrets;
  }

  /** Adds the private members of one JSON object shaped like a JWK (also for hand-written, invalid ones). */
  public KeySecrets add(Map<String, Object> jwk) {
    for (String member : PRIVATE_MEMBERS) {
      if (jwk.get(member) instanceof String value && value.length() >= 16) {
        values.add(value);
      }
    }
    return this;
  }

  /** Adds the private members of every key in a secret value (a JWKS or one JWK), valid or not. */
  public KeySecrets addDocument(String document) {
    io.vertx.core.json.JsonObject json = new io.vertx.core.json.JsonObject(document);
    io.vertx.core.json.JsonArray keys = json.getJsonArray("keys", new io.vertx.core.json.JsonArray().add(json));
    keys.forEach(key -> add(((io.vertx.core.json.JsonObject) key).getMap()));
    return this;
  }

  public Set<String> values() {
    return Set.copyOf(values);
  }

  /** Fails naming {@code where} if {@code text} holds any private value, or any 16-character run of one. */
  public void assertNotIn(String where, String text) {
    assertThat(values).as("private values to look for").isNotEmpty();
    for (String value : values) {
      // A run of the value catches truncated or split copies, e.g. half a modulus-sized prime in a cut-off body.
      for (int start = 0; start + 16 <= value.length(); start += 16) {
        assertThat(text).as("%s must hold no private key material", where)
            .doesNotContain(value.substring(start, start + 16));
      }
    }
  }
}
