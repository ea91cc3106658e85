package com.paintbox.edge.tracing;

import io.vertx.core.MultiMap;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.spi.tracing.VertxTracer;

/**
 * The trace headers of a request the edge sends to the origin. With tracing on, the client's own
 * {@code traceparent}, {@code tracestate} (and whatever else the configured propagators carry) are removed from the
 * copy, so the origin hears of the trace from the edge's client span, whose context Vert.x injects as the request
 * goes out (it adds, so the client's would otherwise be sent as well). With tracing off they pass through untouched,
 * like any end-to-end header, and the origin joins the client's trace directly.
 *
 * <p>These headers change on every request: whatever keys a cache must never include them, whichever way tracing
 * is set ({@link #isTraceHeader}).
 */
public final class TraceHeaders {

  private TraceHeaders() {}

  /** Strips the trace headers from {@code outgoing}, a copy bound for the origin; call on the request's context. */
  public static void strip(MultiMap outgoing) {
    ContextInternal context = ContextInternal.current();
    VertxTracer<?, ?> tracer = context == null ? null : context.tracer();
    if (tracer == null) {
      return; // tracing off: checked before the type test, so EdgeTracer is never loaded
    }
    if (tracer instanceof EdgeTracer edge) {
      edge.stripPropagationFields(outgoing);
    }
  }

  /** True for the W3C trace context and baggage headers, which differ per request and never belong in a cache key. */
  public static boolean isTraceHeader(CharSequence name) {
    String lower = name.toString().toLowerCase(java.util.Locale.ROOT);
    return lower.equals("traceparent") || lower.equals("tracestate") || lower.equals("baggage");
  }
}
