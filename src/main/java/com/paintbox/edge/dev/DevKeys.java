package com.paintbox.edge.dev;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.RSASSASigner;
import com.nimbusds.jose.jwk.Curve;
import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.KeyUse;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.ECKeyGenerator;
import com.nimbusds.jose.jwk.gen.RSAKeyGenerator;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;

/**
 * Signing keys for --dev and tests, generated fresh and stored as *private* JWKs, as a signing service would keep
 * them in Secrets Manager: the edge must publish only their public halves.
 *
 * @param rsa an RS256 signing key
 * @param ec an ES256 signing key
 */
public record DevKeys(RSAKey rsa, ECKey ec) {

  public DevKeys {
    Objects.requireNonNull(rsa, "rsa");
    Objects.requireNonNull(ec, "ec");
  }

  /** Big enough to be realistic, small enough to generate in well under a second. */
  private static final int RSA_BITS = 2048;

  public static DevKeys generate(String kidPrefix) {
    Objects.requireNonNull(kidPrefix, "kidPrefix");
    try {
      RSAKey rsa = new RSAKeyGenerator(RSA_BITS).keyID(kidPrefix + "-rs256").keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.RS256).generate();
      ECKey ec = new ECKeyGenerator(Curve.P_256).keyID(kidPrefix + "-es256").keyUse(KeyUse.SIGNATURE)
          .algorithm(JWSAlgorithm.ES256).generate();
      return new DevKeys(rsa, ec);
    } catch (JOSEException e) {
      throw new IllegalStateException("this JVM cannot generate RSA or P-256 keys", e);
    }
  }

  /** The secret value: a JWKS of both keys with their private members, as the signer stores it. */
  public String privateJwks() {
    return new JWKSet(List.of(rsa, ec)).toString(false);
  }

  /** A token signed with the RSA key, for checking the served JWKS with any JWT library. */
  public String sampleJwt(String issuer, Duration lifetime) {
    Instant now = Instant.now();
    JWTClaimsSet claims = new JWTClaimsSet.Builder()
        .issuer(issuer).subject("dev-user").audience("paintbox")
        .issueTime(Date.from(now)).expirationTime(Date.from(now.plus(lifetime)))
        .build();
    SignedJWT jwt = new SignedJWT(new JWSHeader.Builder(JWSAlgorithm.RS256).keyID(rsa.getKeyID()).build(), claims);
    try {
      jwt.sign(new RSASSASigner(rsa));
    } catch (JOSEException e) {
      throw new IllegalStateException("signing with a freshly generated RSA key failed", e);
    }
    return jwt.serialize();
  }
}
