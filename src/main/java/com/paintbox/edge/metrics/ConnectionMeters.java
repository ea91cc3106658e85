package com.paintbox.edge.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.TCPMetrics;
import java.util.concurrent.atomic.LongAdder;

/**
 * What the {@code vertx_http_server_*} and {@code vertx_http_client_*} series share: the connection-level callbacks,
 * which count connections, bytes and errors rather than track each connection, and the open-WebSocket gauge.
 */
abstract class ConnectionMeters implements TCPMetrics<Object> {

  /** The per-connection metric Vert.x hands back to us; the series are not per connection, so one will do. */
  private static final Object CONNECTION = new Object();

  private final LongAdder connections;
  private final LongAdder webSockets;
  private final Counter bytesRead;
  private final Counter bytesWritten;
  private final Counter errors;

  /**
   * @param prefix {@code vertx.http.server.} or {@code vertx.http.client.}; the descriptions are worded per side,
   *     as vertx-micrometer-metrics words them
   */
  ConnectionMeters(MeterRegistry registry, String prefix, Tags tags, String connectionsHelp, String bytesReadHelp,
      String bytesWrittenHelp) {
    connections = ExchangeMeters.gauge(registry, prefix + "active.connections", connectionsHelp, tags);
    webSockets = ExchangeMeters.gauge(registry, prefix + "active.ws.connections",
        "Number of websockets currently opened", tags);
    bytesRead = ExchangeMeters.counter(registry, prefix + "bytes.read", bytesReadHelp, tags);
    bytesWritten = ExchangeMeters.counter(registry, prefix + "bytes.written", bytesWrittenHelp, tags);
    errors = ExchangeMeters.counter(registry, prefix + "errors", "Number of errors", tags);
  }

  @Override
  public Object connected(SocketAddress remoteAddress, String remoteName) {
    connections.increment();
    return CONNECTION;
  }

  @Override
  public void disconnected(Object connection, SocketAddress remoteAddress) {
    connections.decrement();
  }

  @Override
  public void bytesRead(Object connection, SocketAddress remoteAddress, long numberOfBytes) {
    bytesRead.increment(numberOfBytes);
  }

  @Override
  public void bytesWritten(Object connection, SocketAddress remoteAddress, long numberOfBytes) {
    bytesWritten.increment(numberOfBytes);
  }

  @Override
  public void exceptionOccurred(Object connection, SocketAddress remoteAddress, Throwable t) {
    errors.increment();
  }

  /** A WebSocket opened; the adder is what Vert.x hands back on close. */
  final LongAdder webSocketOpened() {
    webSockets.increment();
    return webSockets;
  }

  public void disconnected(LongAdder webSocket) {
    webSocket.decrement();
  }
}
