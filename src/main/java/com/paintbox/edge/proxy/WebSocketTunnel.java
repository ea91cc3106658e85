package com.paintbox.edge.proxy;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.NetSocket;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyResponse;

/**
 * Hand-written: the bytes of an upgraded WebSocket connection, once the origin has answered 101. vertx-http-proxy's own tunnel
 * copies with {@code handler(other::write)}: no back-pressure (a fast origin and a slow client grow the edge's
 * memory without bound), no error handling, and the origin socket left open when the client's upgrade fails. Here
 * each direction is a {@code pipeTo}, which pauses the reader while the writer's queue is full, and whichever side
 * ends or fails takes the other down with it.
 *
 * <p>The Vert.x gaps behind this are listed, each with the test that pins it, in docs/vertx-gaps.md.
 */
final class WebSocketTunnel {

  private WebSocketTunnel() {}

  static Future<Void> open(ProxyContext ctx) {
    ProxyResponse response = ctx.response();
    HttpServerRequest in = ctx.request().proxiedRequest();
    NetSocket origin = response.proxiedResponse().netSocket();
    origin.pause(); // frames the origin sends straight after its 101 wait for the pipe
    in.response().setStatusCode(101); // its headers are already set, by ForwardingRules
    return in.toNetSocket()
        .onFailure(failed -> origin.close())
        .onSuccess(client -> {
          client.pipeTo(origin).onFailure(failed -> client.close());
          origin.pipeTo(client).onFailure(failed -> origin.close());
        })
        .mapEmpty();
  }
}
