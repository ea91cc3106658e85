package com.paintbox.edge.testing;

import com.google.protobuf.InvalidProtocolBufferException;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A collector on loopback: answers OTLP/HTTP {@code POST /v1/traces} with 200 and decodes each body with the
 * OpenTelemetry protocol's own classes, so a test sees exactly what the edge's real exporter sent. Run it on a
 * Vert.x without tracing, so it traces nothing itself.
 */
public final class OtlpReceiver implements AutoCloseable {

  /** One exported span, with its resource's attributes. Ids are lower-case hex; a root's parent is "". */
  public record ReceivedSpan(String traceId, String spanId, String parentSpanId, String name, Span.SpanKind kind,
      Map<String, Object> attributes, List<String> linkedSpanIds, Status.StatusCode status,
      Map<String, Object> resource) {

    public Object attribute(String key) {
      return attributes.get(key);
    }

    public boolean isRoot() {
      return parentSpanId.isEmpty();
    }
  }

  private final HttpServer server;
  private final List<ReceivedSpan> spans = new ArrayList<>();
  private final List<Waiter> waiters = new ArrayList<>();
  private int posts;

  private record Waiter(Predicate<List<ReceivedSpan>> until, CompletableFuture<List<ReceivedSpan>> done) {}

  private OtlpReceiver(Vertx vertx) {
    this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(this::handle)
        .listen()
        .await();
  }

  public static OtlpReceiver start(Vertx vertx) {
    return new OtlpReceiver(vertx);
  }

  /** What {@code OTEL_EXPORTER_OTLP_ENDPOINT} should say. */
  public String endpoint() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  public synchronized int posts() {
    return posts;
  }

  public synchronized List<ReceivedSpan> spans() {
    return List.copyOf(spans);
  }

  /** Completes with every span received so far, once they satisfy {@code until}. */
  public synchronized CompletableFuture<List<ReceivedSpan>> await(Predicate<List<ReceivedSpan>> until) {
    CompletableFuture<List<ReceivedSpan>> done = new CompletableFuture<>();
    if (until.test(List.copyOf(spans))) {
      done.complete(List.copyOf(spans));
    } else {
      waiters.add(new Waiter(until, done));
    }
    return done;
  }

  /** Completes once a span named {@code name} has arrived. */
  public CompletableFuture<List<ReceivedSpan>> awaitSpan(String name) {
    return await(all -> all.stream().anyMatch(span -> span.name().equals(name)));
  }

  private void handle(HttpServerRequest request) {
    if (!request.path().equals("/v1/traces")) {
      request.response().setStatusCode(404).end();
      return;
    }
    request.body().onSuccess(body -> {
      try {
        received(ExportTraceServiceRequest.parseFrom(body.getBytes()));
        request.response().putHeader("Content-Type", "application/x-protobuf")
            .end(Buffer.buffer(ExportTraceServiceResponse.getDefaultInstance().toByteArray()));
      } catch (InvalidProtocolBufferException e) {
        request.response().setStatusCode(400).end(e.getMessage());
      }
    });
  }

  private synchronized void received(ExportTraceServiceRequest export) {
    posts++;
    for (ResourceSpans resourceSpans : export.getResourceSpansList()) {
      Map<String, Object> resource = attributes(resourceSpans.getResource().getAttributesList());
      for (ScopeSpans scope : resourceSpans.getScopeSpansList()) {
        for (Span span : scope.getSpansList()) {
          spans.add(new ReceivedSpan(hex(span.getTraceId().toByteArray()), hex(span.getSpanId().toByteArray()),
              hex(span.getParentSpanId().toByteArray()), span.getName(), span.getKind(),
              attributes(span.getAttributesList()),
              span.getLinksList().stream().map(link -> hex(link.getSpanId().toByteArray())).toList(),
              span.getStatus().getCode(), resource));
        }
      }
    }
    List<ReceivedSpan> all = List.copyOf(spans);
    waiters.removeIf(waiter -> waiter.until().test(all) && waiter.done().complete(all));
  }

  private static Map<String, Object> attributes(List<KeyValue> values) {
    Map<String, Object> map = new LinkedHashMap<>();
    for (KeyValue value : values) {
      map.put(value.getKey(), value(value.getValue()));
    }
    return map;
  }

  private static Object value(AnyValue value) {
    return switch (value.getValueCase()) {
      case STRING_VALUE -> value.getStringValue();
      case BOOL_VALUE -> value.getBoolValue();
      case INT_VALUE -> value.getIntValue();
      case DOUBLE_VALUE -> value.getDoubleValue();
      case ARRAY_VALUE -> value.getArrayValue().getValuesList().stream().map(OtlpReceiver::value)
          .collect(Collectors.toList());
      default -> value.toString();
    };
  }

  private static String hex(byte[] bytes) {
    return HexFormat.of().formatHex(bytes);
  }

  @Override
  public void close() {
    server.close().await();
  }
}
