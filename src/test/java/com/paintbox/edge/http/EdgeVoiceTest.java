package com.paintbox.edge.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.dev.SecretsManagerEmulator;
import com.paintbox.edge.testing.EdgeHarness;
import com.paintbox.edge.testing.EmulatorBackend;
import com.paintbox.edge.testing.ProxyRawClient;
import com.paintbox.edge.testing.ProxyRawClient.Reply;
import com.paintbox.edge.testing.ProxyTestOrigin;
import com.paintbox.edge.testing.TestKeys;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every refusal and error the edge writes itself, read as raw bytes off the wire, speaks one voice: the JSON error
 * shape {@code {"error","status","message","source":"paintbox-edge"}}, a {@code date}, {@code cache-control:
 * no-store} and lower-case header names, on the public and the admin port alike, whoever found the fault (the
 * guard, Netty's decoder, the router, the origin side, the cache, the JWKS handler).
 */
class EdgeVoiceTest {

  private static final String TOKEN = "voice-test-token-0123456789";
  private static final Duration QUIET = Duration.ofMillis(300);

  private static Vertx vertx;
  private static EmulatorBackend backend;
  private static ProxyTestOrigin origin;
  /** Healthy: keys, a token, the cache on, an origin that never answers /slow (1 s timeout). */
  private static EdgeHarness healthy;
  /** Broken: no secret, a token, the cache off, an origin nobody listens on. */
  private static EdgeHarness broken;
  /** No admin token configured. */
  private static EdgeHarness tokenless;

  @BeforeAll
  static void start() throws IOException {
    vertx = Vertx.vertx();
    backend = new EmulatorBackend(vertx);
    backend.create(EdgeHarness.SECRET, TestKeys.ec("voice").toJSONString());
    origin = new ProxyTestOrigin(vertx).start().await();
    origin.handle(request -> {
      if (request.path().equals("/compressible")) {
        request.response().putHeader("content-type", "text/plain").putHeader("cache-control", "max-age=600")
            .end("compressible ".repeat(400));
      } else if (!request.path().equals("/slow")) {
        request.response().end("ok");
      }
    });
    healthy = EdgeHarness.start(backend, Map.of("EDGE_ADMIN_TOKEN", TOKEN, "EDGE_ORIGIN_URL", origin.url(),
        "EDGE_ORIGIN_TIMEOUT_SECONDS", "1", "EDGE_ADMIN_REFRESH_MIN_INTERVAL_SECONDS", "3600"));
    broken = EdgeHarness.start(backend, Map.of("EDGE_ADMIN_TOKEN", TOKEN, "EDGE_JWKS_SECRET_ID", "absent",
        "EDGE_CACHE_ENABLED", "false", "EDGE_ORIGIN_URL", "http://127.0.0.1:" + closedPort(),
        "EDGE_JWKS_RETRY_MIN_MILLIS", "100", "EDGE_JWKS_RETRY_MAX_SECONDS", "1"));
    tokenless = EdgeHarness.start(backend, Map.of());
  }

  @AfterAll
  static void stop() {
    for (EdgeHarness edge : new EdgeHarness[] {healthy, broken, tokenless}) {
      if (edge != null) {
        edge.close();
      }
    }
    backend.close();
    vertx.close().await();
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "bad framing (Transfer-Encoding on HTTP/1.0) | 400 | bad_framing | "
          + "POST /p HTTP/1.0\\r\\nHost: a\\r\\nTransfer-Encoding: chunked\\r\\n\\r\\n0\\r\\n\\r\\n",
      "bad request-target | 400 | bad_request_target | GET p HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n",
      "unparsable Host | 400 | bad_host | GET /p HTTP/1.1\\r\\nHost: a%41\\r\\n\\r\\n",
      "empty header name | 400 | bad_header | GET /p HTTP/1.1\\r\\nHost: a\\r\\n: x\\r\\n\\r\\n",
      "head Netty cannot decode | 400 | bad_request | GET /p HTTP/1.1\\r\\nHost: a\\r\\nContent-Length: abc\\r\\n\\r\\n",
      "CONNECT | 405 | method_not_allowed | CONNECT example.com:443 HTTP/1.1\\r\\nHost: example.com:443\\r\\n\\r\\n",
      "unknown edge endpoint | 404 | not_found | GET /_edge/nope HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n",
      "origin too slow | 504 | origin_timeout | GET /slow HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n",
      "only-if-cached, nothing stored | 504 | not_cached | "
          + "GET /never-stored HTTP/1.1\\r\\nHost: a\\r\\nCache-Control: only-if-cached\\r\\n\\r\\n"})
  void publicPort_refusalsAndErrors_speakTheEdgesVoice(String what, int status, String code, String request)
      throws IOException {
    assertVoice(ProxyRawClient.exchange(healthy.port(), crlf(request), QUIET), status, code);
  }

  @Test
  void publicPort_requestLineOverTheLimit_414InTheEdgesVoice() throws IOException {
    Reply reply = ProxyRawClient.exchange(healthy.port(), "GET /" + "x".repeat(10_000) + " HTTP/1.1\r\nHost: a\r\n\r\n",
        QUIET);

    assertVoice(reply, 414, "request_line_too_long");
    assertThat(reply.eof()).as("closed after the refusal").isTrue();
  }

  @Test
  void publicPort_headersOverTheLimit_431InTheEdgesVoice() throws IOException {
    Reply reply = ProxyRawClient.exchange(healthy.port(),
        "GET /p HTTP/1.1\r\nHost: a\r\nX-Big: " + "x".repeat(20_000) + "\r\n\r\n", QUIET);

    assertVoice(reply, 431, "headers_too_large");
    assertThat(reply.eof()).isTrue();
  }

  @Test
  void publicPort_storedAnswerInNoCodingTheClientAccepts_406InTheEdgesVoice() throws Exception {
    String gzip = "GET /compressible HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n";
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (!ProxyRawClient.exchange(healthy.port(), gzip, QUIET).head().contains("content-encoding: gzip")) {
      assertThat(System.nanoTime()).as("the stored answer gets its gzip form").isLessThan(deadline);
      Thread.sleep(50); // stored bodies are compressed in the background
    }

    assertVoice(ProxyRawClient.exchange(healthy.port(), "GET /compressible HTTP/1.1\r\nHost: a\r\n"
        + "Accept-Encoding: identity;q=0, deflate\r\n\r\n", QUIET), 406, "not_acceptable");
  }

  @Test
  void publicPort_originUnreachable_502InTheEdgesVoice() throws IOException {
    assertVoice(ProxyRawClient.exchange(broken.port(), "GET /p HTTP/1.1\r\nHost: a\r\n\r\n", QUIET), 502,
        "origin_unreachable");
  }

  /**
   * The JWKS handler's refusals, written through {@link EdgeResponses}: all of the voice holds already. (Its 200 and
   * 304 are not the edge's own answers and are not asserted here; their owner is lower-casing their names.)
   */
  @Test
  void jwks_wrongMethodAndNothingServable_speakTheEdgesVoice() throws IOException {
    Reply refused = ProxyRawClient.exchange(healthy.port(),
        "DELETE /.well-known/jwks.json HTTP/1.1\r\nHost: a\r\n\r\n", QUIET);
    assertVoice(refused, 405, "method_not_allowed");
    assertThat(refused.text()).contains("\r\nallow: GET, HEAD\r\n");

    Reply unavailable = ProxyRawClient.exchange(broken.port(), "GET /.well-known/jwks.json HTTP/1.1\r\nHost: a\r\n\r\n",
        QUIET);
    assertVoice(unavailable, 503, "jwks_unavailable");
    assertThat(unavailable.text()).containsPattern("\r\nretry-after: \\d+\r\n");
  }

  /** Not the edge's own answers, but its own header names: lower-case on the wire too, since compression landed. */
  @Test
  void jwks_okAndNotModified_headerNamesLowerCaseOnTheWire() throws IOException {
    Reply ok = ProxyRawClient.exchange(healthy.port(),
        "GET /.well-known/jwks.json HTTP/1.1\r\nHost: a\r\nAccept-Encoding: gzip\r\n\r\n", QUIET);
    assertThat(ok.status()).isEqualTo(200);
    String etag = fieldLines(ok).stream().filter(line -> line.startsWith("etag: ")).findFirst().orElseThrow()
        .substring("etag: ".length());
    Reply notModified = ProxyRawClient.exchange(healthy.port(), "GET /.well-known/jwks.json HTTP/1.1\r\nHost: a\r\n"
        + "Accept-Encoding: gzip\r\nIf-None-Match: " + etag + "\r\n\r\n", QUIET);
    assertThat(notModified.status()).isEqualTo(304);

    for (Reply reply : List.of(ok, notModified)) {
      assertThat(fieldLines(reply)).isNotEmpty()
          .allSatisfy(line -> assertThat(name(line)).isEqualTo(name(line).toLowerCase(Locale.ROOT)));
    }
  }

  @Test
  void publicPort_notReady_503IsNoStoreDatedAndLowerCase() throws IOException {
    Reply reply = ProxyRawClient.exchange(broken.port(), "GET /_edge/ready HTTP/1.1\r\nHost: a\r\n\r\n", QUIET);

    assertThat(reply.status()).isEqualTo(503);
    assertCommonVoice(reply);
    assertThat(new JsonObject(reply.body()).getString("status")).isEqualTo("not_ready");
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "wrong token | 401 | unauthorized | POST /jwks/refresh HTTP/1.1\\r\\nHost: a\\r\\nAuthorization: Bearer nope\\r\\n"
          + "Content-Length: 0\\r\\n\\r\\n",
      "bad purge body | 400 | bad_purge | POST /cache/purge HTTP/1.1\\r\\nHost: a\\r\\nAuthorization: Bearer " + TOKEN
          + "\\r\\nContent-Type: application/json\\r\\nContent-Length: 7\\r\\n\\r\\n{\"x\":1}",
      "unknown path | 404 | not_found | GET /nope HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n",
      "wrong method | 405 | method_not_allowed | GET /jwks/refresh HTTP/1.1\\r\\nHost: a\\r\\n\\r\\n"})
  void adminPort_refusalsAndErrors_speakTheEdgesVoice(String what, int status, String code, String request)
      throws IOException {
    assertVoice(ProxyRawClient.exchange(healthy.edge().adminPort(), crlf(request), QUIET), status, code);
  }

  @Test
  void adminPort_purgeBodyOverTheLimit_413InTheEdgesVoice() throws IOException {
    String body = "{\"urls\":[\"" + "x".repeat(1 << 20) + "\"]}";
    try (ProxyRawClient client = new ProxyRawClient(healthy.edge().adminPort())) {
      client.send("POST /cache/purge HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + TOKEN
          + "\r\nContent-Type: application/json\r\nContent-Length: " + body.length() + "\r\n\r\n");
      try {
        client.send(body);
      } catch (IOException closedEarly) {
        // the edge may answer and close before the whole body is written; the answer is what counts
      }
      assertVoice(client.read(QUIET), 413, "body_too_large");
    }
  }

  @Test
  void adminPort_headTooLarge_414And431InTheEdgesVoice() throws IOException {
    int admin = healthy.edge().adminPort();
    assertVoice(ProxyRawClient.exchange(admin, "GET /" + "x".repeat(10_000) + " HTTP/1.1\r\nHost: a\r\n\r\n", QUIET),
        414, "request_line_too_long");
    assertVoice(ProxyRawClient.exchange(admin, "GET /metrics HTTP/1.1\r\nHost: a\r\nX-Big: " + "x".repeat(20_000)
        + "\r\n\r\n", QUIET), 431, "headers_too_large");
  }

  @Test
  void adminPort_noTokenConfigured_403InTheEdgesVoice() throws IOException {
    assertVoice(ProxyRawClient.exchange(tokenless.edge().adminPort(),
        "POST /jwks/refresh HTTP/1.1\r\nHost: a\r\nContent-Length: 0\r\n\r\n", QUIET), 403, "refused");
  }

  @Test
  void adminPort_cacheOff_purge404InTheEdgesVoice() throws IOException {
    assertVoice(ProxyRawClient.exchange(broken.edge().adminPort(), "POST /cache/purge HTTP/1.1\r\nHost: a\r\n"
        + "Authorization: Bearer " + TOKEN + "\r\nContent-Length: 2\r\n\r\n{}", QUIET), 404, "cache_disabled");
  }

  @Test
  void adminPort_refreshFailing_502_thenInsideTheInterval_429_bothInTheEdgesVoice() throws IOException {
    String refresh = "POST /jwks/refresh HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer " + TOKEN
        + "\r\nContent-Length: 0\r\n\r\n";
    int admin = healthy.edge().adminPort();
    backend.emulator().fail(SecretsManagerEmulator.Fault.THROTTLING);
    Reply failed;
    try {
      failed = ProxyRawClient.exchange(admin, refresh, QUIET);
    } finally {
      backend.emulator().heal();
    }
    assertVoice(failed, 502, "refresh_failed");
    assertThat(new JsonObject(failed.body()).getString("error_type")).isEqualTo("throttled");

    Reply limited = ProxyRawClient.exchange(admin, refresh, QUIET);
    assertVoice(limited, 429, "rate_limited");
    assertThat(limited.text()).containsPattern("\r\nretry-after: \\d+\r\n");
  }

  /** The error shape, then what every answer of the edge's own carries. */
  private static void assertVoice(Reply reply, int status, String code) {
    assertThat(reply.status()).as(reply.text()).isEqualTo(status);
    JsonObject body = new JsonObject(reply.body());
    assertThat(body.getString("error")).isEqualTo(code);
    assertThat(body.getInteger("status")).isEqualTo(status);
    assertThat(body.getString("message")).isNotBlank();
    assertThat(body.getString("source")).isEqualTo("paintbox-edge");
    assertCommonVoice(reply);
  }

  private static void assertCommonVoice(Reply reply) {
    List<String> fields = fieldLines(reply);
    assertThat(fields).as("header names, as written on the wire")
        .allSatisfy(line -> assertThat(name(line)).isEqualTo(name(line).toLowerCase(Locale.ROOT)));
    assertThat(fields).contains("cache-control: no-store", "content-type: application/json")
        .anySatisfy(line -> assertThat(line).matches("date: \\w{3}, \\d{2} \\w{3} \\d{4} \\d{2}:\\d{2}:\\d{2} GMT"))
        .noneSatisfy(line -> assertThat(name(line)).isEqualTo("cache-status"));
  }

  private static List<String> fieldLines(Reply reply) {
    String text = reply.text();
    int end = text.indexOf("\r\n\r\n");
    List<String> lines = Arrays.asList((end < 0 ? text : text.substring(0, end)).split("\r\n"));
    return lines.subList(1, lines.size());
  }

  private static String name(String fieldLine) {
    int colon = fieldLine.indexOf(':');
    return colon < 0 ? fieldLine : fieldLine.substring(0, colon);
  }

  /** CSV sources cannot hold line breaks: they write {@code \\r\\n}. */
  private static String crlf(String request) {
    return request.replace("\\r\\n", "\r\n");
  }

  private static int closedPort() throws IOException {
    try (ServerSocket socket = new ServerSocket(0)) {
      return socket.getLocalPort();
    }
  }
}
