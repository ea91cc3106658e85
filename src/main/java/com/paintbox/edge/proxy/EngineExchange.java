package com.paintbox.edge.proxy;

import com.paintbox.edge.compression.Codecs;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;

/**
 * The transport for what the direct exchange does not take (request bodies, HTTP/1.0, HTTP/2, WebSocket upgrades):
 * vertx-http-proxy, adapted to the edge's rules by its one interceptor, registered first and for WebSocket
 * handshakes too, so it sees every exchange on both legs:
 *
 * <pre>
 *   client ─▶ guard ─▶ [request leg: ForwardingRules, origin-form] ─▶ OriginClient ─▶ origin
 *   client ◀─────────── [response leg: Relay (ForwardingRules, body pipe)] ◀──────────┘
 *                       or the edge's own 502/504 (EdgeAnswer), or WebSocketTunnel after a 101
 * </pre>
 *
 * The engine streams the request body (with back-pressure, resetting the origin request when the client leaves)
 * and detects upgrades; everything else is the edge's own, so both transports behave alike. The response leg never
 * calls the engine's {@code sendResponse}: it would re-format {@code Date}, drop warnings it judges stale and
 * buffer a body of unknown length for HTTP/1.0 clients. Failures before the origin's response head become the
 * edge's answer here rather than in the proxy, which has one hard-coded 502 (its issue #114). In vertx-http-proxy the
 * request is released exactly once and a succeeded future returned: a released request plus a failed future
 * makes the proxy release again and never answer (issue #142).
 *
 * <p>The Vert.x gaps behind this are listed, each with the test that pins it, in docs/vertx-gaps.md.
 */
final class EngineExchange implements ProxyInterceptor {

  /** The attachment that marks an exchange the edge answers itself: the failure to answer with. */
  private static final String FAILURE = "paintbox-edge.failure";
  /** The attachment holding the Cache-Status member the answer gets, if any. */
  private static final String CACHE_STATUS = "paintbox-edge.cache-status";

  private final OriginEvents events;
  private final ExchangeListener listener;
  private final boolean trustForwarded;

  /**
   * The Cache-Status member for the exchange {@link #forward} is handing to the engine. The engine calls
   * {@link #handleProxyRequest} synchronously from {@code handle}, on this event loop, which is what makes a field
   * enough to pass it (the engine offers no per-request attachment before its context exists).
   */
  private CacheStatusMember handing;

  private final Codecs codecs;

  EngineExchange(OriginEvents events, ExchangeListener listener, boolean trustForwarded, Codecs codecs) {
    this.events = events;
    this.listener = listener;
    this.trustForwarded = trustForwarded;
    this.codecs = codecs;
  }

  /** Hands {@code in} to {@code engine}, its answer to carry {@code cacheStatus} (null for none). */
  void forward(HttpProxy engine, HttpServerRequest in, CacheStatusMember cacheStatus) {
    handing = cacheStatus;
    try {
      engine.handle(in);
    } finally {
      handing = null;
    }
  }

  @Override
  public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
    if (handing != null) {
      ctx.set(CACHE_STATUS, handing);
    }
    ProxyRequest request = ctx.request();
    HttpServerRequest in = request.proxiedRequest();
    // The engine's copy of the client's headers is replaced by the one rule's: one set of headers on both paths.
    request.headers().clear();
    ForwardingRules.request(in, request.headers(), ctx.isWebSocket(), trustForwarded);
    request.setURI(OriginForm.of(request.getURI()));
    long sent = System.nanoTime();
    return ctx.sendRequest()
        .map(response -> {
          // The engine would answer 501 for bad framing or relay any status as is.
          OriginFailure refused = OriginHead.check(response.proxiedResponse(), ctx.isWebSocket(), sent, events);
          return refused == null ? response : edgeAnswer(ctx, refused);
        })
        .recover(failure -> Future.succeededFuture(edgeAnswer(ctx, failure)));
  }

  @Override
  public Future<Void> handleProxyResponse(ProxyContext ctx) {
    HttpServerRequest in = ctx.request().proxiedRequest();
    Throwable failure = ctx.get(FAILURE, Throwable.class);
    if (failure != null) {
      EdgeAnswer.send(in, failure, events);
      return Future.succeededFuture();
    }
    ProxyResponse response = ctx.response();
    HttpClientResponse answer = response.proxiedResponse();
    listener.answered(in, answer);
    if (in.response().closed()) {
      events.clientGone(); // the client left as the head arrived
      answer.request().reset();
      return Future.succeededFuture();
    }
    boolean upgraded = ctx.isWebSocket() && answer.statusCode() == OriginHead.SWITCHING_PROTOCOLS;
    if (upgraded) {
      ForwardingRules.response(answer, in.response(), true);
      return WebSocketTunnel.open(ctx);
    }
    // A plain answer, or the origin's refusal of an upgrade, relayed as any other: the engine would drop its headers
    // and body.
    return Relay.answer(in, answer, ctx.get(CACHE_STATUS, CacheStatusMember.class), codecs);
  }

  /**
   * Releases the client's request (draining an unread body keeps an HTTP/1.1 connection usable; the engine throws on a
   * second release, issue #142) and marks the exchange as the edge's to answer.
   */
  private ProxyResponse edgeAnswer(ProxyContext ctx, Throwable failure) {
    ctx.set(FAILURE, failure);
    return ctx.request().release().response();
  }
}
