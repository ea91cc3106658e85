package com.paintbox.edge.proxy;

import com.paintbox.edge.HttpDate;
import com.paintbox.edge.tracing.TraceHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.streams.Pipe;

/**
 * Hand-written: the common exchange, an HTTP/1.1 request without a body (GET, HEAD, most DELETEs and OPTIONS) and
 * its streamed answer, forwarded without vertx-http-proxy. Everything else (bodies, HTTP/1.0, HTTP/2, WebSocket
 * upgrades) still goes through the proxy and {@link ForwardingInterceptor}.
 *
 * <p>Why: on a 1 KiB page the proxy engine cost about a third of the edge's CPU per request (perf, JFR; see
 * bench/results/): it copies every header twice each way as {@code String}s, parses and re-formats {@code Date},
 * builds a {@code Pipe} and a body wrapper even for a request with no body, computes {@code absoluteURI()} and runs
 * a chain of futures per leg. Here each header is copied once (a request header as the bytes it arrived as).
 *
 * <p>Same rules as the proxy path, from the same pieces: {@link RequestGuard} has run; {@link HopByHop} both ways,
 * {@link ForwardedHeaders}, {@link OriginForm}; the connect budget, client-gone check and authority of
 * {@link OriginRequests#lease}; {@link HeadDeadline}; a {@code Pipe} with back-pressure for the body, aborting
 * both sides when either fails mid-body; 502/504 from {@link EdgeAnswer}. Two deliberate differences, both as
 * nginx behaves: the origin's {@code Date} and {@code Warning} pass through as sent (the proxy re-formats the one
 * and drops warnings it judges stale), and a {@code Date} is added only when the origin sent none (RFC 9110
 * §6.6.1); a bodiless status (1xx, 204, 304) never gets chunked framing.
 */
final class DirectExchange {

  private static final AsciiString[] NOT_FORWARDED = {AsciiString.of("host"), AsciiString.of("expect")};

  private final HttpClient client;
  private final OriginRequests origin;
  private final OriginEvents events;
  private final boolean trustForwarded;

  DirectExchange(HttpClient client, OriginRequests origin, OriginEvents events, boolean trustForwarded) {
    this.client = client;
    this.origin = origin;
    this.events = events;
    this.trustForwarded = trustForwarded;
  }

  /** True for the exchanges this class takes: HTTP/1.1, no request body, not an upgrade. */
  static boolean applies(HttpServerRequest in) {
    return applies(in.version(), in.headers());
  }

  static boolean applies(HttpVersion version, MultiMap headers) {
    if (version != HttpVersion.HTTP_1_1) {
      return false;
    }
    return !headers.contains(HttpHeaders.CONTENT_LENGTH) && !headers.contains(HttpHeaders.TRANSFER_ENCODING)
        && !headers.contains(HttpHeaders.UPGRADE);
  }

  void forward(HttpServerRequest in) {
    origin.lease(client, in).onComplete(leased -> {
      if (leased.failed()) {
        EdgeAnswer.send(in, leased.cause(), events);
      } else {
        send(in, leased.result());
      }
    });
  }

  private void send(HttpServerRequest in, HttpClientRequest out) {
    out.setMethod(in.method());
    out.setURI(OriginForm.of(in.uri()));
    MultiMap headers = out.headers();
    HopByHop.copy(in.headers(), headers, NOT_FORWARDED);
    TraceHeaders.strip(headers); // tracing hook: the edge's client span sends its own traceparent
    ForwardedHeaders.add(headers, in, trustForwarded);
    // A client that leaves while the origin thinks takes the origin request down with it (the proxy does the same).
    in.response().exceptionHandler(gone -> out.reset(0, gone));
    long sent = System.nanoTime();
    out.send().onComplete(answered -> {
      if (answered.failed()) {
        EdgeAnswer.send(in, answered.cause(), events);
      } else {
        relay(in, answered.result(), sent);
      }
    });
    origin.startDeadline(out);
  }

  private void relay(HttpServerRequest in, HttpClientResponse answer, long sentNanos) {
    OriginFailure refused = OriginHead.check(answer, false, sentNanos, events);
    if (refused != null) {
      EdgeAnswer.send(in, refused, events);
      return;
    }
    HttpServerResponse response = in.response();
    if (response.closed()) {
      answer.request().reset(); // the client left as the head arrived: read no body for nobody
      events.clientGone();
      return;
    }
    int status = answer.statusCode();
    response.setStatusCode(status);
    String reason = answer.statusMessage();
    if (reason != null && !reason.equals(HttpResponseStatus.valueOf(status).reasonPhrase())) {
      response.setStatusMessage(reason); // a custom phrase; the standard one costs nothing to leave to Vert.x
    }
    MultiMap headers = response.headers();
    HopByHop.copy(answer.headers(), headers);
    headers.add(ForwardedHeaders.VIA, ForwardedHeaders.via(answer.version()));
    if (!headers.contains(HttpHeaders.DATE)) {
      headers.set(HttpHeaders.DATE, HttpDate.now());
    }
    boolean bodiless = in.method() == HttpMethod.HEAD || status == 204 || status == 304; // 1xx never get here
    if (!bodiless && !headers.contains(HttpHeaders.CONTENT_LENGTH)) {
      response.setChunked(true);
    }
    Pipe<Buffer> pipe = answer.pipe();
    pipe.endOnSuccess(true);
    pipe.endOnFailure(false);
    pipe.to(response).onFailure(failed -> {
      // Either side failed mid-body: cut both, so the client sees a truncated answer, never a complete-looking one.
      answer.request().reset();
      response.reset();
    });
  }
}
