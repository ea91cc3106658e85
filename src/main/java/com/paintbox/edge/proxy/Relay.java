package com.paintbox.edge.proxy;

import com.paintbox.edge.http.Framing;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.Pipe;

/**
 * An origin answer on its way to the client, for every transport: the head through {@link ForwardingRules}, the
 * body framed by {@link Framing} and piped with back-pressure (the origin is paused while the client's queue is
 * full); either side failing mid-body cuts both, so the client sees a truncated answer, never a complete-looking
 * one.
 */
final class Relay {

  /** A GET answer relayed to a HEAD request (a cache fill asks with GET) is drained up to this size, else cut. */
  private static final long DRAIN_LIMIT_BYTES = 65_536;

  private Relay() {}

  /** Relays {@code answer} to {@code in}'s client, appending {@code cacheStatus} (may be null). */
  static Future<Void> answer(HttpServerRequest in, HttpClientResponse answer, CharSequence cacheStatus) {
    HttpServerResponse response = in.response();
    ForwardingRules.response(answer, response, false);
    ForwardingRules.cacheStatus(response.headers(), cacheStatus);
    if (in.method() == HttpMethod.HEAD && answer.request().getMethod() != HttpMethod.HEAD) {
      return headOnly(response, answer);
    }
    boolean closeDelimited = Framing.prepare(in);
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

  /**
   * The head of a GET's answer for a HEAD request. A small body is read and dropped so the origin connection goes
   * back to the pool; a large or unknown one costs less as a closed connection than as bytes read for nobody.
   */
  private static Future<Void> headOnly(HttpServerResponse response, HttpClientResponse answer) {
    String length = answer.getHeader(io.vertx.core.http.HttpHeaders.CONTENT_LENGTH);
    String digits = length == null ? "" : length.trim();
    boolean small = !digits.isEmpty() && digits.length() < 7 && digits.chars().allMatch(Character::isDigit)
        && Long.parseLong(digits) <= DRAIN_LIMIT_BYTES;
    if (small) {
      answer.handler(null).resume(); // flowing with no handler: the body is read and dropped
    } else {
      answer.request().reset();
    }
    return response.end();
  }
}
