package com.paintbox.edge.proxy;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.MediaType;
import io.vertx.httpproxy.ProxyRequest;
import io.vertx.httpproxy.ProxyResponse;

/**
 * Answers the edge writes itself on the origin path: a small JSON body that says who answered, and
 * {@code Cache-Control: no-store} so no cache downstream keeps an outage. No {@code Cache-Status}: per RFC 9211 a
 * cache adds its member to responses it forwards, not to errors it generates.
 */
final class EdgeErrors {

  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");

  private EdgeErrors() {}

  static Buffer body(int status, String code) {
    return new JsonObject().put("error", code).put("status", status).put("source", "paintbox-edge").toBuffer();
  }

  /** The head of an edge answer written straight to the client: {@code status}, JSON, no-store. */
  static HttpServerResponse head(HttpServerRequest request, int status) {
    return request.response().setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
        .putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE);
  }

  /**
   * Replaces the exchange with an edge answer. {@code release()} drains the client's unread body so an HTTP/1.1
   * connection stays usable; it must run exactly once (a second call throws in 5.0.7, issue #142).
   */
  static ProxyResponse replace(ProxyRequest request, int status, String code) {
    ProxyResponse response = request.release().response()
        .setStatusCode(status)
        .setBody(Body.body(body(status, code), MediaType.APPLICATION_JSON));
    response.headers().set(HttpHeaders.CACHE_CONTROL, NO_STORE);
    return response;
  }

  /**
   * Refuses a request before anything is forwarded. The HTTP/1.x connection is closed afterwards: a request the
   * edge refuses for its framing leaves the rest of the byte stream untrustworthy (RFC 9112 §6.3, §11.2).
   */
  static Future<Void> refuse(HttpServerRequest request, int status, String code, String allow) {
    HttpServerResponse response = head(request, status);
    if (allow != null) {
      response.putHeader(HttpHeaders.ALLOW, allow);
    }
    boolean http1 = request.version() != HttpVersion.HTTP_2;
    if (http1) {
      // Read no further: after a refused head, the rest of the byte stream is not to be trusted.
      request.pause();
      response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    return response.end(body(status, code)).andThen(done -> {
      if (http1) {
        request.connection().close();
      }
    });
  }
}
