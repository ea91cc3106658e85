package com.paintbox.edge.testing;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Vert.x HTTP origin on 127.0.0.1 and an ephemeral port that records every request head it receives (and the
 * remote port, which tells connections apart). What it answers is up to each test; by default 200 "ok".
 */
public final class ProxyTestOrigin {

  /** A request head as the origin saw it. */
  public record Seen(String method, String uri, HttpVersion version, MultiMap headers, int remotePort) {
    public String header(String name) {
      return headers.get(name);
    }
  }

  private final Vertx vertx;
  private final ConcurrentLinkedQueue<Seen> seen = new ConcurrentLinkedQueue<>();
  private final AtomicReference<Handler<HttpServerRequest>> handler =
      new AtomicReference<>(request -> request.response().end("ok"));
  private HttpServer server;

  public ProxyTestOrigin(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<ProxyTestOrigin> start() {
    return start(new HttpServerOptions());
  }

  public Future<ProxyTestOrigin> start(HttpServerOptions options) {
    return vertx.createHttpServer(options.setHost("127.0.0.1").setPort(0))
        .requestHandler(request -> {
          seen.add(new Seen(request.method().name(), request.uri(), request.version(),
              MultiMap.caseInsensitiveMultiMap().addAll(request.headers()), request.remoteAddress().port()));
          handler.get().handle(request);
        })
        .listen()
        .map(listening -> {
          server = listening;
          return this;
        });
  }

  /** Sets what the origin does with each request from now on. */
  public ProxyTestOrigin handle(Handler<HttpServerRequest> next) {
    handler.set(next);
    return this;
  }

  /** Answers every request with {@code status} and {@code body} after reading the request body. */
  public ProxyTestOrigin answer(int status, String body) {
    return handle(request -> request.body().onSuccess(ignored -> request.response().setStatusCode(status).end(body)));
  }

  /** Access to the server for handlers that need more, e.g. WebSocket. */
  public HttpServer server() {
    return server;
  }

  public int port() {
    return server.actualPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  public String authority() {
    return "127.0.0.1:" + port();
  }

  public List<Seen> seen() {
    return List.copyOf(seen);
  }

  public Seen last() {
    List<Seen> all = seen();
    if (all.isEmpty()) {
      throw new AssertionError("the origin received no request");
    }
    return all.get(all.size() - 1);
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** A body of {@code bytes} zero-free bytes, for tests that need something bigger than a word. */
  public static Buffer filler(int bytes) {
    Buffer buffer = Buffer.buffer(bytes);
    for (int i = 0; i < bytes; i++) {
      buffer.appendByte((byte) ('a' + i % 26));
    }
    return buffer;
  }
}
