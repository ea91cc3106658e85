package com.paintbox.edge.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.trace.ReadableSpan;
import io.vertx.core.Context;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.spi.observability.HttpResponse;
import io.vertx.core.spi.tracing.SpanKind;
import io.vertx.core.spi.tracing.TagExtractor;
import io.vertx.core.spi.tracing.VertxTracer;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.tracing.opentelemetry.Operation;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;

/**
 * The Vert.x tracer of a tracing edge: vertx-opentelemetry's, which makes the spans and carries their context
 * on the request's Vert.x context, with the edge's rules around it.
 *
 * <h2>Design note</h2>
 *
 * <pre>
 *   client ──traceparent──▶ server span "GET origin" ─────────────── Cache-Status read at the end ──▶ attributes
 *                             │ (vertx-opentelemetry: parent from the client's headers, stored on the request's
 *                             │  duplicated context, so Span.current() finds it in handlers, logs and meters)
 *                             └─▶ client span "GET" ──traceparent (its own; the client's was stripped)──▶ origin
 *   JWKS miss ─▶ "JWKS fetch" (JwksFetchSpans) ─▶ "SecretsManager/GetSecretValue" ×3 (AwsCallSpans)
 * </pre>
 *
 * <ul>
 *   <li><b>Names.</b> Vert.x names a server span by its method; routing code renames it by route through
 *       {@link RequestSpans}, once per request.</li>
 *   <li><b>Attributes.</b> Vert.x's request tags include the full URL and the query string, which may carry
 *       tokens (the access log leaves the query out for the same reason): they are dropped, and a client span's
 *       {@code url.full} loses its query. When the response ends, its {@code Cache-Status} goes on the server span
 *       as {@code http.response.header.cache-status}, and the edge's own member as {@code edge.cache.*}
 *       ({@link CacheStatusMember}), so the cache code needs nothing of tracing. 5xx marks a server span an error,
 *       4xx and 5xx a client span (semantic conventions).</li>
 *   <li><b>Context after the response.</b> vertx-opentelemetry detaches the server span from the request's context
 *       as the response is written. The edge records its latency timers and writes its access log just after that,
 *       so they would lose the trace id (no exemplar, no {@code trace_id}). Here the span stays attached: the
 *       request's duplicated context is its own and is dropped with it (Vert.x makes one per request, HTTP/1.1 and
 *       HTTP/2 alike), so nothing else ever sees it. Work that outlives a request must not inherit its span
 *       (vertx-tracing #83): the JWKS refresh timer runs on the context that started the edge, never on a
 *       request's, and {@link JwksFetchSpans} starts background fetches as traces of their own.</li>
 *   <li><b>Collapsed JWKS requests</b> waited on a fetch another caller started, which is in another trace: their
 *       span gets a link to it, so a slow first request still leads to its AWS calls.</li>
 *   <li><b>Cost of the unsampled.</b> At a 1 % sampler nearly every span is unsampled: it still gets a span context to
 *       propagate, but nothing is read or set on it. Vert.x's tags are therefore put on after the span starts, and
 *       only on a recording one; so a sampler sees no HTTP attributes (the autoconfigured ones never look), and
 *       requests without trace headers skip the propagators' scans of the header list.</li>
 * </ul>
 */
final class EdgeTracer implements VertxTracer<Operation, Operation> {

  /** The contract's JWKS path, the one route whose collapsed requests waited on a JWKS fetch. */
  static final String JWKS_ROUTE = "/.well-known/jwks.json";
  private static final String CACHE_STATUS = "Cache-Status";

  private final Tracing tracing;
  private final TracingSdk sdk;
  private final VertxTracer<Operation, Operation> otel;
  /** Header names the propagators read and write, as Vert.x header names (their case-insensitive hash kept). */
  private final CharSequence[] propagationFields;

  EdgeTracer(Tracing tracing, TracingSdk sdk, VertxTracer<Operation, Operation> otel) {
    this.tracing = tracing;
    this.sdk = sdk;
    this.otel = otel;
    this.propagationFields = sdk.propagator().fields().stream().map(HttpHeaders::createOptimized)
        .toArray(CharSequence[]::new);
  }

