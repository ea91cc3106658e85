package com.paintbox.edge;

import io.vertx.core.Future;
import io.vertx.core.http.HttpServerRequest;

/** Placeholder until the origin pass-through lands: every non-JWKS request is answered 502. */
final class OriginRoutes {

  private OriginRoutes() {}

  static OriginRoute unavailable() {
    return new OriginRoute() {
      @Override
      public void handle(HttpServerRequest request) {
        request.response().setStatusCode(502).end();
      }

      @Override
      public Future<Void> close() {
        return Future.succeededFuture();
      }
    };
  }
}
