package com.paintbox.edge.compression;

import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.testing.ProxyTestEdge;
import com.paintbox.edge.testing.ProxyTestOrigin;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Compression end to end, on real sockets, every body decoded by an implementation other than the edge's encoder
 * ({@link Decoders}): stored answers in every coding (compressed once, in the background), answers compressed on the
 * fly (pass-through and misses), the JWKS, over HTTP/1.1 and h2; negotiation by q-value; what must stay as it is.
 */
@ExtendWith(VertxExtension.class)
class CompressionTest {

  /** A 30 KiB HTML page of the kind Paintbox serves, deterministic. */
  static final String PAGE = page(30 * 1024);

  private Vertx vertx;
  private ProxyTestOrigin origin;
  private ProxyTestEdge edge;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    origin = await(new ProxyTestOrigin(vertx).start());
    origin.handle(this::answer);
    edge = await(ProxyTestEdge.start(vertx, origin.url()));
  }

  @AfterEach
  void stop() {
    await(edge.close().eventually(origin::close));
  }

  /** The origin: /cached/* public for a minute, /live/* with no freshness, others by path. */
  private void answer(HttpServerRequest request) {
    var response = request.response().putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("ETag", "\"page-v1\"");
    String path = request.path();
    if (path.startsWith("/cached/")) {
      response.putHeader("Cache-Control", "public, max-age=60");
    }
    if (path.startsWith("/cached/no-transform")) {
      response.putHeader("Cache-Control", "public, max-age=60, no-transform");
    }
    if (path.startsWith("/cached/small")) {
      response.end("<p>small</p>");
      return;
    }
    if (path.startsWith("/cached/png")) {
      response.putHeader("Content-Type", "image/png").end(PAGE);
      return;
    }
    if (path.startsWith("/cached/encoded")) {
      byte[] gzip = gzip(PAGE.getBytes(StandardCharsets.UTF_8));
      response.putHeader("Content-Encoding", "gzip").end(Buffer.buffer(gzip));
      return;
    }
    response.end(PAGE);
  }

  @ParameterizedTest
  @EnumSource(value = Coding.class, names = {"BR", "ZSTD", "GZIP"})
  void storedAnswer_eachCodingOnHttp11AndH2_decodesToTheOriginsBodyWithItsOwnStrongEtagAndExactLength(Coding coding)
      throws Exception {
    for (HttpVersion version : new HttpVersion[] {HttpVersion.HTTP_1_1, HttpVersion.HTTP_2}) {
      String path = "/cached/page-" + coding + "-" + version;
      Reply hit = until(version, path, coding.token(), stored(coding.token()));

      assertThat(hit.header("cache-status")).startsWith("paintbox-edge; hit");
      assertThat(new String(Decoders.decode(coding, hit.body()), StandardCharsets.UTF_8)).isEqualTo(PAGE);
      assertThat(hit.header("etag")).isEqualTo(coding.etag("\"page-v1\""));
      assertThat(hit.header("content-length")).isEqualTo(Integer.toString(hit.body().length));
      assertThat(hit.header("vary")).containsIgnoringCase("accept-encoding");
      assertThat(hit.body().length).isLessThan(PAGE.length() / 3);
    }
  }

  @ParameterizedTest
  @EnumSource(value = Coding.class, names = {"BR", "ZSTD", "GZIP"})
  void uncachedAnswer_compressedOnTheFly_decodesWithAWeakenedEtagAndNoLength(Coding coding) throws Exception {
    for (HttpVersion version : new HttpVersion[] {HttpVersion.HTTP_1_1, HttpVersion.HTTP_2}) {
      Reply reply = get(version, "/live/page", coding.token());

      assertThat(reply.header("content-encoding")).isEqualTo(coding.token());
      assertThat(new String(Decoders.decode(coding, reply.body()), StandardCharsets.UTF_8)).isEqualTo(PAGE);
      assertThat(reply.header("etag")).isEqualTo("W/\"page-v1\"");
      assertThat(reply.header("content-length")).isNull();
      assertThat(reply.header("vary")).containsIgnoringCase("accept-encoding");
      assertThat(reply.header("cache-status")).contains("detail=no-freshness");
    }
  }

  @Test
  void miss_streamedToItsClientCompressed_thenStoredAndServedFromTheStoredCodings() throws Exception {
    Reply miss = get(HttpVersion.HTTP_1_1, "/cached/miss", "br");
    Reply hit = until(HttpVersion.HTTP_1_1, "/cached/miss", "br", stored("br"));

    assertThat(miss.header("cache-status")).contains("fwd=uri-miss").contains("stored");
    assertThat(miss.header("content-encoding")).isEqualTo("br");
    assertThat(new String(Decoders.decode(Coding.BR, miss.body()), StandardCharsets.UTF_8)).isEqualTo(PAGE);
    assertThat(new String(Decoders.decode(Coding.BR, hit.body()), StandardCharsets.UTF_8)).isEqualTo(PAGE);
    assertThat(origin.seen()).hasSize(1);
    assertThat(origin.last().header("Accept-Encoding")).isEqualTo("identity"); // one body serves every client
  }

  @Test
  void varyAcceptEncodingFromTheOrigin_withTheEdgeCompressing_oneStoredVariantServesEveryClient() throws Exception {
    origin.handle(request -> request.response().putHeader("Content-Type", "text/html").putHeader("Vary",
        "Accept-Encoding").putHeader("Cache-Control", "public, max-age=60").end(PAGE));

    get(HttpVersion.HTTP_1_1, "/vary", "gzip, deflate, br");
    Reply other = get(HttpVersion.HTTP_1_1, "/vary", "identity");
    Reply third = get(HttpVersion.HTTP_1_1, "/vary", null);

    assertThat(origin.seen()).hasSize(1);
    assertThat(origin.last().header("Accept-Encoding")).isEqualTo("identity");
    assertThat(other.header("cache-status")).startsWith("paintbox-edge; hit");
    assertThat(third.header("cache-status")).startsWith("paintbox-edge; hit");
  }

  @ParameterizedTest
  @EnumSource(value = HttpVersion.class, names = {"HTTP_1_1", "HTTP_2"})
  void jwks_eachCoding_decodesToTheSameKeys(HttpVersion version) throws Exception {
    String identity = new String(get(version, "/.well-known/jwks.json", null).body(), StandardCharsets.UTF_8);
    for (Coding coding : new Coding[] {Coding.BR, Coding.ZSTD, Coding.GZIP}) {
      Reply reply = get(version, "/.well-known/jwks.json", coding.token());

      assertThat(reply.header("content-encoding")).isEqualTo(coding.token());
      assertThat(new String(Decoders.decode(coding, reply.body()), StandardCharsets.UTF_8)).isEqualTo(identity);
      assertThat(reply.header("content-length")).isEqualTo(Integer.toString(reply.body().length));
    }
    assertThat(identity).contains("\"keys\"");
  }

  @Test
  void negotiation_qValues_highestWeightWinsAndZeroRefuses() throws Exception {
    until(HttpVersion.HTTP_1_1, "/cached/q", "br", stored("br"));

    assertThat(get(HttpVersion.HTTP_1_1, "/cached/q", "br;q=0.5, gzip;q=0.9").header("content-encoding"))
        .isEqualTo("gzip");
    assertThat(get(HttpVersion.HTTP_1_1, "/cached/q", "br;q=0, zstd;q=0, *;q=0.1").header("content-encoding"))
        .isEqualTo("gzip");
    assertThat(get(HttpVersion.HTTP_1_1, "/cached/q", "gzip;q=0").header("content-encoding")).isNull();
    assertThat(get(HttpVersion.HTTP_1_1, "/cached/q", null).header("content-encoding")).isNull();
    assertThat(get(HttpVersion.HTTP_1_1, "/cached/q", "identity").header("content-encoding")).isNull();
  }

  @Test
  void negotiation_identityRefusedAndNothingElseAcceptable_406() throws Exception {
    until(HttpVersion.HTTP_1_1, "/cached/refuse", "br", stored("br"));

    Reply refused = get(HttpVersion.HTTP_1_1, "/cached/refuse", "identity;q=0, deflate");

    assertThat(refused.status()).isEqualTo(406);
    assertThat(refused.header("cache-control")).isEqualTo("no-store");
  }

  @Test
  void noTransformSmallImageAndEncodedBodies_stayAsTheOriginSentThem() throws Exception {
    for (String path : new String[] {"/cached/no-transform", "/cached/small", "/cached/png", "/live/no-transform"}) {
      get(HttpVersion.HTTP_1_1, path, "br, gzip");
    }
    Thread.sleep(300); // room for a background compression, were one wrongly started

    assertThat(get(HttpVersion.HTTP_1_1, "/cached/no-transform", "br, gzip").header("content-encoding")).isNull();
    Reply small = get(HttpVersion.HTTP_1_1, "/cached/small", "br, gzip");
    assertThat(small.header("content-encoding")).isNull();
    assertThat(small.header("vary")).isNull();
    assertThat(get(HttpVersion.HTTP_1_1, "/cached/png", "br, gzip").header("content-encoding")).isNull();
    Reply encoded = get(HttpVersion.HTTP_1_1, "/cached/encoded", "br, gzip");
    assertThat(encoded.header("content-encoding")).isEqualTo("gzip");
    assertThat(new String(Decoders.decode(Coding.GZIP, encoded.body()), StandardCharsets.UTF_8)).isEqualTo(PAGE);
  }

  @Test
  void conditional_etagOfOneCoding_matchesWhileAnotherIsServed_304WithThatCodingsTag() throws Exception {
    Reply br = until(HttpVersion.HTTP_1_1, "/cached/cond", "br", stored("br"));

    Reply notModified = get(HttpVersion.HTTP_1_1, "/cached/cond", "gzip", "If-None-Match", br.header("etag"));
    Reply weak = get(HttpVersion.HTTP_1_1, "/cached/cond", "zstd", "If-None-Match", "W/\"page-v1\"");

    assertThat(notModified.status()).isEqualTo(304);
    assertThat(notModified.header("etag")).isEqualTo(Coding.GZIP.etag("\"page-v1\""));
    assertThat(notModified.body()).isEmpty();
    assertThat(weak.status()).isEqualTo(304);
  }

  @Test
  void head_storedCoding_headersOfThatCodingAndNoBody() throws Exception {
    Reply get = until(HttpVersion.HTTP_1_1, "/cached/head", "zstd", stored("zstd"));

    Reply head = send(HttpVersion.HTTP_1_1, HttpMethod.HEAD, "/cached/head", "zstd");

    assertThat(head.header("content-encoding")).isEqualTo("zstd");
    assertThat(head.header("content-length")).isEqualTo(get.header("content-length"));
    assertThat(head.body()).isEmpty();
  }

  @Test
  void range_onACompressibleStoredAnswer_servedFromTheIdentityBody() throws Exception {
    until(HttpVersion.HTTP_1_1, "/cached/range", "br", stored("br"));

    Reply part = get(HttpVersion.HTTP_1_1, "/cached/range", "br", "Range", "bytes=0-14");

    assertThat(part.status()).isEqualTo(206);
    assertThat(part.header("content-encoding")).isNull();
    assertThat(new String(part.body(), StandardCharsets.UTF_8)).isEqualTo(PAGE.substring(0, 15));
  }

  // ---- helpers -----------------------------------------------------------------------------------------------------

  record Reply(int status, MultiMap headers, byte[] body) {
    String header(String name) {
      return headers.get(name);
    }
  }

  private Reply get(HttpVersion version, String path, String acceptEncoding, String... headers) {
    String[] all = acceptEncoding == null ? headers : prepend(headers, "Accept-Encoding", acceptEncoding);
    return send(version, HttpMethod.GET, path, null, all);
  }

  private Reply send(HttpVersion version, HttpMethod method, String path, String acceptEncoding) {
    return send(version, method, path, null, "Accept-Encoding", acceptEncoding);
  }

  private Reply send(HttpVersion version, HttpMethod method, String path, Buffer body, String... headers) {
    HttpClient client = vertx.createHttpClient(new HttpClientOptions().setProtocolVersion(version)
        .setHttp2ClearTextUpgrade(false).setDefaultHost("127.0.0.1").setDefaultPort(edge.port()));
    RequestOptions options = new RequestOptions().setMethod(method).setURI(path);
    for (int i = 0; i < headers.length; i += 2) {
      options.addHeader(headers[i], headers[i + 1]);
    }
    try {
      return await(client.request(options).compose(request -> {
        // the response listener is in place before the request is written (vert.x#5904)
        Future<Reply> reply = request.response().compose(response -> response.body().map(bytes -> new Reply(
            response.statusCode(), MultiMap.caseInsensitiveMultiMap().addAll(response.headers()), bytes.getBytes())));
        request.end();
        return reply;
      }));
    } finally {
      client.close();
    }
  }

  /** Requests until {@code done} holds (a stored body's codings are made in the background), within 10 s. */
  private Reply until(HttpVersion version, String path, String acceptEncoding, Predicate<Reply> done)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    Reply reply = get(version, path, acceptEncoding);
    while (!done.test(reply) && System.nanoTime() < deadline) {
      Thread.sleep(20);
      reply = get(version, path, acceptEncoding);
    }
    assertThat(done.test(reply)).as("the awaited answer for " + path + ", last: " + reply.headers()).isTrue();
    return reply;
  }

  /** A hit served from a stored body in {@code coding} (made in the background after the fill). */
  private static Predicate<Reply> stored(String coding) {
    return reply -> coding.equals(reply.header("content-encoding")) && reply.header("cache-status") != null
        && reply.header("cache-status").startsWith("paintbox-edge; hit");
  }

  private static String[] prepend(String[] headers, String name, String value) {
    String[] all = new String[headers.length + 2];
    all[0] = name;
    all[1] = value;
    System.arraycopy(headers, 0, all, 2, headers.length);
    return all;
  }

  static String page(int bytes) {
    String[] words = {"paint", "box", "canvas", "layer", "brush", "stroke", "pixel", "vector", "gradient", "blend"};
    Random random = new Random(11);
    StringBuilder html = new StringBuilder("<!doctype html><html><head><title>Paintbox</title></head><body>\n");
    while (html.length() < bytes - 20) {
      html.append("<p class=\"note\">");
      for (int i = 0; i < 10; i++) {
        html.append(words[random.nextInt(words.length)]).append(' ');
      }
      html.append("</p>\n");
    }
    return html.append("</body></html>\n").toString();
  }

  private static byte[] gzip(byte[] body) {
    try {
      var out = new java.io.ByteArrayOutputStream();
      try (var gzip = new java.util.zip.GZIPOutputStream(out)) {
        gzip.write(body);
      }
      return out.toByteArray();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("timed out or failed: " + e, e);
    }
  }
}
