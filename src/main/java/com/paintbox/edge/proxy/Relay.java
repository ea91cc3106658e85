package com.paintbox.edge.proxy;

import com.paintbox.edge.compression.Codecs;
import com.paintbox.edge.compression.OnTheFly;
import com.paintbox.edge.http.Framing;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.streams.Pipe;

/**
 * An origin answer on its way to the client, for every transport: the head through {@link ForwardingRules}, the
 * body compressed on the fly where negotiated ({@link OnTheFly}), framed by {@link Framing} and relayed with
 * back-pressure (the origin is paused while the client's queue is
 * full); either side failing mid-body cuts both, so the client sees a truncated answer, never a complete-looking
 * one.
 */
final class Relay {

  /** A GET answer relayed to a HEAD request (a cache fill asks with GET) is drained up to this size, else cut. */
  private static final long DRAIN_LIMIT_BYTES = 65_536;

  private Relay() {}

  /**
   * Relays {@code answer} to {@code in}'s client, appending {@code cacheStatus} (may be null), compressed on the fly
   * when {@code codecs} and the client's Accept-Encoding say so ({@link OnTheFly}).
   */
  static Future<Void> answer(HttpServerRequest in, HttpClientResponse answer, CacheStatusMember cacheStatus,
      Codecs codecs) {
    HttpServerResponse response = in.response();
    ForwardingRules.response(answer, response, false);
    if (cacheStatus != null) {
      ForwardingRules.cacheStatus(response.headers(), cacheStatus.of(answer.statusCode()));
    }
    Codecs.StreamEncoder encoder = OnTheFly.begin(in, codecs);
    if (in.method() == HttpMethod.HEAD && answer.request().getMethod() != HttpMethod.HEAD) {
      return headOnly(response, answer);
    }
    boolean closeDelimited = Framing.prepare(in);
    if (encoder != null) {
      return compressed(in, answer, encoder, closeDelimited);
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

  /**
   * The body through {@code encoder}: each origin chunk compressed and flushed as it comes, with the same
   * back-pressure as the pipe (the origin pauses while the client's queue is full) and the same cut on failure.
   */
  private static Future<Void> compressed(HttpServerRequest in, HttpClientResponse answer,
      Codecs.StreamEncoder encoder, boolean closeDelimited) {
    HttpServerResponse response = in.response();
    Promise<Void> relayed = Promise.promise();
    response.exceptionHandler(gone -> {
      if (relayed.tryFail(gone)) {
        encoder.abandon();
        answer.request().reset();
      }
    });
    answer.exceptionHandler(broken -> {
      if (relayed.tryFail(broken)) {
        encoder.abandon();
        response.reset();
      }
    });
    answer.handler(chunk -> {
      Buffer out = encoder.encode(chunk);
      if (out.length() > 0) {
        response.write(out);
      }
      if (response.writeQueueFull()) {
        answer.pause();
        response.drainHandler(drained -> answer.resume());
      }
    });
    answer.endHandler(end -> {
      if (!relayed.future().isComplete()) {
        response.end(encoder.finish()).onComplete(ended -> {
          relayed.tryComplete();
          if (closeDelimited) {
            in.connection().close();
          }
        });
      }
    });
    answer.resume(); // the engine hands its answers over paused
    return relayed.future();
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