  Tracing tracing() {
    return tracing;
  }

  /** Removes what the configured propagators would inject ({@code traceparent}, {@code tracestate}, ...). */
  void stripPropagationFields(MultiMap headers) {
    for (CharSequence field : propagationFields) {
      headers.remove(field);
    }
  }

  @Override
  public <R> Operation receiveRequest(Context context, SpanKind kind, TracingPolicy policy, R request,
      String operation, Iterable<Map.Entry<String, String>> headers, TagExtractor<R> tagExtractor) {
    Operation traced = otel.receiveRequest(context, kind, policy, request, operation, carrying(headers),
        TagExtractor.empty());
    if (traced != null && traced.span().isRecording()) {
      RedactedTags.record(traced.span(), request, tagExtractor);
    }
    return traced;
  }

  @Override
  public <R> void sendResponse(Context context, R response, Operation operation, Throwable failure,
      TagExtractor<R> tagExtractor) {
    if (operation == null || !operation.span().isRecording()) {
      return;
    }
    Span span = operation.span();
    if (response instanceof HttpServerResponse served) {
      cacheStatus(span, served.headers().get(CACHE_STATUS));
      if (served.getStatusCode() >= 500) {
        span.setStatus(StatusCode.ERROR);
      }
    }
    // A no-op scope: the span stays on the request's context (see the note).
    otel.sendResponse(context, response, new Operation(span, Scope.noop()), failure, tagExtractor);
  }

  @Override
  public <R> Operation sendRequest(Context context, SpanKind kind, TracingPolicy policy, R request,
      String operation, BiConsumer<String, String> headers, TagExtractor<R> tagExtractor) {
    Operation traced = otel.sendRequest(context, kind, policy, request, operation, headers, TagExtractor.empty());
    if (traced != null && traced.span().isRecording()) {
      RedactedTags.record(traced.span(), request, tagExtractor);
    }
    return traced;
  }

  @Override
  public <R> void receiveResponse(Context context, R response, Operation operation, Throwable failure,
      TagExtractor<R> tagExtractor) {
    if (operation == null || !operation.span().isRecording()) {
      return; // ending a span nobody records is a no-op, but building its attributes is not
    }
    if (response instanceof HttpResponse head && head.statusCode() >= 400) {
      operation.span().setStatus(StatusCode.ERROR);
    }
    otel.receiveResponse(context, response, operation, failure, tagExtractor);
  }

  /**
   * The request's headers for the propagators, or none when it carries none of their fields: the W3C and baggage
   * propagators each scan the whole header list for their one name, converting every header to strings as they go,
   * where a map lookup per field answers the common case (no trace context) at once.
   */
  private Iterable<Map.Entry<String, String>> carrying(Iterable<Map.Entry<String, String>> headers) {
    if (!(headers instanceof MultiMap map)) {
      return headers;
    }
    for (CharSequence field : propagationFields) {
      if (map.contains(field)) {
        return headers;
      }
    }
    return List.of();
  }

  @Override
  public void close() {
    sdk.close();
  }

  private void cacheStatus(Span span, String header) {
    if (header == null) {
      return;
    }
    span.setAttribute(SpanAttributes.CACHE_STATUS_HEADER, List.of(header));
    CacheStatusMember ours = CacheStatusMember.ours(header);
    if (ours == null) {
      return;
    }
    span.setAttribute(SpanAttributes.CACHE_OUTCOME, ours.outcome());
    if (ours.collapsed()) {
      span.setAttribute(SpanAttributes.CACHE_COLLAPSED, true);
      SpanContext fetch = sdk.fetches().latest();
      if (fetch != null && span instanceof ReadableSpan readable
          && JWKS_ROUTE.equals(readable.getAttribute(SpanAttributes.HTTP_ROUTE))) {
        span.addLink(fetch);
      }
    }
    if (ours.detail() != null) {
      span.setAttribute(SpanAttributes.CACHE_DETAIL, ours.detail());
    }
  }

}
