package com.paintbox.edge.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import com.nimbusds.jose.jwk.ECKey;
import com.paintbox.edge.testing.EdgeHarness;
import com.paintbox.edge.testing.EmulatorBackend;
import com.paintbox.edge.testing.KeySecrets;
import com.paintbox.edge.testing.LogCapture;
import com.paintbox.edge.testing.OtlpReceiver;
import com.paintbox.edge.testing.OtlpReceiver.ReceivedSpan;
import com.paintbox.edge.testing.ProxyTestOrigin;
import com.paintbox.edge.testing.TestKeys;
import io.opentelemetry.proto.trace.v1.Span.SpanKind;
import io.vertx.core.Vertx;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Whole edges on loopback exporting through the real OTLP/HTTP exporter (JDK sender) to {@link OtlpReceiver}: the
 * receiver, the Secrets Manager emulator and the origin run on a Vert.x of their own that does not trace, so every
 * span received is the edge's.
 */
class TracingTest {

  private static final String CLIENT_TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String CLIENT_SPAN = "00f067aa0ba902b7";
  private static final String JWKS = "/.well-known/jwks.json";
  private static final long WAIT_SECONDS = 20;
  private static final ECKey KEY = TestKeys.ec("trace-key");

  private static Vertx vertx;
  private OtlpReceiver receiver;
  private EmulatorBackend secrets;
  private ProxyTestOrigin origin;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close().await();
  }

  @BeforeEach
  void startPeers() {
    receiver = OtlpReceiver.start(vertx);
    secrets = new EmulatorBackend(vertx);
    secrets.create(EdgeHarness.SECRET, KEY.toJSONString());
    origin = new ProxyTestOrigin(vertx).start().await();
  }

  @AfterEach
  void stopPeers() {
    receiver.close();
    secrets.close();
    origin.close().await();
  }

  @Test
  void originRequest_clientSendsTraceparent_oneTraceFromClientThroughEdgeToOrigin() throws Exception {
    try (LogCapture logs = LogCapture.attach(); EdgeHarness edge = tracedEdge(Map.of("EDGE_ACCESS_LOG", "true"))) {
      var response = edge.send("GET", "/page?token=s3cret-query", Map.of(
          "traceparent", "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01", "tracestate", "client=1")).join();
      assertThat(response.status()).isEqualTo(200);

      // The client span is Vert.x's, named by the method; the AWS calls of the start-up fetch are client spans too.
      List<ReceivedSpan> spans = receiver.await(all -> one(all, "GET origin") != null && one(all, "GET") != null)
          .get(WAIT_SECONDS, TimeUnit.SECONDS);
      ReceivedSpan server = one(spans, "GET origin");
      ReceivedSpan client = one(spans, "GET");
      assertThat(client.kind()).isEqualTo(SpanKind.SPAN_KIND_CLIENT);
      assertThat(server.kind()).isEqualTo(SpanKind.SPAN_KIND_SERVER);
      assertThat(server.traceId()).as("the client's trace is honoured").isEqualTo(CLIENT_TRACE);
      assertThat(server.parentSpanId()).isEqualTo(CLIENT_SPAN);
      assertThat(client.traceId()).isEqualTo(CLIENT_TRACE);
      assertThat(client.parentSpanId()).isEqualTo(server.spanId());

      // The origin hears of the trace once, from the edge's client span, not the client's own header.
      List<String> traceparents = origin.last().headers().getAll("traceparent");
      assertThat(traceparents).containsExactly("00-" + CLIENT_TRACE + "-" + client.spanId() + "-01");
      assertThat(origin.last().headers().getAll("tracestate")).containsExactly("client=1");

      assertThat(server.attribute("url.path")).isEqualTo("/page");
      assertThat(server.attributes()).doesNotContainKeys("url.query", "http.url");
      assertThat(spans.toString()).as("query strings never leave for the collector").doesNotContain("s3cret");
      assertThat(server.resource()).containsEntry("service.name", "paintbox-edge")
          .containsEntry("cloud.region", "lhr").containsEntry("host.id", "machine-1");

      String access = logs.lines().stream().filter(line -> line.contains("\"logger\":\"access\""))
          .filter(line -> line.contains("\"path\":\"/page\"")).findFirst().orElseThrow();
      assertThat(access).contains("\"trace_id\":\"" + CLIENT_TRACE + "\"", "\"span_id\":\"" + server.spanId() + "\"");
    }
  }

  @Test
  void originRequest_withABodyThroughTheProxyEngine_originGetsTheEdgesTraceparentOnly() throws Exception {
    try (EdgeHarness edge = tracedEdge(Map.of())) {
      HttpResponse<String> response = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build().send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.port() + "/form"))
              .header("traceparent", "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01")
              .POST(HttpRequest.BodyPublishers.ofString("a=1")).build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(response.statusCode()).isEqualTo(200);

      List<ReceivedSpan> spans = receiver.await(all -> one(all, "POST origin") != null && one(all, "POST") != null)
          .get(WAIT_SECONDS, TimeUnit.SECONDS);
      ReceivedSpan server = one(spans, "POST origin");
      ReceivedSpan client = one(spans, "POST");
      assertThat(server.parentSpanId()).isEqualTo(CLIENT_SPAN);
      assertThat(client.parentSpanId()).isEqualTo(server.spanId());
      assertThat(origin.last().headers().getAll("traceparent"))
          .containsExactly("00-" + CLIENT_TRACE + "-" + client.spanId() + "-01");
    }
  }

  @Test
  void jwks_coldStartMiss_waitingRequestLinksToTheFetchAndItsAwsCalls() throws Exception {
    secrets.emulator().latency(Duration.ofMillis(400)); // the first fetch is still out when the first request comes
    try (EdgeHarness edge = tracedEdge(Map.of())) {
      var miss = edge.fetch(JWKS);
      var hit = edge.fetch(JWKS);
      assertThat(miss.header("Cache-Status")).isEqualTo("paintbox-edge; fwd=miss; collapsed");
      assertThat(hit.header("Cache-Status")).startsWith("paintbox-edge; hit; ttl=");

      List<ReceivedSpan> spans = receiver.await(all -> named(all, "GET " + JWKS).size() == 2
          && named(all, "SecretsManager/GetSecretValue").size() == 3).get(WAIT_SECONDS, TimeUnit.SECONDS);
      ReceivedSpan fetch = one(spans, JwksFetchSpans.SPAN_NAME);
      assertThat(fetch.isRoot()).as("start-up's fetch is nobody's child").isTrue();
      assertThat(fetch.attribute("edge.jwks.trigger")).isEqualTo("background");
      List<ReceivedSpan> aws = named(spans, "SecretsManager/GetSecretValue");
      assertThat(aws).allSatisfy(call -> {
        assertThat(call.traceId()).isEqualTo(fetch.traceId());
        assertThat(call.parentSpanId()).isEqualTo(fetch.spanId());
        assertThat(call.kind()).isEqualTo(SpanKind.SPAN_KIND_CLIENT);
        assertThat(call.attributes()).containsEntry("rpc.system", "aws-api").containsEntry("rpc.method", "GetSecretValue")
            .containsEntry("cloud.region", "us-east-1").containsEntry("edge.aws.secret_id", EdgeHarness.SECRET);
      });
      assertThat(aws).extracting(call -> call.attribute("edge.aws.version_stage"))
          .containsExactlyInAnyOrder("AWSCURRENT", "AWSPENDING", "AWSPREVIOUS");

      List<ReceivedSpan> requests = named(spans, "GET " + JWKS);
      ReceivedSpan missSpan = withCacheStatus(requests, miss.header("Cache-Status"));
      ReceivedSpan hitSpan = withCacheStatus(requests, hit.header("Cache-Status"));
      assertThat(missSpan.attributes()).containsEntry("edge.cache.outcome", "miss")
          .containsEntry("edge.cache.collapsed", true).containsEntry("http.route", JWKS);
      assertThat(missSpan.linkedSpanIds()).as("the waiting request leads to the fetch").containsExactly(fetch.spanId());
      assertThat(hitSpan.attributes()).containsEntry("edge.cache.outcome", "hit").doesNotContainKey("edge.cache.collapsed");
      assertThat(hitSpan.linkedSpanIds()).isEmpty();
      KeySecrets.of(KEY).assertNotIn("exported spans", spans.toString());
    }
  }

  @Test
  void metrics_openMetricsScrape_jwksLatencyBucketCarriesTheRequestsTraceId() throws Exception {
    try (EdgeHarness edge = tracedEdge(Map.of())) {
      edge.edge().cache().lookup().await(); // the first fetch is done: the next request is a plain hit
      assertThat(edge.send("GET", JWKS, Map.of("traceparent", "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01"))
          .join().status()).isEqualTo(200);
      HttpResponse<String> scrape = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
              URI.create("http://127.0.0.1:" + edge.edge().adminPort() + "/metrics"))
          .header("Accept", "application/openmetrics-text;version=1.0.0,text/plain;version=0.0.4;q=0.5").build(),
          HttpResponse.BodyHandlers.ofString());
      assertThat(scrape.headers().firstValue("Content-Type")).hasValueSatisfying(
          type -> assertThat(type).startsWith("application/openmetrics-text"));
      assertThat(scrape.body().lines().filter(line -> line.startsWith("edge_jwks_request_seconds_bucket")))
          .anySatisfy(bucket -> assertThat(bucket).contains("trace_id=\"" + CLIENT_TRACE + "\""));
    }
  }

  @Test
  void tracingOff_noExporterConfigured_exportsNothingAndPassesTraceHeadersThrough() {
    Tracing tracing = Tracing.configure(Map.of("OTEL_SERVICE_NAME", "paintbox-edge", "OTEL_TRACES_SAMPLER", "always_on"));
    assertThat(tracing.enabled()).isFalse();
    String traceparent = "00-" + CLIENT_TRACE + "-" + CLIENT_SPAN + "-01";
    try (EdgeHarness edge = EdgeHarness.start(secrets, edgeEnv(Map.of()), tracing)) {
      assertThat(Tracing.of(edge.vertx()).enabled()).isFalse();
      assertThat(edge.send("GET", "/page", Map.of("traceparent", traceparent)).join().status()).isEqualTo(200);
      assertThat(edge.fetch(JWKS).status()).isEqualTo(200);
      assertThat(origin.last().headers().getAll("traceparent")).containsExactly(traceparent);
      assertThat(edge.admin("GET", "/metrics", Map.of("Accept", "application/openmetrics-text")).header("Content-Type"))
          .as("exposition unchanged while tracing is off").startsWith("text/plain; version=0.0.4");
    }
    // The edge's close would have flushed any span queued; none was ever made.
    assertThat(receiver.posts()).isZero();
  }

  @Test
  void exporter_receiverRefusesConnections_requestsStillAnswerPromptly() throws Exception {
    int closedPort = closedPort();
    assertAnswersPromptly("http://127.0.0.1:" + closedPort);
  }

  @Test
  void exporter_receiverNeverAnswers_requestsStillAnswerPromptly() throws Exception {
    // Accepts connections and reads nothing back: each export waits out its timeout on the exporter's thread.
    var silent = vertx.createNetServer().connectHandler(socket -> { }).listen(0, "127.0.0.1").await();
    try {
      assertAnswersPromptly("http://127.0.0.1:" + silent.actualPort());
    } finally {
      silent.close().await();
    }
  }

  private void assertAnswersPromptly(String endpoint) throws Exception {
    Map<String, String> otel = otel(endpoint);
    otel.put("OTEL_EXPORTER_OTLP_TIMEOUT", "1000");
    otel.put("OTEL_BSP_MAX_QUEUE_SIZE", "64"); // fills at once, so the drop path runs too
    otel.put("OTEL_BSP_MAX_EXPORT_BATCH_SIZE", "32");
    try (EdgeHarness edge = EdgeHarness.start(secrets, edgeEnv(Map.of()), Tracing.configure(otel))) {
      edge.edge().cache().lookup().await();
      long slowest = 0;
      for (int i = 0; i < 200; i++) {
        long started = System.nanoTime();
        var response = edge.fetch(i % 2 == 0 ? JWKS : "/page");
        slowest = Math.max(slowest, System.nanoTime() - started);
        assertThat(response.status()).isEqualTo(200);
      }
      // Far below the exporter's one-second timeout, which each request would show if it waited on an export.
      assertThat(Duration.ofNanos(slowest)).isLessThan(Duration.ofMillis(500));
    }
  }

  private EdgeHarness tracedEdge(Map<String, String> edgeSettings) {
    return EdgeHarness.start(secrets, edgeEnv(edgeSettings), Tracing.configure(otel(receiver.endpoint())));
  }

  private Map<String, String> edgeEnv(Map<String, String> settings) {
    Map<String, String> env = EdgeHarness.shortWindows(60);
    env.put("EDGE_JWKS_FRESH_SECONDS", "300"); // no refresh-ahead fetch inside a test
    env.put("EDGE_ORIGIN_URL", origin.url());
    env.put("AWS_REGION", "us-east-1");
    env.putAll(settings);
    return env;
  }

  /** The edge's OTEL_* variables and Fly's: export at once to {@code endpoint}. */
  static Map<String, String> otel(String endpoint) {
    Map<String, String> env = new HashMap<>();
    env.put("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint);
    env.put("OTEL_BSP_SCHEDULE_DELAY", "50");
    env.put("FLY_REGION", "lhr");
    env.put("FLY_MACHINE_ID", "machine-1");
    return env;
  }

  private static int closedPort() {
    var server = vertx.createHttpServer().requestHandler(r -> r.response().end()).listen(0, "127.0.0.1").await();
    int port = server.actualPort();
    server.close().await();
    return port;
  }

  static List<ReceivedSpan> named(List<ReceivedSpan> spans, String name) {
    return spans.stream().filter(span -> span.name().equals(name)).toList();
  }

  static ReceivedSpan one(List<ReceivedSpan> spans, String name) {
    List<ReceivedSpan> found = named(spans, name);
    return found.isEmpty() ? null : found.get(0);
  }

  private static ReceivedSpan withCacheStatus(List<ReceivedSpan> spans, String cacheStatus) {
    Predicate<ReceivedSpan> matches = span -> List.of(cacheStatus).equals(span.attribute("http.response.header.cache-status"));
    return spans.stream().filter(matches).findFirst().orElseThrow();
  }
}
