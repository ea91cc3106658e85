package com.paintbox.edge.proxy;

import com.paintbox.edge.tracing.TraceHeaders;
import io.vertx.core.Future;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;

/**
 * The edge's one interceptor, registered first and for WebSocket handshakes too, so it sees every exchange on both
 * legs:
 *
 * <pre>
 *   client ─▶ guard ─▶ [request leg: strip hop-by-hop, X-Forwarded-*, Via, origin-form] ─▶ OriginRequests ─▶ origin
 *   client ◀─────────── [response leg: strip hop-by-hop, Via]  ◀── or the edge's own 502/504 ◀─────────────┘
 * </pre>
 *
 * Failures before the origin's response head become the edge's answer here rather than in the proxy, which has one
 * hard-coded 502 (its issue #114). On 5.0.7 the request is released exactly once and a succeeded future returned:
 * a released request plus a failed future makes the proxy release again and never answer (issue #142).
 */
final class ForwardingInterceptor implements ProxyInterceptor {


  private final OriginEvents events;
  private final boolean trustForwarded;

  ForwardingInterceptor(OriginEvents events, boolean trustForwarded) {
    this.events = events;
    this.trustForwarded = trustForwarded;
  }

  @Override
  public Future<ProxyResponse> handleProxyRequest(ProxyContext ctx) {
    ProxyRequest request = ctx.request();
    HttpServerRequest in = request.proxiedRequest();
    HopByHop.strip(request.headers(), ctx.isWebSocket());
    request.headers().remove(HttpHeaders.EXPECT); // met by the guard; the origin's 100 would go nowhere
    TraceHeaders.strip(request.headers()); // tracing hook: the edge's client span sends its own traceparent
    ForwardedHeaders.add(request.headers(), in, trustForwarded);
    request.setURI(OriginForm.of(request.getURI()));
    long sent = System.nanoTime();
    return ctx.sendRequest()
        .map(response -> {
          // 5.0.7 would answer 501 for bad framing or relay any status as is.
          OriginFailure refused = OriginHead.check(response.proxiedResponse(), ctx.isWebSocket(), sent, events);
          if (refused != null) {
            return edgeAnswer(ctx, refused);
          }
          if (in.response().closed()) {
            events.clientGone(); // the client left as the head arrived; the proxy resets the origin on writing
          }
          return response;
        })
        .recover(failure -> Future.succeededFuture(edgeAnswer(ctx, failure)));
  }

  @Override
  public Future<Void> handleProxyResponse(ProxyContext ctx) {
    ProxyResponse response = ctx.response();
    HttpClientResponse fromOrigin = response.proxiedResponse();
    if (fromOrigin == null) {
      // The edge's own answer. On the WebSocket path the proxy's next step would read a null origin response.
      return ctx.isWebSocket() ? response.send() : ctx.sendResponse();
    }
    boolean upgraded = ctx.isWebSocket() && response.getStatusCode() == OriginHead.SWITCHING_PROTOCOLS;
    HopByHop.strip(response.headers(), upgraded);
    response.headers().add(ForwardedHeaders.VIA, ForwardedHeaders.via(fromOrigin.version()));
    if (upgraded) {
      return WebSocketTunnel.open(ctx);
    }
    if (ctx.isWebSocket()) {
      // The origin refused the upgrade: relay its answer as any other, where 5.0.7 would drop headers and body.
      return response.send();
    }
    if (CloseDelimitedResponse.applies(ctx)) {
      return CloseDelimitedResponse.send(ctx);
    }
    return ctx.sendResponse();
  }

  private ProxyResponse edgeAnswer(ProxyContext ctx, Throwable failure) {
    OriginFailure.Kind kind = EdgeAnswer.classify(ctx.request().proxiedRequest(), failure, events);
    return EdgeErrors.replace(ctx.request(), kind.status, kind.code);
  }
}
