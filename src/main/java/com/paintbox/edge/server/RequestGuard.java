package com.paintbox.edge.server;

import com.paintbox.edge.http.EdgeResponses;
import com.paintbox.edge.proxy.OriginEvents;
import com.paintbox.edge.proxy.OriginForm;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.WeakHashMap;

/**
 * Refuses what must never be forwarded, before vertx-http-proxy sees the request (its interceptors run too late:
 * the proxy has already chosen the framing by then). One per event loop, so the connection set needs no locking.
 * Most rules here stand in for a gap upstream; each is listed, with the test that pins it, in docs/vertx-gaps.md
 * (#3, #4, #5, #16, #20).
 *
 * <ul>
 *   <li>{@code CONNECT} → 405: vertx-http-proxy would forward it and treat the origin's 200 as a tunnel.</li>
 *   <li>Whatever it refuses on HTTP/1.x, it also drops anything pipelined behind it, and the connection closes.</li>
 *   <li>{@code Transfer-Encoding} other than exactly {@code chunked}, on HTTP/1.0, or next to a
 *       {@code Content-Length} → 400 and close (RFC 9112 §6.1). On HTTP/1.0 the proxy would copy the
 *       {@code Content-Length} and stream the de-chunked bytes behind it: a request smuggled to the origin.</li>
 *   <li>HTTP/1.1 {@code Transfer-Encoding: chunked} with a {@code Content-Length}: Netty drops the length before any
 *       handler runs, so the two cannot be told apart from a plain chunked request. The body is framed by the chunks
 *       alone (the origin only ever sees that framing) and the connection is closed after the response, as
 *       RFC 9112 §6.1 requires, so nothing pipelined behind such a request is ever read as a request.</li>
 *   <li>A request-target that is neither origin-form, absolute-form nor {@code *}, or holds a control character,
 *       → 400; so does a {@code Host} that Vert.x cannot parse, and a header name that is not a token. Duplicate or
 *       invalid {@code Content-Length}, oversized request lines (414) and headers (431) are found earlier by
 *       Netty, and refused here in the edge's voice ({@link #invalid}).</li>
 * </ul>
 *
 * It also answers {@code Expect: 100-continue} itself; the forwarding rules then drop the expectation, already met.
 */
final class RequestGuard {

  static final String ALLOWED_METHODS = "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS";
  private static final String CHUNKED = "chunked";
  /** The tchar set of RFC 9110 §5.6.2, indexed by character. */
  private static final boolean[] TOKEN = tokenChars();
  private final Set<HttpConnection> closing = Collections.newSetFromMap(new WeakHashMap<>());
  private final OriginEvents events;
  private final int maxRequestLineBytes;
  private final int maxHeaderBytes;

  RequestGuard(OriginEvents events, int maxRequestLineBytes, int maxHeaderBytes) {
    this.events = events;
    this.maxRequestLineBytes = maxRequestLineBytes;
    this.maxHeaderBytes = maxHeaderBytes;
  }

  /**
   * A request Netty could not decode (a request line or header section over the limits, a malformed head): refused
   * in the edge's voice, counted as every other refusal. Vert.x closes the connection once it is answered.
   */
  void invalid(HttpServerRequest request) {
    events.edgeAnswered(EdgeResponses.invalid(request, maxRequestLineBytes, maxHeaderBytes));
  }

