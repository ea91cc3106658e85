package com.paintbox.edge.jwks;

import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.testing.TestKeys;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class JwksHandlerParsingTest {

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "gzip|true", "GZIP|true", "gzip, deflate, br|true", "br;q=1.0, gzip;q=0.5|true", "gzip;q=0|false",
      "gzip; q=0.000|false", "deflate|false", "*|true", "*;q=0|false", "gzip;q=0, *|false", "identity|false",
      "x-gzip|true", "'  gzip  ;  q=0.8 '|true"})
  void acceptsGzip_followsWeights(String header, boolean expected) {
    assertThat(JwksHandler.acceptsGzip(header)).isEqualTo(expected);
  }

  @Test
  void acceptsGzip_absent_isFalse() {
    assertThat(JwksHandler.acceptsGzip(null)).isFalse();
  }

  @Test
  void entityTags_matchWeaklyEitherRepresentationOrStar() {
    JwksDocument document = JwksDocument.of(List.of(TestKeys.ec("e").toPublicJWK()), 0);
    String strong = document.etag(false).toString();
    String gzip = document.etag(true).toString();

    assertThat(EntityTags.anyMatch(strong, document)).isTrue();
    assertThat(EntityTags.anyMatch("W/" + strong, document)).isTrue();
    assertThat(EntityTags.anyMatch("\"other\", " + gzip, document)).isTrue();
    assertThat(EntityTags.anyMatch("*", document)).isTrue();
    assertThat(EntityTags.anyMatch("\"other\"", document)).isFalse();
    assertThat(EntityTags.anyMatch("garbage", document)).isFalse();
    assertThat(EntityTags.anyMatch(strong.substring(0, 5), document)).isFalse();
  }

  @Test
  void document_sameKeys_sameBytesAndEtag() {
    var key = TestKeys.ec("e").toPublicJWK();

    JwksDocument first = JwksDocument.of(List.of(key), 0);
    JwksDocument second = JwksDocument.of(List.of(key), 99);

    assertThat(first.json()).isEqualTo(second.json());
    assertThat(first.etag(false).toString()).isEqualTo(second.etag(false).toString());
    assertThat(first.etag(true).toString()).isNotEqualTo(first.etag(false).toString());
  }
}
