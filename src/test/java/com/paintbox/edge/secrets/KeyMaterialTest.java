package com.paintbox.edge.secrets;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.nimbusds.jose.jwk.ECKey;
import com.nimbusds.jose.jwk.JWK;
import com.nimbusds.jose.jwk.JWKSet;
import com.nimbusds.jose.jwk.OctetSequenceKey;
import com.nimbusds.jose.jwk.RSAKey;
import com.nimbusds.jose.jwk.gen.OctetSequenceKeyGenerator;
import com.paintbox.edge.dev.DevKeys;
import com.paintbox.edge.testing.TestKeys;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class KeyMaterialTest {

  private static final DevKeys KEYS = DevKeys.generate("t");
  private static final List<String> PRIVATE_MEMBERS = List.of("d", "p", "q", "dp", "dq", "qi", "oth", "k");

  @Test
  void publicKeys_privateJwks_keepsPublicMembersOnly() throws Exception {
    List<JWK> keys = KeyMaterial.publicKeys(KEYS.privateJwks());

    assertThat(keys).extracting(JWK::getKeyID).containsExactly("t-rs256", "t-es256");
    assertThat(keys).allSatisfy(key -> {
      assertThat(key.isPrivate()).isFalse();
      assertThat(key.toJSONObject()).doesNotContainKeys(PRIVATE_MEMBERS.toArray(String[]::new));
    });
    assertThat(((RSAKey) keys.get(0)).getModulus()).isEqualTo(KEYS.rsa().getModulus());
  }

  @Test
  void publicKeys_singleJwk_isAccepted() throws Exception {
    List<JWK> keys = KeyMaterial.publicKeys(KEYS.ec().toJSONString());

    assertThat(keys).singleElement().satisfies(key -> assertThat(key.isPrivate()).isFalse());
  }

  @Test
  void publicKeys_symmetricKeys_areDropped() throws Exception {
    OctetSequenceKey hmac = new OctetSequenceKeyGenerator(256).keyID("hmac").generate();
    String document = new JWKSet(List.of(hmac, KEYS.ec())).toString(false);

    assertThat(KeyMaterial.publicKeys(document)).extracting(JWK::getKeyID).containsExactly("t-es256");
  }

  @Test
  void publicKeys_onlySymmetricKeys_isInvalidAndTheMessageHoldsNoKeyMaterial() throws Exception {
    OctetSequenceKey hmac = new OctetSequenceKeyGenerator(256).keyID("hmac").generate();
    String document = new JWKSet(hmac).toString(false);

    assertThatThrownBy(() -> KeyMaterial.publicKeys(document))
        .isInstanceOf(InvalidKeyMaterialException.class)
        .hasMessageContaining("no public key")
        .hasMessageNotContaining(hmac.getKeyValue().toString());
  }

  @Test
  void publicKeys_duplicateKid_isInvalid() {
    ECKey first = TestKeys.ec("same");
    ECKey second = TestKeys.ec("same");
    String document = new JWKSet(List.of(first, second)).toString(false);

    assertThatThrownBy(() -> KeyMaterial.publicKeys(document)).hasMessageContaining("repeats kid \"same\"");
  }

  @Test
  void publicKeys_overSixtyFourKiB_isInvalid() {
    String padding = "x".repeat(KeyMaterial.MAX_DOCUMENT_BYTES);
    String document = "{\"keys\":[],\"padding\":\"" + padding + "\"}";

    assertThatThrownBy(() -> KeyMaterial.publicKeys(document)).hasMessageContaining("over the 65536-byte limit");
  }

  @Test
  void publicKeys_notJson_isInvalidWithoutQuotingTheSecret() {
    assertThatThrownBy(() -> KeyMaterial.publicKeys("hunter2-not-json"))
        .isInstanceOf(InvalidKeyMaterialException.class)
        .hasMessageNotContaining("hunter2");
  }

  @Test
  void publicKeys_privateWithoutPublicMembers_isInvalidWithoutQuotingIt() {
    Map<String, Object> rsa = KEYS.rsa().toJSONObject();
    rsa.remove("n");
    String document = new io.vertx.core.json.JsonObject().put("keys", List.of(rsa)).encode();
    String d = KEYS.rsa().getPrivateExponent().toString();

    assertThatThrownBy(() -> KeyMaterial.publicKeys(document))
        .hasMessageContaining("key #0 (kid=\"t-rs256\" kty=RSA) is not a valid")
        .hasMessageNotContaining(d);
  }

  @Test
  void publicKeys_unknownKeyType_isSkipped() throws Exception {
    String document = "{\"keys\":[{\"kty\":\"AKP\",\"kid\":\"future\",\"pub\":\"AAAA\"}," + KEYS.ec().toJSONString() + "]}";

    assertThat(KeyMaterial.publicKeys(document)).extracting(JWK::getKeyID).containsExactly("t-es256");
  }

  @Test
  void union_sameKidInSeveralVersions_firstVersionWins() {
    JWK current = TestKeys.ec("k1").toPublicJWK();
    JWK previousSameKid = TestKeys.ec("k1").toPublicJWK();
    JWK previousOther = TestKeys.ec("k0").toPublicJWK();

    List<JWK> union = KeyMaterial.union(List.of(List.of(current), List.of(previousSameKid, previousOther)));

    assertThat(union).containsExactly(current, previousOther);
  }
}
