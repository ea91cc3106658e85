package com.paintbox.edge.secrets;

import com.nimbusds.jose.jwk.JWK;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The public keys to publish and where they came from.
 *
 * @param keys public keys only, de-duplicated, AWSCURRENT's first
 * @param versions version id per stage read, for logs (ids are not secret)
 */
public record KeySet(List<JWK> keys, Map<String, String> versions) {

  public KeySet {
    keys = List.copyOf(Objects.requireNonNull(keys, "keys"));
    versions = Map.copyOf(Objects.requireNonNull(versions, "versions"));
  }

  public List<String> kids() {
    return keys.stream().map(key -> key.getKeyID() == null ? "(no kid)" : key.getKeyID()).toList();
  }
}
