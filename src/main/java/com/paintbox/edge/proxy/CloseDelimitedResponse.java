package com.paintbox.edge.proxy;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.streams.Pipe;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyResponse;

/**
 * Hand-written: an origin body of unknown length to an HTTP/1.0 client, which cannot read chunked framing. 5.0.7
 * buffers the whole body in memory first (no limit) to compute a length; this streams it instead and ends it by
 * closing the connection, as HTTP/1.0 (RFC 1945 §7.2.2) and nginx do, with the same back-pressure as every other
 * body. The price is HTTP/1.0's own: a close is the only end marker, so a truncated body cannot be told from a whole
 * one by that client.
 */
final class CloseDelimitedResponse {

  private CloseDelimitedResponse() {}

  static boolean applies(ProxyContext ctx) {
    HttpServerRequest in = ctx.request().proxiedRequest();
    ProxyResponse response = ctx.response();
    Body body = response.getBody();
    int status = response.getStatusCode();
    boolean bodiless = in.method() == HttpMethod.HEAD || status < 200 || status == 204 || status == 304;
    return in.version() == HttpVersion.HTTP_1_0 && body != null && body.length() < 0 && !bodiless;
  }

  static Future<Void> send(ProxyContext ctx) {
    HttpServerRequest in = ctx.request().proxiedRequest();
    HttpServerResponse out = in.response();
    ProxyResponse response = ctx.response();
    out.setStatusCode(response.getStatusCode());
    if (response.getStatusMessage() != null) {
      out.setStatusMessage(response.getStatusMessage());
    }
    response.headers().forEach(header -> {
      String name = header.getKey();
      if (!name.equalsIgnoreCase("content-length") && !name.equalsIgnoreCase("transfer-encoding")) {
        out.headers().add(name, header.getValue());
      }
    });
    // Vert.x writes "Connection: keep-alive" for a 1.0 client that asked for it; here the close ends the body.
    out.headersEndHandler(head -> out.headers().set(HttpHeaders.CONNECTION, HttpHeaders.CLOSE));
    Pipe<Buffer> pipe = response.getBody().stream().pipe();
    pipe.endOnSuccess(true);
    pipe.endOnFailure(false);
    return pipe.to(out).andThen(done -> {
      if (done.failed()) {
        response.proxiedResponse().request().reset();
      }
      in.connection().close();
    });
  }
}
