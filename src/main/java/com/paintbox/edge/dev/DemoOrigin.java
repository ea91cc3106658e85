package com.paintbox.edge.dev;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.net.URI;

/**
 * A stand-in for the Paintbox origin in --dev, so {@code curl localhost:8080/} answers: a page at {@code /} and, at
 * {@code /echo}, the request as the origin saw it, which shows the proxy headers the edge adds.
 */
public final class DemoOrigin {

  private static final String PAGE = "<!doctype html><title>Paintbox (demo origin)</title>"
      + "<h1>Paintbox demo origin</h1><p>This page came through paintbox-edge. Try <a href=\"/echo\">/echo</a> "
      + "and <a href=\"/.well-known/jwks.json\">/.well-known/jwks.json</a>.</p>\n";

  private final Vertx vertx;
  private HttpServer server;

  public DemoOrigin(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<DemoOrigin> start() {
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
        .requestHandler(this::handle)
        .listen()
        .map(listening -> {
          server = listening;
          return this;
        });
  }

  public URI url() {
    return URI.create("http://127.0.0.1:" + server.actualPort());
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private void handle(HttpServerRequest request) {
    if (request.path().equals("/echo")) {
      JsonObject headers = new JsonObject();
      request.headers().forEach(h -> headers.put(h.getKey().toLowerCase(java.util.Locale.ROOT), h.getValue()));
      request.response().putHeader("Content-Type", "application/json")
          .end(new JsonObject().put("method", request.method().name()).put("uri", request.uri())
              .put("headers", headers).encodePrettily());
      return;
    }
    request.response().putHeader("Content-Type", "text/html; charset=utf-8")
        .putHeader("Cache-Control", "public, max-age=60")
        .end(PAGE);
  }
}