  /** True when the request may go on to the origin; otherwise it has been answered (or its connection closed). */
  boolean admit(HttpServerRequest request) {
    HttpConnection connection = request.connection();
    if (closing.contains(connection)) {
      // Pipelined behind a chunked request whose framing we could not verify: never read it as a request.
      connection.close();
      return false;
    }
    if (request.method() == HttpMethod.CONNECT) {
      refuse(request, 405, "method_not_allowed", "CONNECT is not served here", ALLOWED_METHODS);
      return false;
    }
    MultiMap headers = request.headers();
    List<String> codings = headers.getAll(HttpHeaders.TRANSFER_ENCODING);
    if (!codings.isEmpty()) {
      boolean onlyChunked = codings.stream().allMatch(CHUNKED::equals);
      if (!onlyChunked || request.version() == HttpVersion.HTTP_1_0 || headers.contains(HttpHeaders.CONTENT_LENGTH)) {
        refuse(request, 400, "bad_framing", "conflicting or unsupported message framing", null);
        return false;
      }
      closeAfterResponse(request, connection);
    }
    if (!validTarget(request.uri(), request.method())) {
      refuse(request, 400, "bad_request_target", "the request-target is not origin-form or absolute-form", null);
      return false;
    }
    if (!parsableAuthority(request)) {
      refuse(request, 400, "bad_host", "the Host header cannot be parsed", null);
      return false;
    }
    if (!validFieldNames(headers)) {
      refuse(request, 400, "bad_header", "a header name is not a token", null);
      return false;
    }
    if (request.version() != HttpVersion.HTTP_1_0 && headers.contains(HttpHeaders.EXPECT, HttpHeaders.CONTINUE, true)) {
      // The body is streamed, so the edge is ready for it now (as nginx answers). Relaying the origin's own 100
      // cannot work here: the origin request's head only leaves with the first body byte, which the client withholds
      // until it sees a 100, so both would wait out the client's expect timeout (curl: 1 s).
      request.response().writeContinue();
    }
    return true;
  }

  private void refuse(HttpServerRequest request, int status, String code, String message, String allow) {
    if (request.version() != HttpVersion.HTTP_2) {
      // EdgeResponses.refuse closes the connection once the answer is written, but Vert.x hands over a request pipelined
      // behind this one as soon as the answer ends, before that close: it must not be forwarded either.
      closing.add(request.connection());
    }
    events.edgeAnswered(status);
    EdgeResponses.refuse(request, status, code, message, allow);
  }

  private void closeAfterResponse(HttpServerRequest request, HttpConnection connection) {
    closing.add(connection);
    HttpServerResponse response = request.response();
    response.headersEndHandler(v -> response.putHeader(HttpHeaders.CONNECTION, HttpHeaders.CLOSE));
    response.endHandler(v -> connection.close());
  }

  /**
   * Vert.x parses {@code Host} lazily and throws on any percent-encoded octet ({@code Host: a%41}) from deep
   * inside vertx-http-proxy, which then never answers: the client would hang until its idle timeout. Parsing here
   * first (the result is kept, so the proxy does not parse again) turns that into a 400.
   */
  private static boolean parsableAuthority(HttpServerRequest request) {
    try {
      request.authority();
      return true;
    } catch (RuntimeException unparsable) {
      return false;
    }
  }

  /**
   * Netty accepts a header line with an empty name ({@code ": value"}) and the proxy would copy it to the origin:
   * a message the edge must not send, which origins parse in different ways. Every name must be a token
   * (RFC 9110 §5.1). Runs once per forwarded request over the names only.
   */
  private static boolean validFieldNames(MultiMap headers) {
    for (Map.Entry<String, String> header : headers) {
      String name = header.getKey();
      if (name.isEmpty()) {
        return false;
      }
      for (int i = 0; i < name.length(); i++) {
        char c = name.charAt(i);
        if (c >= TOKEN.length || !TOKEN[c]) {
          return false;
        }
      }
    }
    return true;
  }

  private static boolean[] tokenChars() {
    boolean[] token = new boolean[128];
    for (char c = '0'; c <= '9'; c++) {
      token[c] = true;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      token[c] = true;
      token[Character.toUpperCase(c)] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      token[c] = true;
    }
    return token;
  }

  private static boolean validTarget(String uri, HttpMethod method) {
    if (uri == null || uri.isEmpty()) {
      return false;
    }
    for (int i = 0; i < uri.length(); i++) {
      char c = uri.charAt(i);
      if (c <= 0x20 || c == 0x7f) {
        return false; // a control character or space: Netty accepts it, but no valid request-target holds one
      }
    }
    if (uri.charAt(0) == '/') {
      return true;
    }
    if (uri.equals("*")) {
      return method == HttpMethod.OPTIONS;
    }
    return OriginForm.isAbsolute(uri);
  }
}
