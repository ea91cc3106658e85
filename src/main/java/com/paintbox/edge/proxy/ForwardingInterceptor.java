package com.paintbox.edge.proxy;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;
import java.util.List;

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

  private static final int SWITCHING_PROTOCOLS = 101;

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
    ForwardedHeaders.add(request.headers(), in, trustForwarded);
    request.setURI(OriginForm.of(request.getURI()));
    long sent = System.nanoTime();
    return ctx.sendRequest()
        .map(response -> {
          String invalid = invalidResponse(response.headers(), response.getStatusCode(), ctx.isWebSocket());
          if (invalid != null) {
            // 5.0.7 would answer 501 (bad framing) or relay the status as is, and leave the origin's response
            // paused on a pooled connection.
            response.proxiedResponse().request().reset();
            return edgeAnswer(ctx, new OriginFailure(OriginFailure.Kind.ERROR, invalid, null));
          }
          events.originResponded(response.getStatusCode(), System.nanoTime() - sent);
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
    boolean upgraded = ctx.isWebSocket() && response.getStatusCode() == SWITCHING_PROTOCOLS;
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

  /**
   * Why the origin's response head must not be relayed, or null. A status outside 100–599 is invalid (RFC 9110
   * §15); a 101 is only an answer to an upgrade the client asked for (§15.2.2), and relayed to anyone else it would
   * leave the client's connection in a protocol nobody speaks. Other 1xx never get here: the client consumes them.
   */
  static String invalidResponse(MultiMap headers, int status, boolean webSocket) {
    List<String> codings = headers.getAll(HttpHeaders.TRANSFER_ENCODING);
    if (!codings.isEmpty() && !codings.stream().allMatch("chunked"::equals)) {
      return "origin sent Transfer-Encoding " + codings;
    }
    if (status < 100 || status > 599 || (status < 200 && !(webSocket && status == SWITCHING_PROTOCOLS))) {
      return "origin sent status " + status;
    }
    return null;
  }
}
