package com.paintbox.edge.proxy;

import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;

/**
 * Told of every origin answer the pass-through relays, on either transport, once its head has been judged valid
 * and before it is relayed: the origin cache uses it to invalidate what an unsafe method changed (RFC 9111 §4.4).
 * Called on the request's event loop; must not block or consume the answer's body.
 */
@FunctionalInterface
public interface ExchangeListener {

  void answered(HttpServerRequest in, HttpClientResponse answer);

  ExchangeListener NONE = (in, answer) -> {};
}
