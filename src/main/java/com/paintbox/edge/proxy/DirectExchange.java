package com.paintbox.edge.proxy;

import com.paintbox.edge.compression.Codecs;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;

/**
 * The transport for the commonest exchange, an HTTP/1.1 request without a body (GET, HEAD, most DELETEs and
 * OPTIONS), without vertx-http-proxy: lease, {@link ForwardingRules}, send, {@link Relay}. Everything else (bodies,
 * HTTP/1.0, HTTP/2, WebSocket upgrades) goes through {@link EngineExchange}; the origin cache's fills use the same
 * steps through {@link OriginExchange#fetch}.
 *
 * <p>Why: on a 1 KiB page the proxy engine cost about a third of the edge's CPU per request (perf, JFR; see
 * bench/results/): it copies every header twice each way as {@code String}s, parses and re-formats {@code Date},
 * builds a {@code Pipe} and a body wrapper even for a request with no body, computes {@code absoluteURI()} and runs
 * a chain of futures per leg. Here each header is copied once (a request header as the bytes it arrived as).
 */
final class DirectExchange {

  private final OriginClient origin;
  private final OriginEvents events;
  private final ExchangeListener listener;
  private final boolean trustForwarded;
  private final Codecs codecs;

  DirectExchange(OriginClient origin, OriginEvents events, ExchangeListener listener, boolean trustForwarded,
      Codecs codecs) {
    this.origin = origin;
    this.events = events;
    this.listener = listener;
    this.trustForwarded = trustForwarded;
    this.codecs = codecs;
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

  void forward(HttpServerRequest in, CacheStatusMember cacheStatus) {
    origin.lease(in, true)
        .compose(out -> send(in, out))
        .onComplete(answered -> {
          if (answered.failed()) {
            EdgeAnswer.send(in, answered.cause(), events);
            return;
          }
          HttpClientResponse answer = answered.result();
          listener.answered(in, answer); // the origin acted on the request, whoever reads its answer
          if (in.response().closed()) {
            answer.request().reset(); // the client left as the head arrived: read no body for nobody
            events.clientGone();
            return;
          }
          Relay.answer(in, answer, cacheStatus, codecs);
        });
  }

  private Future<HttpClientResponse> send(HttpServerRequest in, HttpClientRequest out) {
    out.setMethod(in.method());
    out.setURI(OriginForm.of(in.uri()));
    ForwardingRules.request(in, out.headers(), false, trustForwarded);
    // A client that leaves while the origin thinks takes the origin request down with it (the proxy does the same).
    in.response().exceptionHandler(gone -> out.reset(0, gone));
    return origin.send(out);
  }
}
