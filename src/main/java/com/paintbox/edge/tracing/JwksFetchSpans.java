package com.paintbox.edge.tracing;

import com.paintbox.edge.jwks.JwksCache;
import com.paintbox.edge.jwks.JwksDocument;
import com.paintbox.edge.jwks.JwksEvents;
import com.paintbox.edge.secrets.FetchFailure;
import com.paintbox.edge.secrets.KeySet;
import com.paintbox.edge.secrets.KeySource;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A "JWKS fetch" span per key-source fetch, the parent of that fetch's Secrets Manager calls.
 *
 * <p>Whose trace a fetch joins: a request that <em>waits</em> on it (a miss on an empty or expired cache, or a
 * revalidation past stale-while-revalidate) makes it its child, so the AWS calls sit under the slow request. Every
 * other fetch (start-up, refresh-ahead, retries, a stale request's nudge, the admin refresh) is background work and
 * starts a trace of its own, linked to the request that started it if any: hanging it under a request that has long
 * been answered is the context leak of vertx-tracing #83. Which kind a fetch is follows from the window the cache is
 * in, which this class hears as a {@link JwksEvents} listener.
 *
 * <p>Why the AWS calls find their parent here rather than in the thread's current context: the key source hops to
 * the context its client was built on, and its later stages run on the SDK's I/O thread, so the caller's context is
 * gone by then. The cache runs one fetch at a time (one Caffeine entry; refreshes are de-duplicated), so the fetch
 * in flight is the parent of every AWS call made meanwhile. The fetch's result is handed on inside its span, so the
 * cache's "JWKS fetched" log line carries its trace id.
 */
final class JwksFetchSpans implements JwksEvents {

  static final String SPAN_NAME = "JWKS fetch";
  /** Windows in which a request has nothing to serve and waits for the fetch it starts. */
  private static final Set<JwksCache.State> WAITING = EnumSet.of(JwksCache.State.EMPTY, JwksCache.State.EXPIRED,
      JwksCache.State.REVALIDATE);

  private final Tracer tracer;
  private final AtomicReference<Context> inFlight = new AtomicReference<>();
  private volatile SpanContext latest;
  private volatile JwksCache.State state = JwksCache.State.EMPTY;

  JwksFetchSpans(Tracer tracer) {
    this.tracer = tracer;
  }

  KeySource wrap(KeySource source) {
    return () -> fetch(source);
  }

  /** The context of the fetch in flight, or null: the parent of an AWS call. */
  Context inFlight() {
    return inFlight.get();
  }

  /** The latest fetch's span, in flight or done, or null before the first: what a collapsed request links to. */
  SpanContext latest() {
    return latest;
  }

  @Override
  public void stateChanged(JwksCache.State from, JwksCache.State to, Optional<JwksDocument> document,
      Optional<FetchFailure> lastFailure) {
    state = to;
  }

  private Future<KeySet> fetch(KeySource source) {
    Context caller = Context.current();
    SpanContext request = Span.fromContext(caller).getSpanContext();
    boolean waits = request.isValid() && WAITING.contains(state);
    SpanBuilder builder = tracer.spanBuilder(SPAN_NAME).setSpanKind(SpanKind.INTERNAL)
        .setAttribute(SpanAttributes.JWKS_TRIGGER, waits ? "request" : "background");
    if (waits) {
      builder.setParent(caller);
    } else {
      builder.setNoParent();
      if (request.isValid()) {
        builder.addLink(request);
      }
    }
    Span span = builder.startSpan();
    Context fetch = Context.root().with(span);
    latest = span.getSpanContext();
    inFlight.set(fetch);
    Future<KeySet> result;
    try (Scope ignored = fetch.makeCurrent()) {
      result = source.fetch();
    }
    Promise<KeySet> handedOn = Promise.promise();
    result.onComplete(done -> {
      end(span, done.succeeded() ? done.result() : null, done.cause());
      inFlight.compareAndSet(fetch, null);
      try (Scope ignored = fetch.makeCurrent()) {
        handedOn.handle(done); // the cache's bookkeeping and log lines run here, inside the fetch's span
      }
    });
    return handedOn.future();
  }

  private static void end(Span span, KeySet keys, Throwable failure) {
    if (failure != null) {
      span.setStatus(StatusCode.ERROR, failure.getMessage());
      span.setAttribute(SpanAttributes.JWKS_ERROR_TYPE, FetchFailure.of(failure).type().label());
    } else {
      span.setAttribute(SpanAttributes.JWKS_KEYS, keys.keys().size());
    }
    span.end();
  }
}
