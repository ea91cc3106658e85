package com.paintbox.edge.tracing;

import io.opentelemetry.api.trace.Span;
import io.vertx.core.http.HttpServerRequest;

/** The OpenTelemetry side of {@link RequestSpans}, kept apart so that class loads nothing while tracing is off. */
final class ServerSpans {

  /** True once any Vert.x in this process traces; a request on one that does not finds no span and changes nothing. */
  static volatile boolean enabled;

  private ServerSpans() {}

  static void enable() {
    enabled = true;
  }

  static void route(HttpServerRequest request, String route) {
    Span span = Span.current();
    if (!span.isRecording()) {
      return; // not sampled: a name nobody will see is not worth the string
    }
    span.updateName(request.method().name() + ' ' + route);
    if (route.startsWith("/")) {
      span.setAttribute(SpanAttributes.HTTP_ROUTE, route);
    }
  }

  static void attribute(String key, String value) {
    Span span = Span.current();
    if (span.isRecording()) {
      span.setAttribute(key, value);
    }
  }
}
