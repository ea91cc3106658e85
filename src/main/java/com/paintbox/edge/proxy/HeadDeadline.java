package com.paintbox.edge.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientRequest;
import java.util.concurrent.TimeUnit;

/**
 * Resets the origin request when its response head has not arrived {@code timeoutMillis} after the last request
 * byte went out; the reset fails the exchange with {@link OriginFailure.Kind#TIMEOUT}, which the edge answers 504.
 *
 * <p>Vert.x's own {@code RequestOptions.setIdleTimeout} runs from the pool lease and so also counts the upload: a
 * large body sent slowly would end in a 504 the origin never caused. Here the timer is armed once and, when it
 * fires, re-armed for the remainder if request bytes moved meanwhile; a chunk costs one {@code nanoTime()} read,
 * not a timer. Everything runs on the request's event loop.
 */
final class HeadDeadline {

  private final Vertx vertx;
  private final HttpClientRequest request;
  private final long timeoutMillis;
  private long lastActivityNanos;
  private long timerId = -1;
  private boolean done;

  HeadDeadline(Vertx vertx, HttpClientRequest request, long timeoutMillis) {
    this.vertx = vertx;
    this.request = request;
    this.timeoutMillis = timeoutMillis;
  }

  void start() {
    lastActivityNanos = System.nanoTime();
    timerId = vertx.setTimer(timeoutMillis, this::check);
    request.response().onComplete(headOrFailure -> {
      done = true;
      vertx.cancelTimer(timerId);
    });
  }

  /** A request chunk (or its end) went towards the origin. */
  void touch() {
    lastActivityNanos = System.nanoTime();
  }

  private void check(long firedTimer) {
    if (done) {
      return;
    }
    long quietMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - lastActivityNanos);
    if (quietMillis >= timeoutMillis) {
      done = true;
      request.reset(0, new OriginFailure(OriginFailure.Kind.TIMEOUT,
          "no response head within " + timeoutMillis + " ms", null));
    } else {
      timerId = vertx.setTimer(timeoutMillis - quietMillis, this::check);
    }
  }
}
