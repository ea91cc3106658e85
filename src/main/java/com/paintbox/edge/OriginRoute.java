package com.paintbox.edge;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;

/** Where the public port sends every request that is not the JWKS or an edge endpoint. One per event loop. */
public interface OriginRoute extends Handler<HttpServerRequest> {

  /** Releases the route's connections to the origin. */
  Future<Void> close();
}
