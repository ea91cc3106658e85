package com.paintbox.edge;

import com.paintbox.edge.config.EdgeConfig;
import com.paintbox.edge.jwks.JwksCache;
import com.paintbox.edge.jwks.JwksEvents;
import com.paintbox.edge.jwks.JwksHandler;
import com.paintbox.edge.tracing.RequestSpans;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The public port, one instance per event loop. Requests are routed by path with two string comparisons instead
 * of a Router: the JWKS, the edge's own {@code /_edge/} endpoints, and everything else to the origin.
 */
final class EdgeVerticle extends VerticleBase {

  static final String JWKS_PATH = "/.well-known/jwks.json";
  static final String EDGE_PREFIX = "/_edge/";
  /** The server span's route for every edge endpoint. */
  private static final String EDGE_ROUTE = EDGE_PREFIX + "*";
  private static final CharSequence APPLICATION_JSON = HttpHeaders.createOptimized("application/json");
  private static final CharSequence NO_STORE = HttpHeaders.createOptimized("no-store");

  private final EdgeConfig config;
  private final JwksCache cache;
  private final JwksEvents events;
  private final Lifecycle lifecycle;
  private final Function<io.vertx.core.Vertx, OriginRoute> origin;
  private HttpServer server;
  private Handler<HttpServerRequest> jwks;
  private OriginRoute originRoute;

  EdgeVerticle(EdgeConfig config, JwksCache cache, JwksEvents events, Lifecycle lifecycle,
      Function<io.vertx.core.Vertx, OriginRoute> origin) {
    this.config = config;
    this.cache = cache;
    this.events = events;
    this.lifecycle = lifecycle;
    this.origin = origin;
  }

  @Override
  public Future<?> start() {
    jwks = new JwksHandler(cache, config.jwks(), events);
    originRoute = origin.apply(vertx);
    return vertx.createHttpServer(serverOptions(config))
        .requestHandler(this::route)
        .listen()
        .onSuccess(listening -> server = listening);
  }

  @Override
  public Future<?> stop() {
    // Graceful: stop accepting, let requests in flight finish (bounded by the drain), then release the origin pool.
    Future<Void> drained = server == null ? Future.succeededFuture()
        : server.shutdown(config.drain().toMillis(), TimeUnit.MILLISECONDS);
    return drained.eventually(() -> originRoute.close());
  }

  /** The port this instance listens on, once started. */
  int actualPort() {
    return server.actualPort();
  }

  static HttpServerOptions serverOptions(EdgeConfig config) {
    return new HttpServerOptions()
        .setHost(config.bind())
        .setPort(config.port())
        .setMaxHeaderSize(config.maxHeaderBytes())
        .setMaxInitialLineLength(config.maxRequestLineBytes())
        .setHttp2ClearTextEnabled(true)
        .setCompressionSupported(false) // the JWKS is pre-compressed; origin bodies pass through as encoded
        // The edge never ends a WebSocket itself (upgrades are tunnelled as bytes), so the deflate-extension
        // handler Vert.x would put in every connection's pipeline only costs a pass per request.
        .setPerMessageWebSocketCompressionSupported(false)
        .setPerFrameWebSocketCompressionSupported(false)
        .setIdleTimeout((int) config.clientIdleTimeout().toSeconds())
        .setReusePort(false); // with port 0 the kernel may hand two servers the same port; Vert.x spreads connections itself
  }

  private void route(HttpServerRequest request) {
    if (config.accessLog()) {
      AccessLog.watch(request);
    }
    String path = request.path();
    // Tracing hooks: each branch names the request's server span by its route (a flag read when tracing is off).
    if (JWKS_PATH.equals(path)) {
      RequestSpans.route(request, JWKS_PATH);
      jwks.handle(request);
    } else if (path != null && path.startsWith(EDGE_PREFIX)) {
      RequestSpans.route(request, EDGE_ROUTE);
      edgeEndpoint(request, path.substring(EDGE_PREFIX.length()));
    } else {
      RequestSpans.route(request, RequestSpans.ORIGIN);
      originRoute.handle(request);
    }
  }

  private void edgeEndpoint(HttpServerRequest request, String name) {
    HttpServerResponse response = request.response()
        .putHeader(HttpHeaders.CONTENT_TYPE, APPLICATION_JSON)
        .putHeader(HttpHeaders.CACHE_CONTROL, NO_STORE);
    switch (name) {
      case "health" -> response.end("{\"status\":\"ok\"}");
      case "ready" -> response.setStatusCode(lifecycle.ready() ? 200 : 503).end(lifecycle.readinessJson());
      default -> response.setStatusCode(404).end("{\"error\":\"not_found\"}");
    }
  }
}
