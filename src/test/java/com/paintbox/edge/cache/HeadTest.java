package com.paintbox.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerResponse;
import org.junit.jupiter.api.Test;

/**
 * HEAD (RFC 9110 §9.3.2) and the cache (RFC 9111 §4: GET and HEAD share a key): a HEAD is answered from a stored
 * GET, and a HEAD that misses fills with a GET, so the next GET hits.
 */
class HeadTest extends ShieldTestBase {

  @Test
  void rfc9110_9_3_2_headOnAStoredGet_itsHeadersWithoutTheBody() {
    serves("hello world", "Cache-Control", "max-age=60", "ETag", "\"h1\"", "Content-Type", "text/plain");
    get("/h");

    Reply head = send(HttpMethod.HEAD, "/h");

    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.header("Content-Length")).isEqualTo("11");
    assertThat(head.header("ETag")).isEqualTo("\"h1\"");
    assertThat(head.header("Content-Type")).isEqualTo("text/plain");
    assertThat(member(head)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(originCount("/h")).isEqualTo(1);
  }

  @Test
  void rfc9111_4_headMiss_filledWithGet_theNextGetHits() {
    serves("hello world", "Cache-Control", "max-age=60", "ETag", "\"h1\"");

    Reply head = send(HttpMethod.HEAD, "/f");
    Reply get = get("/f");

    assertThat(origin.last().method()).isEqualTo("GET");
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(head.header("Content-Length")).isEqualTo("11");
    assertThat(member(head)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=60");
    assertThat(member(get)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(get.body()).isEqualTo("hello world");
    assertThat(get.header("Content-Length")).isEqualTo("11");
    assertThat(originCount("/f")).isEqualTo(1);
  }

  @Test
  void rfc9111_4_headMiss_chunkedBody_filledWithGet_theNextGetHitsWithTheWholeBody() {
    Gate headAnswered = new Gate();
    origin(request -> {
      HttpServerResponse response = request.response();
      head(response, "Cache-Control", "max-age=60");
      response.setChunked(true).write("chunk1;");
      headAnswered.opened().onComplete(go -> response.end("chunk2"));
    });

    Reply head = send(HttpMethod.HEAD, "/chunked"); // answered before the origin has sent the whole body
    headAnswered.open();
    awaitNoFills();
    Reply get = get("/chunked");

    assertThat(head.body()).isEmpty();
    assertThat(member(get)).isEqualTo("paintbox-edge; hit; ttl=60");
    assertThat(get.body()).isEqualTo("chunk1;chunk2");
    assertThat(get.header("Content-Length")).isEqualTo("13");
    assertThat(originCount("/chunked")).isEqualTo(1);
  }

  @Test
  void rfc9110_9_3_2_headMiss_unstorableAnswer_relayedWithoutABody() {
    serves("private page", "Cache-Control", "private, max-age=60");

    Reply head = send(HttpMethod.HEAD, "/private");
    Reply get = get("/private");

    assertThat(origin.seen().get(0).method()).isEqualTo("GET");
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.body()).isEmpty();
    assertThat(member(head)).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; detail=private");
    assertThat(get.body()).isEqualTo("private page");
    assertThat(originCount("/private")).isEqualTo(2);
  }
}
