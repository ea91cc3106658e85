package com.paintbox.edge.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanContext;

/**
 * Tells the Prometheus registry which trace a measurement belongs to, so its histograms keep exemplars (shown to
 * scrapers that ask for OpenMetrics, as Prometheus does with exemplar storage on). The registry samples at most one
 * exemplar per bucket per interval itself; this only reads the current span, on the thread that records.
 */
final class ExemplarSpans implements io.prometheus.metrics.tracer.common.SpanContext {

  @Override
  public String getCurrentTraceId() {
    SpanContext span = Span.current().getSpanContext();
    return span.isValid() ? span.getTraceId() : null;
  }

  @Override
  public String getCurrentSpanId() {
    SpanContext span = Span.current().getSpanContext();
    return span.isValid() ? span.getSpanId() : null;
  }

  @Override
  public boolean isCurrentSpanSampled() {
    return Span.current().getSpanContext().isSampled();
  }

  @Override
  public void markCurrentSpanAsExemplar() {
    Span span = Span.current();
    if (span.isRecording()) {
      // The convention prometheus-metrics uses, so a tail sampler can keep the traces exemplars point to.
      span.setAttribute(EXEMPLAR_ATTRIBUTE_NAME, EXEMPLAR_ATTRIBUTE_VALUE);
    }
  }
}
