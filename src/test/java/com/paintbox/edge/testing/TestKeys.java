package com.paintbox.edge.testing;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import java.io.UncheckedIOException;

/** Small, fast keys for tests that need real JWKs but not RSA's generation time. */
public final class TestKeys {

  private TestKeys() {}

  /** A P-256 private key with the given kid. */
  public static ECKey ec(String kid) {
    try {
      return new ECKeyGenerator(Curve.P_256).keyID(kid).keyUse(KeyUse.SIGNATURE).algorithm(JWSAlgorithm.ES256).generate();
    } catch (JOSEException e) {
      throw new UncheckedIOException(new java.io.IOException(e));
    }
  }
}
