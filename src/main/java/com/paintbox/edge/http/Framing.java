package com.paintbox.edge.http;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

/**
 * How a streamed answer's body is framed for its client, once its status and headers are set: a bodiless answer
 * (HEAD, 204, 304) never gets chunked framing; a body of unknown length is chunked to HTTP/1.1 clients and, to an
 * HTTP/1.0 client, which cannot read chunks, streamed and ended by closing the connection, as HTTP/1.0
 * (RFC 1945 §7.2.2) and nginx do. vertx-http-proxy would buffer that whole body in memory first, with no
 * limit, to compute a length (docs/vertx-gaps.md #8). The price is HTTP/1.0's own: a close is the only end marker.
 */
public final class Framing {

  private Framing() {}

  /**
   * Prepares {@code in}'s response for a body of the length its headers say (or unknown). True when the body is
   * close-delimited: the caller closes the connection once the body has ended.
   */
  public static boolean prepare(HttpServerRequest in) {
    HttpServerResponse response = in.response();
    int status = response.getStatusCode();
    boolean bodiless = in.method() == HttpMethod.HEAD || status == 204 || status == 304; // 1xx never get here
    if (bodiless || response.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
      return false;
    }
    if (in.version() == HttpVersion.HTTP_1_0) {
      // Vert.x would say keep-alive to a 1.0 client that asked for it; here the close ends the body.
      response.headersEndHandler(head -> response.headers().set(HttpHeaders.CONNECTION, HttpHeaders.CLOSE));
      return true;
    }
    if (in.version() == HttpVersion.HTTP_1_1) {
      response.setChunked(true);
    }
    return false;
  }
}
