package com.paintbox.edge.testing;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.NetServerOptions;
import io.vertx.core.net.NetSocket;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A TCP server on 127.0.0.1 that speaks whatever bytes a test scripts, for origins that misbehave below HTTP (reset
 * mid-body, stall) and for the "evil" host that must never be contacted. It counts connections and keeps every byte
 * received.
 */
public final class ProxyRawOrigin {

  private final Vertx vertx;
  private final AtomicInteger connections = new AtomicInteger();
  private final AtomicReference<Buffer> received = new AtomicReference<>(Buffer.buffer());
  private volatile Handler<NetSocket> script = socket -> {};
  private NetServer server;

  public ProxyRawOrigin(Vertx vertx) {
    this.vertx = vertx;
  }

  public Future<ProxyRawOrigin> start() {
    return start(new NetServerOptions());
  }

  /** Starts with {@code options}, e.g. {@code setSoLinger(0)} so that a close is a TCP reset. */
  public Future<ProxyRawOrigin> start(NetServerOptions options) {
    return vertx.createNetServer(options.setHost("127.0.0.1").setPort(0))
        .connectHandler(socket -> {
          connections.incrementAndGet();
          socket.handler(bytes -> received.updateAndGet(all -> all.copy().appendBuffer(bytes)));
          script.handle(socket);
        })
        .listen()
        .map(listening -> {
          server = listening;
          return this;
        });
  }

  /**
   * What to do with each connection. The script may replace the socket's data handler; bytes it reads itself are
   * then not recorded.
   */
  public ProxyRawOrigin script(Handler<NetSocket> next) {
    script = next;
    return this;
  }

  public int port() {
    return server.actualPort();
  }

  public String url() {
    return "http://127.0.0.1:" + port();
  }

  public int connections() {
    return connections.get();
  }

  public String received() {
    return received.get().toString(java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
