package com.paintbox.edge.proxy;

import com.paintbox.edge.OriginRoute;
import com.paintbox.edge.config.EdgeConfig;
import com.paintbox.edge.config.OriginConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyOptions;
import java.util.function.BiFunction;

/**
 * The origin pass-through of one event loop: a pooled {@link HttpClient} to the configured origin, vertx-http-proxy
 * on top of it, and the edge's guard and interceptor around that.
 *
 * <pre>
 *   request ─▶ RequestGuard ─┬─▶ DirectExchange ─────────────────────┬─▶ OriginRequests ─▶ HttpClient pool ─▶ origin
 *              (refuse CONNECT, │   (HTTP/1.1, no body)                │   (fixed address,
 *               bad framing)    └─▶ HttpProxy ─▶ ForwardingInterceptor ┘    timeouts)
 *                                   (bodies, 1.0, h2, WebSocket;
 *                                    headers, 502/504, metrics)
 * </pre>
 *
 * Why vertx-http-proxy: it already streams both bodies through {@code Pipe}s with back-pressure, aborts the client's
 * response when the origin fails mid-body, resets the origin request when the client leaves, and detects WebSocket
 * upgrades; what 5.0.7 lacks (hop-by-hop handling, forwarding headers, timeouts, status mapping, request sanitising)
 * fits its public hooks. Two of its paths are replaced by small hand-written ones reached from the interceptor:
 * {@link WebSocketTunnel} (its tunnel has no back-pressure) and {@link CloseDelimitedResponse} (it buffers whole
 * bodies for HTTP/1.0 clients). The commonest exchange, a bodiless HTTP/1.1 request, skips the engine altogether:
 * {@link DirectExchange} does the same work at about two thirds of the CPU (its note says where the rest went).
 * The proxy's cache stays off: {@link ProxyOptions#getCacheOptions()} is null unless set.
 */
public final class OriginProxy implements OriginRoute {

  /** Response head size accepted from the origin; Next.js pages with CSP, Link and cookies exceed Vert.x's 8 KiB. */
  private static final int ORIGIN_MAX_HEADER_BYTES = 65_536;
  /**
   * The {@code client_name} of the origin client's {@code vertx_http_client_*} meters; its connection pool reports
   * as {@code vertx_pool_*{pool_type="http", pool_name="<origin host:port>"}}.
   */
  static final String METRICS_NAME = "origin";
  /**
   * The largest piece of an origin body handed on at once. Each piece is one write, and one flush, to the client
   * (the client's connection is not reading, so Vert.x flushes at once): at Vert.x's 8 KiB a 100 KiB page took
   * 13 writes; at 64 KiB a piece is whatever one socket read returned.
   */
  private static final int BODY_CHUNK_BYTES = 65_536;

  private final HttpClient client;
  private final HttpProxy proxy;
  private final DirectExchange direct;
  private final RequestGuard guard;

  OriginProxy(Vertx vertx, OriginConfig origin, OriginEvents events) {
    this.client = vertx.createHttpClient(clientOptions(origin), poolOptions(origin));
    this.guard = new RequestGuard(events);
    OriginRequests requests = new OriginRequests(vertx, origin);
    this.proxy = HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(true), client)
        .origin(requests)
        .addInterceptor(new ForwardingInterceptor(events, origin.trustForwarded()), true);
    this.direct = new DirectExchange(client, requests, events, origin.trustForwarded());
  }

  /** Builds one route per event loop (the edge calls it from each verticle's start), all reporting to {@code events}. */
  public static BiFunction<Vertx, EdgeConfig, OriginRoute> factory(OriginEvents events) {
    return (vertx, config) -> new OriginProxy(vertx, config.origin(), events);
  }

  @Override
  public void handle(HttpServerRequest request) {
    if (!guard.admit(request)) {
      return;
    }
    if (DirectExchange.applies(request)) {
      direct.forward(request);
    } else {
      proxy.handle(request);
    }
  }

  @Override
  public Future<Void> close() {
    return client.close();
  }

  static HttpClientOptions clientOptions(OriginConfig origin) {
    return new HttpClientOptions()
        .setMetricsName(METRICS_NAME)
        .setProtocolVersion(HttpVersion.HTTP_1_1)
        .setSsl(origin.ssl())
        .setDefaultHost(origin.host())
        .setDefaultPort(origin.port())
        .setKeepAlive(true)
        .setKeepAliveTimeout((int) origin.idleTimeout().toSeconds())
        // Connection-level: closes a connection silent this long, which is what aborts a stalled origin body.
        .setIdleTimeout((int) origin.bodyIdleTimeout().toSeconds())
        .setConnectTimeout((int) origin.connectTimeout().toMillis())
        .setMaxHeaderSize(ORIGIN_MAX_HEADER_BYTES)
        .setMaxChunkSize(BODY_CHUNK_BYTES)
        // Bodies pass through as the origin encoded them.
        .setDecompressionSupported(false)
        .setPipelining(false);
  }

  static PoolOptions poolOptions(OriginConfig origin) {
    return new PoolOptions().setHttp1MaxSize(origin.poolSize());
  }
}
