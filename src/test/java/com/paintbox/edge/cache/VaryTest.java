package com.paintbox.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpServerRequest;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * RFC 9111 §4.1: a stored response answers only requests whose {@code Vary}-named fields match the ones it was
 * selected by, after the normalisation §4.1 allows; {@code Accept-Encoding} is bucketed to the codings the edge asks
 * the origin for.
 */
class VaryTest extends CacheTestBase {

  /**
   * Compression off: Accept-Encoding then keys stored answers by bucket, which these cases pin. With it on (the
   * default), the edge asks the origin for identity and one stored body serves every bucket (CompressionTest).
   */
  @Override
  protected java.util.Map<String, String> settings() {
    return java.util.Map.of("EDGE_COMPRESSION", "off");
  }

  @Test
  void rfc9111_4_1_twoVariantsOfOneUrl_storedApart_eachServedToItsOwnRequests() {
    originEchoes("Accept-Language", "Vary", "Accept-Language");

    Reply en = get("/p", "Accept-Language", "en");
    Reply fr = get("/p", "Accept-Language", "fr");
    Reply enAgain = get("/p", "Accept-Language", "en");
    Reply frAgain = get("/p", "Accept-Language", "fr");

    assertThat(member(en)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
    assertThat(member(fr)).isEqualTo("paintbox-edge; fwd=vary-miss; fwd-status=200; stored; ttl=60");
    assertThat(member(enAgain)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(enAgain.body()).isEqualTo("en");
    assertThat(member(frAgain)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(frAgain.body()).isEqualTo("fr");
    assertThat(originCount("/p")).isEqualTo(2);
  }

  @Test
  void rfc9111_4_1_requestWhoseVariedFieldDiffers_missesWithVaryMiss() {
    originEchoes("X-Tenant", "Vary", "X-Tenant");

    get("/p", "X-Tenant", "acme");
    Reply other = get("/p", "X-Tenant", "globex");

    assertThat(member(other)).isEqualTo("paintbox-edge; fwd=vary-miss; fwd-status=200; stored; ttl=60");
    assertThat(other.body()).isEqualTo("globex");
    assertThat(origin.last().header("X-Tenant")).isEqualTo("globex");
    assertThat(originCount("/p")).isEqualTo(2);
  }

  @Test
  void rfc9111_4_1_varySplitOverTwoLines_isTheSameAsOneLine() {
    // The first answer names its fields over two lines, the second in one line in another order and case: the same
    // set of fields, so the second is stored beside the first instead of replacing it.
    origin(request -> {
      var response = request.response().putHeader("Cache-Control", "max-age=60");
      if (originCount("/p") == 1) {
        response.headers().add("Vary", "Accept-Language").add("Vary", "X-Tenant");
      } else {
        response.headers().add("Vary", "x-tenant, ACCEPT-LANGUAGE");
      }
      response.end(request.getHeader("Accept-Language") + "/" + request.getHeader("X-Tenant"));
    });

    get("/p", "Accept-Language", "en", "X-Tenant", "acme");
    Reply otherTenant = get("/p", "Accept-Language", "en", "X-Tenant", "globex");
    Reply first = get("/p", "Accept-Language", "en", "X-Tenant", "acme");
    Reply second = get("/p", "Accept-Language", "en", "X-Tenant", "globex");

    assertThat(member(otherTenant)).isEqualTo("paintbox-edge; fwd=vary-miss; fwd-status=200; stored; ttl=60");
    assertThat(member(first)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(first.body()).isEqualTo("en/acme");
    assertThat(member(second)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(second.body()).isEqualTo("en/globex");
    assertThat(originCount("/p")).isEqualTo(2);
  }

  @Test
  void rfc9111_4_1_requestFieldOverTwoLines_isTheSameAsOneLine() {
    originEchoes("X-Tenant", "Vary", "X-Tenant");

    get("/p", "X-Tenant", "acme,globex");
    Reply split = get("/p", "X-Tenant", "acme", "X-Tenant", "globex");

    assertThat(member(split)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(originCount("/p")).isEqualTo(1);
  }

  @Test
  void rfc9111_4_1_whitespaceAroundCommas_normalised() {
    originEchoes("Accept-Language", "Vary", "Accept-Language");

    get("/p", "Accept-Language", "en-US,fr;q=0.5");
    Reply spaced = get("/p", "Accept-Language", " en-US ,  fr;q=0.5 ");

    assertThat(member(spaced)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(spaced.body()).isEqualTo("en-US,fr;q=0.5");
    assertThat(originCount("/p")).isEqualTo(1);
  }

  @Test
  void rfc9111_4_1_acceptLanguageCase_normalised() {
    // RFC 4647 language ranges compare without case, so "EN-us" selects what "en-US" was answered with.
    originEchoes("Accept-Language", "Vary", "Accept-Language");

    get("/p", "Accept-Language", "en-US");
    Reply shouted = get("/p", "Accept-Language", "EN-us");

    assertThat(member(shouted)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(originCount("/p")).isEqualTo(1);
  }

  @Test
  void rfc9111_4_1_caseOfAFieldWithoutCaseRules_kept() {
    // §4.1 allows normalising only where the field's definition makes two spellings equivalent; a custom field's
    // values are compared as sent.
    originEchoes("X-Tenant", "Vary", "X-Tenant");

    get("/p", "X-Tenant", "acme");
    Reply upper = get("/p", "X-Tenant", "ACME");

    assertThat(member(upper)).isEqualTo("paintbox-edge; fwd=vary-miss; fwd-status=200; stored; ttl=60");
    assertThat(originCount("/p")).isEqualTo(2);
  }

  @Test
  void rfc9111_4_1_absentAndEmptyField_areDifferentVariants() {
    originEchoes("X-Tenant", "Vary", "X-Tenant");

    Reply absent = get("/p");
    Reply empty = get("/p", "X-Tenant", "");
    Reply absentAgain = get("/p");
    Reply emptyAgain = get("/p", "X-Tenant", "");

    assertThat(member(absent)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
    assertThat(member(empty)).isEqualTo("paintbox-edge; fwd=vary-miss; fwd-status=200; stored; ttl=60");
    assertThat(member(absentAgain)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(absentAgain.body()).isEqualTo("null");
    assertThat(member(emptyAgain)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(emptyAgain.body()).isEqualTo("");
    assertThat(originCount("/p")).isEqualTo(2);
  }

  @Test
  void rfc9111_4_1_acceptEncoding_spellingsOfOneSetShareOneVariant_andTheOriginSeesTheBucket() {
    originEchoes("Accept-Encoding", "Vary", "Accept-Encoding");

    Reply browser = get("/p", "Accept-Encoding", "gzip, deflate, br");
    Reply other = get("/p", "Accept-Encoding", "br;q=1.0, gzip");

    assertThat(member(browser)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
    assertThat(origin.last().header("Accept-Encoding")).isEqualTo("br, gzip");
    assertThat(member(other)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(other.body()).isEqualTo("br, gzip");
    assertThat(originCount("/p")).isEqualTo(1);
  }

  @Test
  void rfc9111_4_1_acceptEncodingOverTwoLines_isTheSameAsOneLine() {
    // RFC 9110 §5.3: field lines of a list field are one comma-joined value, so gzip + br on two lines is "gzip, br".
    originEchoes("Accept-Encoding", "Vary", "Accept-Encoding");

    get("/p", "Accept-Encoding", "gzip, br");
    Reply split = get("/p", "Accept-Encoding", "gzip", "Accept-Encoding", "br");

    assertThat(member(split)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(split.body()).isEqualTo("br, gzip");
    assertThat(originCount("/p")).isEqualTo(1);
  }

  @Test
  void rfc9111_4_1_acceptEncodingIdentity_isASeparateBucket() {
    originEchoes("Accept-Encoding", "Vary", "Accept-Encoding");

    get("/p", "Accept-Encoding", "gzip, deflate, br");
    Reply identity = get("/p", "Accept-Encoding", "identity");
    Reply none = get("/p");

    assertThat(member(identity)).isEqualTo("paintbox-edge; fwd=vary-miss; fwd-status=200; stored; ttl=60");
    assertThat(identity.body()).isEqualTo("identity");
    assertThat(origin.last().header("Accept-Encoding")).isEqualTo("identity");
    // No Accept-Encoding at all accepts any coding (RFC 9110 §12.5.3), but the edge serves it identity: it never
    // sends a client a coding the client did not name.
    assertThat(member(none)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(none.body()).isEqualTo("identity");
    assertThat(originCount("/p")).isEqualTo(2);
  }

  @Test
  void rfc9111_4_1_acceptEncodingRefusedByZeroWeight_leavesTheBucket() {
    originEchoes("Accept-Encoding", "Vary", "Accept-Encoding");

    get("/p", "Accept-Encoding", "gzip, br");
    Reply noBrotli = get("/p", "Accept-Encoding", "gzip, br;q=0");

    assertThat(member(noBrotli)).isEqualTo("paintbox-edge; fwd=vary-miss; fwd-status=200; stored; ttl=60");
    assertThat(noBrotli.body()).isEqualTo("gzip");
    assertThat(originCount("/p")).isEqualTo(2);
  }

  @Test
  void rfc9111_4_1_newResponseWithADifferentVary_replacesTheOldVariants() {
    origin(request -> {
      var response = request.response().putHeader("Cache-Control", "max-age=60");
      response.putHeader("Vary", originCount("/p") == 1 ? "Accept-Language" : "X-Tenant");
      response.end("answer " + originCount("/p"));
    });

    get("/p", "Accept-Language", "en");
    Reply fr = get("/p", "Accept-Language", "fr");
    Reply en = get("/p", "Accept-Language", "en");
    Reply tenant = get("/p", "Accept-Language", "en", "X-Tenant", "acme");

    assertThat(member(fr)).isEqualTo("paintbox-edge; fwd=vary-miss; fwd-status=200; stored; ttl=60");
    // The URL now varies on X-Tenant alone: "answer 1" (selected by Accept-Language) is gone, and "answer 2",
    // stored for a request without X-Tenant, is what every request without X-Tenant selects.
    assertThat(member(en)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(en.body()).isEqualTo("answer 2");
    assertThat(member(tenant)).isEqualTo("paintbox-edge; fwd=vary-miss; fwd-status=200; stored; ttl=60");
    assertThat(tenant.body()).isEqualTo("answer 3");
    assertThat(originCount("/p")).isEqualTo(3);
  }

  /**
   * An origin that answers 200, fresh for 60 s, with these headers and, as its body, the request's value of
   * {@code echoed} ("null" when absent, all lines comma-joined).
   */
  private void originEchoes(String echoed, String... headers) {
    origin(request -> {
      var response = request.response().putHeader("Cache-Control", "max-age=60");
      for (int i = 0; i < headers.length; i += 2) {
        response.headers().add(headers[i], headers[i + 1]);
      }
      response.end(echo(request, echoed));
    });
  }

  private static String echo(HttpServerRequest request, String field) {
    List<String> lines = request.headers().getAll(field);
    return lines.isEmpty() ? "null" : String.join(",", lines);
  }
}
