package com.paintbox.edge.proxy;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.streams.Pipe;

/**
 * An origin answer on its way to the client, for every transport: the head through {@link ForwardingRules}, the
 * body piped with back-pressure (the origin is paused while the client's queue is full), and either side failing
 * mid-body cuts both, so the client sees a truncated answer, never a complete-looking one.
 *
 * <p>Framing: a bodiless answer (HEAD, 204, 304) never gets chunked framing; a body of unknown length is chunked to
 * HTTP/1.1 clients and, to an HTTP/1.0 client, which cannot read chunks, streamed and ended by closing the
 * connection, as HTTP/1.0 (RFC 1945 §7.2.2) and nginx do. vertx-http-proxy 5.0.7 would buffer that whole body in
 * memory first, with no limit, to compute a length. The price is HTTP/1.0's own: a close is the only end marker.
 */
final class Relay {

  private Relay() {}

  /** Relays {@code answer} to {@code in}'s client, appending {@code cacheStatus} (may be null). */
  static Future<Void> answer(HttpServerRequest in, HttpClientResponse answer, CharSequence cacheStatus) {
    HttpServerResponse response = in.response();
    ForwardingRules.response(answer, response, false);
    ForwardingRules.cacheStatus(response.headers(), cacheStatus);
    return body(in, answer);
  }

  /** Pipes {@code answer}'s body to {@code in}'s response, whose head is set but not yet written. */
  static Future<Void> body(HttpServerRequest in, HttpClientResponse answer) {
    HttpServerResponse response = in.response();
    int status = response.getStatusCode();
    boolean bodiless = in.method() == HttpMethod.HEAD || status == 204 || status == 304; // 1xx never get here
    boolean sized = response.headers().contains(HttpHeaders.CONTENT_LENGTH);
    boolean closeDelimited = !bodiless && !sized && in.version() == HttpVersion.HTTP_1_0;
    if (closeDelimited) {
      // Vert.x would say keep-alive to a 1.0 client that asked for it; here the close ends the body.
      response.headersEndHandler(head -> response.headers().set(HttpHeaders.CONNECTION, HttpHeaders.CLOSE));
    } else if (!bodiless && !sized && in.version() == HttpVersion.HTTP_1_1) {
      response.setChunked(true);
    }
    Pipe<Buffer> pipe = answer.pipe();
    pipe.endOnSuccess(true);
    pipe.endOnFailure(false);
    return pipe.to(response).andThen(done -> {
      if (done.failed()) {
        answer.request().reset();
        response.reset();
      }
      if (closeDelimited) {
        in.connection().close();
      }
    });
  }
}
