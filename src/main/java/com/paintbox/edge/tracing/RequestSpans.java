package com.paintbox.edge.tracing;

import io.vertx.core.http.HttpServerRequest;

/**
 * What routing code tells the request's server span: its route, once per request, and any attribute of its own.
 * Callable whether or not tracing is on: off, each call is one read of a flag, and nothing of OpenTelemetry loads.
 *
 * <p>The span is named {@code <METHOD> <route>}: {@code GET /.well-known/jwks.json}, {@code GET /_edge/*},
 * {@code POST origin}. A route starting with {@code /} is also the span's {@code http.route}. The cache outcome
 * needs no call: the tracer reads the response's {@code Cache-Status} when it ends.
 */
public final class RequestSpans {

  /** Every request the edge passes to the origin (or its cache); not a path template, so no {@code http.route}. */
  public static final String ORIGIN = "origin";

  private RequestSpans() {}

  /** Names the server span of {@code request}; call on the request's own context, before answering. */
  public static void route(HttpServerRequest request, String route) {
    if (ServerSpans.enabled) {
      ServerSpans.route(request, route);
    }
  }

  /** Adds an attribute to the current request's server span (e.g. {@code edge.cache.key_hash}). */
  public static void attribute(String key, String value) {
    if (ServerSpans.enabled) {
      ServerSpans.attribute(key, value);
    }
  }
}
