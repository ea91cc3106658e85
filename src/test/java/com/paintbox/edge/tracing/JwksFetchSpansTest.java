package com.paintbox.edge.tracing;

import static com.paintbox.edge.tracing.TracingTest.named;
import static com.paintbox.edge.tracing.TracingTest.one;
import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.EdgeMain;
import com.paintbox.edge.config.AwsConfig;
import com.paintbox.edge.jwks.JwksCache;
import com.paintbox.edge.secrets.KeySource;
import com.paintbox.edge.secrets.SecretsClients;
import com.paintbox.edge.secrets.SecretsManagerKeySource;
import com.paintbox.edge.testing.EdgeHarness;
import com.paintbox.edge.testing.EmulatorBackend;
import com.paintbox.edge.testing.MotoBackend;
import com.paintbox.edge.testing.OtlpReceiver;
import com.paintbox.edge.testing.OtlpReceiver.ReceivedSpan;
import com.paintbox.edge.testing.TestKeys;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerAsyncClient;

/**
 * Whose trace a JWKS fetch joins, driven the way the cache drives it: a traced HTTP server's handler calls the
 * key source, as a request's miss does, with the cache's window told through the tracing's {@code JwksEvents}. The
 * key source is the real one, over the real SDK client with the tracing's interceptor, against the emulator.
 */
class JwksFetchSpansTest {

  private static final String AWS_CALL = "SecretsManager/GetSecretValue";

  private Vertx plain;
  private OtlpReceiver receiver;
  private EmulatorBackend secrets;
  private Tracing tracing;
  private Vertx traced;
  private SecretsManagerAsyncClient sdk;
  private HttpServer server;

  @BeforeEach
  void start() {
    plain = Vertx.vertx();
    receiver = OtlpReceiver.start(plain);
    secrets = new EmulatorBackend(plain);
    secrets.create(EdgeHarness.SECRET, TestKeys.ec("fetch-key").toJSONString());
    tracing = Tracing.configure(TracingTest.otel(receiver.endpoint()));
    traced = EdgeMain.newVertx(tracing.newMeterRegistry(), tracing);
    sdk = SecretsClients.create(new AwsConfig("us-east-1", Duration.ofSeconds(5), 1), Optional.of(secrets.endpoint()),
        Optional.of(MotoBackend.CREDENTIALS), tracing.awsInterceptors());
    KeySource source = tracing.keySource(new SecretsManagerKeySource(Future.succeededFuture(sdk), EdgeHarness.SECRET));
    server = traced.createHttpServer()
        .requestHandler(request -> source.fetch().onComplete(done -> request.response()
            .end(done.succeeded() ? "fetched" : "failed: " + done.cause())))
        .listen(0, "127.0.0.1")
        .await();
  }

  @AfterEach
  void stop() {
    server.close().await();
    sdk.close();
    traced.close().await(); // flushes and shuts the SDK down
    secrets.close();
    receiver.close();
    plain.close().await();
  }

  @Test
  void fetch_startedByARequestThatWaits_isThatRequestsChildWithItsAwsCalls() throws Exception {
    assertThat(get()).isEqualTo("fetched"); // the cache is EMPTY: a request that misses waits for its fetch

    List<ReceivedSpan> spans = receiver.await(all -> named(all, AWS_CALL).size() == 3 && one(all, "GET") != null)
        .get(20, TimeUnit.SECONDS);
    ReceivedSpan request = one(spans, "GET");
    ReceivedSpan fetch = one(spans, JwksFetchSpans.SPAN_NAME);
    assertThat(fetch.traceId()).isEqualTo(request.traceId());
    assertThat(fetch.parentSpanId()).isEqualTo(request.spanId());
    assertThat(fetch.attribute("edge.jwks.trigger")).isEqualTo("request");
    assertThat(fetch.attribute("edge.jwks.keys")).isEqualTo(1L);
    assertThat(named(spans, AWS_CALL)).allSatisfy(call -> assertThat(call.parentSpanId()).isEqualTo(fetch.spanId()));
  }

  @Test
  void fetch_startedByARequestServedFromMemory_isATraceOfItsOwnLinkedToThatRequest() throws Exception {
    tracing.jwksEvents().stateChanged(JwksCache.State.EMPTY, JwksCache.State.STALE, Optional.empty(), Optional.empty());
    assertThat(get()).isEqualTo("fetched"); // a stale hit nudges a refresh nobody waits for

    List<ReceivedSpan> spans = receiver.await(all -> named(all, AWS_CALL).size() == 3 && one(all, "GET") != null)
        .get(20, TimeUnit.SECONDS);
    ReceivedSpan request = one(spans, "GET");
    ReceivedSpan fetch = one(spans, JwksFetchSpans.SPAN_NAME);
    assertThat(fetch.isRoot()).isTrue();
    assertThat(fetch.traceId()).isNotEqualTo(request.traceId());
    assertThat(fetch.linkedSpanIds()).containsExactly(request.spanId());
    assertThat(fetch.attribute("edge.jwks.trigger")).isEqualTo("background");
    assertThat(named(spans, AWS_CALL)).allSatisfy(call -> {
      assertThat(call.traceId()).isEqualTo(fetch.traceId());
      assertThat(call.parentSpanId()).isEqualTo(fetch.spanId());
    });
  }

  @Test
  void fetch_failing_spanIsAnErrorNamingTheType() throws Exception {
    secrets.emulator().fail(com.paintbox.edge.dev.SecretsManagerEmulator.Fault.ACCESS_DENIED);
    assertThat(get()).startsWith("failed");

    List<ReceivedSpan> spans = receiver.await(all -> one(all, JwksFetchSpans.SPAN_NAME) != null
        && !named(all, AWS_CALL).isEmpty()).get(20, TimeUnit.SECONDS);
    ReceivedSpan fetch = one(spans, JwksFetchSpans.SPAN_NAME);
    assertThat(fetch.status()).isEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(fetch.attribute("edge.jwks.error_type")).isEqualTo("denied");
    assertThat(named(spans, AWS_CALL)).allSatisfy(call -> {
      assertThat(call.status()).isEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR);
      assertThat(call.attribute("http.response.status_code")).isEqualTo(400L);
    });
  }

  private String get() throws Exception {
    return HttpClient.newHttpClient().send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.actualPort() + "/")).build(),
        HttpResponse.BodyHandlers.ofString()).body();
  }
}
