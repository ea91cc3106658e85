package com.paintbox.edge.proxy;

import com.paintbox.edge.config.OriginConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.OriginRequestProvider;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyRequest;

/**
 * Requests to the origin, for every transport. The address, scheme and authority come from {@link OriginConfig}
 * alone; nothing the client sends (Host, absolute-form target, CONNECT authority) can change where the edge
 * connects.
 *
 * <p>Timeouts are set here per request, since neither vertx-http-proxy nor a bare pooled client has the ones we
 * need: the connect/pool-lease budget on {@link RequestOptions}, and the response-head deadline as a
 * {@link HeadDeadline} that counts from the last request byte, so a slow upload is not mistaken for a slow origin.
 * Every response head is judged by {@link OriginHead} before anyone relays it.
 */
final class OriginClient implements OriginRequestProvider {

  private final Vertx vertx;
  private final OriginConfig origin;
  private final HttpClient client;
  private final OriginEvents events;
  private final SocketAddress server;
  private final long headTimeoutMillis;

  OriginClient(Vertx vertx, OriginConfig origin, HttpClient client, OriginEvents events) {
    this.vertx = vertx;
    this.origin = origin;
    this.client = client;
    this.events = events;
    this.server = SocketAddress.inetSocketAddress(origin.port(), origin.host());
    this.headTimeoutMillis = origin.responseTimeout().toMillis();
  }

  /** vertx-http-proxy's hook: a leased request whose deadline follows the upload. */
  @Override
  public Future<HttpClientRequest> create(ProxyContext ctx) {
    ProxyRequest proxyRequest = ctx.request();
    return lease(proxyRequest.proxiedRequest(), true).map(request -> {
      // Registered before the engine's own listener, so it runs first (docs/vertx-gaps.md, gap 11).
      request.response().onSuccess(OriginClient::expiresTheEngineCanRead);
      HeadDeadline deadline = new HeadDeadline(vertx, request, headTimeoutMillis);
      Body body = proxyRequest.getBody();
      if (body != null) {
        proxyRequest.setBody(Body.body(new UploadStream(body.stream(), request, deadline), body.length(),
            body.mediaType()));
      }
      deadline.start();
      return request;
    });
  }

  /** An {@code Expires} that means "already stale" and parses: RFC 9111 §5.3 reads an invalid one the same way. */
  static final String ALREADY_EXPIRED = "Thu, 01 Jan 1970 00:00:00 GMT";

  /**
   * vertx-http-proxy builds its response from the origin's head and, for {@code Cache-Control: public} without
   * {@code max-age}, parses {@code Date} and {@code Expires} and dereferences the result: an {@code Expires} that
   * does not parse ({@code Expires: 0}) throws, and a valid answer would become a 502 (docs/vertx-gaps.md, gap 11).
   * Such an {@code Expires} means "already stale" (RFC 9111 §5.3), so it is replaced by a date that says so and
   * parses; the client reads the same thing.
   */
  static void expiresTheEngineCanRead(HttpClientResponse response) {
    String expires = response.getHeader(io.vertx.core.http.HttpHeaders.EXPIRES);
    if (expires != null && io.vertx.httpproxy.impl.ParseUtils.parseHeaderDate(expires) == null) {
      response.headers().set(io.vertx.core.http.HttpHeaders.EXPIRES, ALREADY_EXPIRED);
    }
  }

  /**
   * A request to the origin on a pooled connection, on behalf of {@code in}: its authority set, nothing sent yet.
   * Fails with {@link OriginFailure} when no connection comes within the connect budget, or, when
   * {@code boundToClient}, when the client left meanwhile (a cache fill others wait on is not bound to its client).
   */
  Future<HttpClientRequest> lease(HttpServerRequest in, boolean boundToClient) {
    RequestOptions options = new RequestOptions()
        .setServer(server)
        .setHost(origin.host())
        .setPort(origin.port())
        .setSsl(origin.ssl())
        .setConnectTimeout(origin.connectTimeout().toMillis());
    return client.request(options).transform(leased -> {
      if (leased.failed()) {
        return Future.failedFuture(
            new OriginFailure(OriginFailure.Kind.UNREACHABLE, "cannot connect to " + origin.authority(), leased.cause()));
      }
      HttpClientRequest request = leased.result();
      if (boundToClient && in.response().closed()) {
        // The proxy only watches for a departed client once the request is sent; one that left while we waited for
        // a connection is caught here, before the origin sees anything.
        request.reset();
        return Future.failedFuture(new OriginFailure(OriginFailure.Kind.CLIENT_GONE, "client left", null));
      }
      if (origin.preserveHost() && in.authority() != null) {
        // After the pool lease, so connections stay keyed (and TLS SNI stays) by the origin's own authority.
        request.authority(in.authority());
      }
      return Future.succeededFuture(request);
    });
  }

  /**
   * Sends a bodiless {@code request} and arms its response-head deadline (its last byte is going out now). The
   * future holds a head that may be relayed, or fails with the {@link OriginFailure} to answer with.
   */
  Future<HttpClientResponse> send(HttpClientRequest request) {
    long sent = System.nanoTime();
    Future<HttpClientResponse> answered = request.send();
    new HeadDeadline(vertx, request, headTimeoutMillis).start();
    return answered.compose(answer -> {
      OriginFailure refused = OriginHead.check(answer, false, sent, events);
      return refused == null ? Future.succeededFuture(answer) : Future.failedFuture(refused);
    });
  }

  Future<Void> close() {
    return client.close();
  }
}
