package com.paintbox.edge.http;

import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * The one writer of answers the edge makes itself (its refusals, its 502/504, health, readiness, admin results), so
 * they all speak with one voice: JSON, {@code cache-control: no-store} (no cache downstream keeps an outage or a
 * token's answer), a {@code date}, lower-case names. Errors share one shape:
 *
 * <pre>{"error":"origin_timeout","status":504,"message":"…","source":"paintbox-edge"}</pre>
 *
 * {@code error} is a stable code for programs, {@code message} is for people, {@code source} tells an operator the
 * edge answered and not the origin. No {@code cache-status}: per RFC 9211 a cache adds its member to responses it
 * forwards, not to errors it generates.
 */
public final class EdgeResponses {

  public static final String SOURCE = "paintbox-edge";
  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");
  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");

  private EdgeResponses() {}

  /** The body of an edge error. */
  public static JsonObject errorBody(int status, String code, String message) {
    return new JsonObject().put("error", code).put("status", status).put("message", message).put("source", SOURCE);
  }

  /** Writes an edge error: {@code status}, the JSON error shape, no-store, date. */
  public static Future<Void> error(HttpServerResponse response, int status, String code, String message) {
    return json(response, status, errorBody(status, code, message).toBuffer());
  }

  /** Writes one of the edge's own JSON answers. */
  public static Future<Void> json(HttpServerResponse response, int status, Buffer body) {
    Objects.requireNonNull(body, "body");
    return head(response, status).end(body);
  }

  /** Writes one of the edge's own JSON answers. */
  public static Future<Void> json(HttpServerResponse response, int status, JsonObject body) {
    return json(response, status, body.toBuffer());
  }

  /**
   * Refuses a request before anything is forwarded. The HTTP/1.x connection is closed afterwards: a request the edge
   * refuses for its framing leaves the rest of the byte stream untrustworthy (RFC 9112 §6.3, §11.2).
   *
   * @param allow the {@code allow} value of a 405, else null
   */
  public static Future<Void> refuse(HttpServerRequest request, int status, String code, String message,
      @Nullable CharSequence allow) {
    HttpServerResponse response = request.response();
    if (allow != null) {
      response.putHeader(HttpHeaders.ALLOW, allow);
    }
    boolean http1 = request.version() != HttpVersion.HTTP_2;
    if (http1) {
      request.pause(); // read no further: after a refused head, the rest of the byte stream is not to be trusted
      response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE);
    }
    return error(response, status, code, message).andThen(done -> {
      if (http1) {
        request.connection().close();
      }
    });
  }

  /**
   * Answers a request Netty could not decode, which Vert.x hands to {@code HttpServer.invalidRequestHandler} instead
   * of the request handler: 414 for a request line over the limit, 431 for a header section over it, else 400. Vert.x's
   * own handler answers with an empty body and no {@code date}; this one speaks as every other refusal does.
   *
   * @param maxRequestLineBytes the configured limit, named in the 414's message
   * @param maxHeaderBytes the configured limit, named in the 431's message
   * @return the status answered
   */
  public static int invalid(HttpServerRequest request, int maxRequestLineBytes, int maxHeaderBytes) {
    Throwable cause = request.decoderResult().cause();
    if (cause instanceof TooLongHttpLineException) {
      refuse(request, 414, "request_line_too_long",
          "the request line is longer than " + maxRequestLineBytes + " bytes", null);
      return 414;
    }
    if (cause instanceof TooLongHttpHeaderException) {
      refuse(request, 431, "headers_too_large",
          "the request's header section is larger than " + maxHeaderBytes + " bytes", null);
      return 431;
    }
    refuse(request, 400, "bad_request", "the request cannot be parsed as HTTP", null);
    return 400;
  }

  private static HttpServerResponse head(HttpServerResponse response, int status) {
    return response.setStatusCode(status)
        .putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
        .putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE)
        .putHeader(HttpHeaders.DATE, HttpDate.now());
  }
}
