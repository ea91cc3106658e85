package com.paintbox.edge.jwks;

import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.compression.Codecs;
import com.paintbox.edge.compression.Coding;
import com.paintbox.edge.testing.TestCodecs;
import com.paintbox.edge.testing.TestKeys;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class JwksHandlerParsingTest {

  private static final JwksDocument DOCUMENT = JwksDocument.of(
      List.of(TestKeys.ec("e").toPublicJWK(), TestKeys.ec("f").toPublicJWK()), 0, TestCodecs.defaults());

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "gzip|GZIP", "GZIP|GZIP", "x-gzip|GZIP", "'  gzip  ;  q=0.8 '|GZIP", "gzip;q=0|IDENTITY",
      "gzip; q=0.000|IDENTITY", "deflate|IDENTITY", "identity|IDENTITY", "br;q=1.0, gzip;q=0.5|BR",
      "br;q=0.5, gzip;q=1.0|GZIP", "zstd|ZSTD", "gzip;q=0, *|SMALLEST_NOT_GZIP", "*;q=0|IDENTITY"})
  void coding_followsWeightsAndPrefersTheSmallestOfEqualWeight(String header, String expected) {
    Coding chosen = JwksHandler.coding(header, DOCUMENT);

    if (expected.equals("SMALLEST_NOT_GZIP")) {
      assertThat(chosen).isIn(Coding.BR, Coding.ZSTD);
    } else {
      assertThat(chosen).isEqualTo(Coding.valueOf(expected));
    }
  }

  @Test
  void coding_equalWeights_smallestBodyWins() {
    Coding chosen = JwksHandler.coding("gzip, br, zstd", DOCUMENT);

    long smallest = Math.min(DOCUMENT.size(Coding.BR), Math.min(DOCUMENT.size(Coding.ZSTD), DOCUMENT.size(Coding.GZIP)));
    assertThat(DOCUMENT.size(chosen)).isEqualTo(smallest);
  }

  @Test
  void coding_absentHeader_isIdentity() {
    assertThat(JwksHandler.coding(null, DOCUMENT)).isEqualTo(Coding.IDENTITY);
  }

  @Test
  void coding_identityRefusedAndNothingElseOffered_stillIdentityForTheJwks() {
    assertThat(JwksHandler.coding("identity;q=0, deflate", DOCUMENT)).isEqualTo(Coding.IDENTITY);
  }

  @Test
  void entityTags_matchWeaklyAnyRepresentationOrStar() {
    String strong = DOCUMENT.representation(Coding.IDENTITY).etag().toString();
    String gzip = DOCUMENT.representation(Coding.GZIP).etag().toString();
    String br = DOCUMENT.representation(Coding.BR).etag().toString();

    assertThat(EntityTags.anyMatch(strong, DOCUMENT)).isTrue();
    assertThat(EntityTags.anyMatch("W/" + strong, DOCUMENT)).isTrue();
    assertThat(EntityTags.anyMatch("\"other\", " + gzip, DOCUMENT)).isTrue();
    assertThat(EntityTags.anyMatch(br, DOCUMENT)).isTrue();
    assertThat(EntityTags.anyMatch("*", DOCUMENT)).isTrue();
    assertThat(EntityTags.anyMatch("\"other\"", DOCUMENT)).isFalse();
    assertThat(EntityTags.anyMatch("garbage", DOCUMENT)).isFalse();
    assertThat(EntityTags.anyMatch(strong.substring(0, 5), DOCUMENT)).isFalse();
  }

  @Test
  void document_sameKeys_sameBytesAndEtags_eachCodingItsOwnTag() {
    var key = TestKeys.ec("e").toPublicJWK();

    JwksDocument first = JwksDocument.of(List.of(key), 0, TestCodecs.defaults());
    JwksDocument second = JwksDocument.of(List.of(key), 99, Codecs.OFF);

    assertThat(first.json()).isEqualTo(second.json());
    assertThat(first.representation(Coding.IDENTITY).etag().toString())
        .isEqualTo(second.representation(Coding.IDENTITY).etag().toString());
    assertThat(first.representation(Coding.GZIP).etag().toString())
        .isEqualTo(second.representation(Coding.GZIP).etag().toString());
    assertThat(List.of(Coding.BR, Coding.ZSTD, Coding.GZIP, Coding.IDENTITY).stream()
        .map(coding -> first.representation(coding).etag().toString()).distinct()).hasSize(4);
    assertThat(second.offered()).containsExactly(Coding.GZIP, Coding.IDENTITY);
  }
}
