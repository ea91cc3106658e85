package com.paintbox.edge.server;

import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One JSON line per request when {@code EDGE_ACCESS_LOG=true}; off by default, because at edge rates the log
 * pipeline would cost more than the request. The query string is left out: it may carry tokens.
 */
final class AccessLog {

  private static final Logger log = LoggerFactory.getLogger("com.paintbox.edge.access");

  private AccessLog() {}

  static void watch(HttpServerRequest request) {
    long started = System.nanoTime();
    HttpServerResponse response = request.response();
    response.endHandler(ended -> log.atInfo()
        .addKeyValue("method", request.method().name())
        .addKeyValue("path", request.path())
        .addKeyValue("proto", request.version().alpnName())
        .addKeyValue("status", response.getStatusCode())
        .addKeyValue("bytes", response.bytesWritten())
        .addKeyValue("ms", (System.nanoTime() - started) / 1_000_000.0)
        .addKeyValue("remote", request.remoteAddress() == null ? "" : request.remoteAddress().hostAddress())
        .log("request"));
  }
}
