package com.paintbox.edge.secrets;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.KeyType;
import com.nimbusds.jose.util.JSONObjectUtils;
import java.nio.charset.StandardCharsets;
import java.text.ParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Turns one secret value (a JWKS or a single JWK, public or private) into the public keys it may publish.
 *
 * <p>Nimbus parses and validates each key (modulus and exponent present, EC points on their curve, {@code use}
 * and {@code key_ops} consistent) and {@link JWK#toPublicJWK()} keeps public members only, dropping everything it
 * does not know. We add what Nimbus leaves to the caller: a size cap, duplicate-{@code kid} detection (Nimbus
 * silently returns the first), dropping symmetric keys, and refusing a document that leaves nothing to publish.
 */
public final class KeyMaterial {

  /** Secrets Manager's own limit on a secret value, in bytes; also what verifiers expect to download at most. */
  public static final int MAX_DOCUMENT_BYTES = 64 * 1024;

  /** Key types Nimbus parses; anything else (a type newer than this build) is skipped, not published. */
  private static final Set<String> SUPPORTED = Set.of("RSA", "EC", "OKP", "oct");

  private KeyMaterial() {}

  /**
   * The union of several documents' keys, first occurrence winning: callers pass AWSCURRENT first, so a
   * {@code kid} also present in an older version is published as the current version has it. Keys without a
   * {@code kid} are told apart by their RFC 7638 thumbprint.
   */
  public static List<JWK> union(List<List<JWK>> documents) {
    Map<String, JWK> byId = new LinkedHashMap<>();
    for (List<JWK> keys : documents) {
      for (JWK key : keys) {
        byId.putIfAbsent(identity(key), key);
      }
    }
    return List.copyOf(byId.values());
  }

  private static String identity(JWK key) {
    if (key.getKeyID() != null) {
      return "kid:" + key.getKeyID();
    }
    try {
      return "jkt:" + key.computeThumbprint();
    } catch (JOSEException e) {
      return "object:" + System.identityHashCode(key);
    }
  }

  /**
   * The public keys of one document, in document order.
   *
   * @throws InvalidKeyMaterialException if the document is too large, not JSON, holds a key Nimbus rejects,
   *     repeats a {@code kid}, or has no public key left once symmetric keys are dropped
   */
  public static List<JWK> publicKeys(String document) throws InvalidKeyMaterialException {
    int bytes = document.getBytes(StandardCharsets.UTF_8).length;
    if (bytes > MAX_DOCUMENT_BYTES) {
      throw new InvalidKeyMaterialException("secret is " + bytes + " bytes, over the " + MAX_DOCUMENT_BYTES + "-byte limit");
    }
    Map<String, Object> json;
    try {
      json = JSONObjectUtils.parse(document);
    } catch (ParseException e) {
      throw new InvalidKeyMaterialException("secret is not a JSON object");
    }
    List<Map<String, Object>> members = members(json);
    List<JWK> published = new ArrayList<>(members.size());
    Set<String> kids = new HashSet<>();
    for (int i = 0; i < members.size(); i++) {
      Object kty = members.get(i).get("kty");
      if (!(kty instanceof String)) {
        throw new InvalidKeyMaterialException("key #" + i + describe(members.get(i)) + " has no \"kty\"");
      }
      if (!SUPPORTED.contains(kty)) {
        continue; // a key type this edge cannot export safely is not published, as Nimbus's JWKSet.parse does
      }
      JWK key = parse(members.get(i), i);
      if (key.getKeyID() != null && !kids.add(key.getKeyID())) {
        throw new InvalidKeyMaterialException("key #" + i + " repeats kid \"" + key.getKeyID() + "\"");
      }
      if (!KeyType.OCT.equals(key.getKeyType())) {
        published.add(key.toPublicJWK());
      }
    }
    if (published.isEmpty()) {
      throw new InvalidKeyMaterialException("secret holds no public key (" + members.size() + " key(s), all symmetric or none)");
    }
    return published;
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> members(Map<String, Object> json) throws InvalidKeyMaterialException {
    if (!json.containsKey("keys")) {
      return List.of(json);
    }
    if (!(json.get("keys") instanceof List<?> keys)) {
      throw new InvalidKeyMaterialException("\"keys\" is not an array");
    }
    List<Map<String, Object>> members = new ArrayList<>(keys.size());
    for (int i = 0; i < keys.size(); i++) {
      if (!(keys.get(i) instanceof Map<?, ?> member)) {
        throw new InvalidKeyMaterialException("key #" + i + " is not a JSON object");
      }
      members.add((Map<String, Object>) member);
    }
    return members;
  }

  private static JWK parse(Map<String, Object> member, int index) throws InvalidKeyMaterialException {
    try {
      return JWK.parse(member);
    } catch (ParseException | RuntimeException e) {
      // Nimbus's message may quote the member it failed on; ours names only public, descriptive fields.
      throw new InvalidKeyMaterialException("key #" + index + describe(member) + " is not a valid public or private JWK");
    }
  }

  private static String describe(Map<String, Object> member) {
    Object kid = member.get("kid");
    Object kty = member.get("kty");
    String kidText = kid instanceof String s && s.length() <= 128 ? " kid=\"" + s + "\"" : "";
    String ktyText = kty instanceof String s && s.length() <= 8 ? " kty=" + s : "";
    return kidText.isEmpty() && ktyText.isEmpty() ? "" : " (" + (kidText + ktyText).trim() + ")";
  }
}
