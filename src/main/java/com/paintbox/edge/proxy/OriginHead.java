package com.paintbox.edge.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import java.util.List;

/**
 * The origin's response head as both paths judge it ({@link DirectExchange} and {@link ForwardingInterceptor}): a
 * head that must not be relayed becomes the edge's 502, one that may is counted as the origin's answer.
 */
final class OriginHead {

  static final int SWITCHING_PROTOCOLS = 101;

  private OriginHead() {}

  /**
   * Null when {@code response}'s head may be relayed, after counting it; otherwise the failure to answer with, the
   * origin's response already reset so that its connection is not left paused in the pool.
   *
   * @param webSocket the client asked for an upgrade, so a 101 is an answer
   */
  static OriginFailure check(HttpClientResponse response, boolean webSocket, long sentNanos, OriginEvents events) {
    String invalid = invalid(response.headers(), response.statusCode(), webSocket);
    if (invalid != null) {
      response.request().reset();
      return new OriginFailure(OriginFailure.Kind.ERROR, invalid, null);
    }
    events.originResponded(response.statusCode(), System.nanoTime() - sentNanos);
    return null;
  }

  /**
   * Why a head must not be relayed, or null. A status outside 100–599 is invalid (RFC 9110 §15); a 101 is only an
   * answer to an upgrade the client asked for (§15.2.2), and relayed to anyone else it would leave the client's
   * connection in a protocol nobody speaks. Vert.x's client consumes 100 and 103; any other 1xx (a 102) arrives here
   * as if it were the final head, and relaying it as the answer would break the exchange. Transfer codings compare
   * without case (RFC 9112 §7): Netty has already de-chunked a "Chunked" body.
   */
  static String invalid(MultiMap headers, int status, boolean webSocket) {
    List<String> codings = headers.getAll(HttpHeaders.TRANSFER_ENCODING);
    if (!codings.isEmpty() && !codings.stream().allMatch("chunked"::equalsIgnoreCase)) {
      return "origin sent Transfer-Encoding " + codings;
    }
    if (status < 100 || status > 599 || (status < 200 && !(webSocket && status == SWITCHING_PROTOCOLS))) {
      return "origin sent status " + status;
    }
    return null;
  }
}
