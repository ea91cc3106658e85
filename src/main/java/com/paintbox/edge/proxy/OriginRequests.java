package com.paintbox.edge.proxy;

import com.paintbox.edge.config.OriginConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.OriginRequestProvider;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyRequest;

/**
 * Opens the request to the origin. The address, scheme and authority come from {@link OriginConfig} alone; nothing
 * the client sends (Host, absolute-form target, CONNECT authority) can change where the edge connects.
 *
 * <p>vertx-http-proxy has no timeouts of its own, so they are set here per request: the connect/pool-lease budget
 * on {@link RequestOptions}, and the response-head deadline as a {@link HeadDeadline} that counts from the last
 * request byte, so a slow upload is not mistaken for a slow origin.
 */
final class OriginRequests implements OriginRequestProvider {

  private final Vertx vertx;
  private final OriginConfig origin;
  private final SocketAddress server;
  private final long headTimeoutMillis;

  OriginRequests(Vertx vertx, OriginConfig origin) {
    this.vertx = vertx;
    this.origin = origin;
    this.server = SocketAddress.inetSocketAddress(origin.port(), origin.host());
    this.headTimeoutMillis = origin.responseTimeout().toMillis();
  }

  @Override
  public Future<HttpClientRequest> create(ProxyContext ctx) {
    ProxyRequest proxyRequest = ctx.request();
    return lease(ctx.client(), proxyRequest.proxiedRequest()).map(request -> {
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

  /**
   * A request to the origin on a pooled connection, for {@code in}: its authority set, nothing sent yet. Fails with
   * {@link OriginFailure} when no connection comes within the connect budget, or when the client left meanwhile.
   */
  Future<HttpClientRequest> lease(HttpClient client, HttpServerRequest in) {
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
      if (in.response().closed()) {
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

  /** Arms the response-head deadline of a request that has no body to send: its last byte is going out now. */
  void startDeadline(HttpClientRequest request) {
    new HeadDeadline(vertx, request, headTimeoutMillis).start();
  }
}
