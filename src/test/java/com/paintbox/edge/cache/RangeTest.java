package com.paintbox.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * RFC 9110 §14: single byte ranges served from a stored complete response; what the edge does instead for several
 * ranges, a stale If-Range and unsatisfiable ranges; and a range request that misses, passed through unstored.
 */
class RangeTest extends ShieldTestBase {

  private static final String BODY = "0123456789";
  private static final String LAST_MODIFIED = "Tue, 01 Jul 2025 10:00:00 GMT";

  @BeforeEach
  void originOfTenBytes() {
    origin(request -> {
      String range = request.getHeader("Range");
      if (range != null) {
        answer(request, 206, "0123", "Cache-Control", "max-age=60", "ETag", "\"r1\"", "Content-Range",
            "bytes 0-3/10");
      } else {
        answer(request, 200, BODY, "Cache-Control", "max-age=60", "ETag", "\"r1\"", "Last-Modified", LAST_MODIFIED,
            "Content-Type", "text/plain");
      }
    });
  }

  private void stored() {
    get("/r");
    advance(Duration.ofSeconds(2));
  }

  @ParameterizedTest
  @CsvSource({
      "bytes=0-3, 0123, bytes 0-3/10",
      "bytes=-3, 789, bytes 7-9/10",
      "bytes=5-, 56789, bytes 5-9/10",
      "bytes=8-100, 89, bytes 8-9/10",
      "bytes=-20, 0123456789, bytes 0-9/10",
      "BYTES=9-9, 9, bytes 9-9/10"})
  void rfc9110_14_2_singleRangeOnAHit_206WithContentRange(String range, String part, String contentRange) {
    stored();

    Reply partial = get("/r", "Range", range);

    assertThat(partial.status()).isEqualTo(206);
    assertThat(partial.body()).isEqualTo(part);
    assertThat(partial.header("Content-Range")).isEqualTo(contentRange);
    assertThat(partial.header("Content-Length")).isEqualTo(Integer.toString(part.length()));
    assertThat(partial.header("Content-Type")).isEqualTo("text/plain");
    assertThat(partial.header("Age")).isEqualTo("2");
    assertThat(member(partial)).isEqualTo("paintbox-edge; hit; ttl=58");
    assertThat(originCount("/r")).isEqualTo(1);
  }

  /** §14.2 lets a server ignore Range; the edge does so for several ranges rather than build multipart bodies. */
  @ParameterizedTest
  @ValueSource(strings = {"bytes=0-1,4-5", "bytes=0-1, -2", "bytes=abc", "bytes=5-2", "items=0-3", "bytes 0-3"})
  void rfc9110_14_2_multipleOrInvalidRanges_200WithTheWholeBody(String range) {
    stored();

    Reply whole = get("/r", "Range", range);

    assertThat(whole.status()).isEqualTo(200);
    assertThat(whole.body()).isEqualTo(BODY);
    assertThat(whole.header("Content-Range")).isNull();
    assertThat(member(whole)).isEqualTo("paintbox-edge; hit; ttl=58");
    assertThat(originCount("/r")).isEqualTo(1);
  }

  @ParameterizedTest
  @CsvSource(value = {
      "\"r0\"|200", "W/\"r1\"|200", "Mon, 30 Jun 2025 10:00:00 GMT|200",
      "\"r1\"|206", "Tue, 01 Jul 2025 10:00:00 GMT|206"}, delimiter = '|')
  void rfc9110_13_1_5_ifRange_matchingStronglyGetsThePart_otherwiseTheWholeBody(String ifRange, int status) {
    stored();

    Reply reply = get("/r", "Range", "bytes=0-3", "If-Range", ifRange);

    assertThat(reply.status()).isEqualTo(status);
    assertThat(reply.body()).isEqualTo(status == 206 ? "0123" : BODY);
    assertThat(originCount("/r")).isEqualTo(1);
  }

  @ParameterizedTest
  @ValueSource(strings = {"bytes=10-", "bytes=20-30", "bytes=-0"})
  void rfc9110_15_5_17_unsatisfiableRange_416WithTheLength(String range) {
    stored();

    Reply refused = get("/r", "Range", range);

    assertThat(refused.status()).isEqualTo(416);
    assertThat(refused.header("Content-Range")).isEqualTo("bytes */10");
    assertThat(refused.body()).isEmpty();
    assertThat(originCount("/r")).isEqualTo(1);
  }

  @Test
  void rfc9111_3_4_rangeRequestThatMisses_passedThroughAndIts206NotStored() {
    Reply partial = get("/r", "Range", "bytes=0-3");
    Reply next = get("/r");

    assertThat(origin.seen().get(0).header("Range")).isEqualTo("bytes=0-3");
    assertThat(partial.status()).isEqualTo(206);
    assertThat(partial.body()).isEqualTo("0123");
    assertThat(partial.header("Content-Range")).isEqualTo("bytes 0-3/10");
    assertThat(member(partial)).isEqualTo("paintbox-edge; fwd=uri-miss; detail=range");
    assertThat(next.status()).isEqualTo(200);
    assertThat(member(next)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
    assertThat(origin.seen().get(1).header("Range")).isNull();
    assertThat(originCount("/r")).isEqualTo(2);
  }

  @Test
  void rfc9110_14_2_rangeOnAHitOfHead_206HeadWithoutBody() {
    stored();

    Reply head = send(io.vertx.core.http.HttpMethod.HEAD, "/r", "Range", "bytes=0-3");

    assertThat(head.status()).isEqualTo(206);
    assertThat(head.body()).isEmpty();
    assertThat(head.header("Content-Range")).isEqualTo("bytes 0-3/10");
    assertThat(head.header("Content-Length")).isEqualTo("4");
  }
}
