package com.paintbox.edge.server;

import com.paintbox.edge.config.EdgeConfig;
import com.paintbox.edge.http.EdgeResponses;
import com.paintbox.edge.jwks.JwksCache;
import com.paintbox.edge.jwks.JwksEvents;
import com.paintbox.edge.jwks.JwksHandler;
import com.paintbox.edge.proxy.OriginEvents;
import com.paintbox.edge.proxy.OriginExchange;
import com.paintbox.edge.tracing.RequestSpans;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.VerticleBase;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/**
 * The public port, one instance per event loop: every request takes one pipeline.
 *
 * <pre>
 *   request ─▶ RequestGuard ─┬─▶ /.well-known/jwks.json ─▶ JwksHandler (memory, fed by Secrets Manager)
 *              (refuse bad   ├─▶ /_edge/*               ─▶ health, readiness
 *               framing, …)  └─▶ everything else        ─▶ origin route: the origin cache, which forwards what
 *                                                          it cannot answer, or (cache off) the origin exchange
 * </pre>
 *
 * Routing is two string comparisons instead of a Router: this is the hot path of every request.
 */
public final class EdgeVerticle extends VerticleBase {

  public static final String JWKS_PATH = "/.well-known/jwks.json";
  public static final String EDGE_PREFIX = "/_edge/";

  /**
   * The origin side of one event loop: the exchange (its connections) and the route requests take to it.
   *
   * @param exchange closed when the verticle stops
   * @param route the origin cache or a plain pass-through, in front of {@code exchange}
   */
  public record OriginSide(OriginExchange exchange, Handler<HttpServerRequest> route) {

    public OriginSide {
      Objects.requireNonNull(exchange, "exchange");
      Objects.requireNonNull(route, "route");
    }
  }
  /** The server span's route for every edge endpoint. */
  private static final String EDGE_ROUTE = EDGE_PREFIX + "*";

  private final EdgeConfig config;
  private final JwksCache cache;
  private final JwksEvents events;
  private final Lifecycle lifecycle;
  private final OriginEvents originEvents;
  private final Function<Vertx, OriginSide> originSide;
  private HttpServer server;
  private Handler<HttpServerRequest> jwks;
  private RequestGuard guard;
  private OriginSide origin;

  /**
   * @param originSide builds this event loop's origin side, once, from {@code start}
   */
  public EdgeVerticle(EdgeConfig config, JwksCache cache, JwksEvents events, Lifecycle lifecycle,
      OriginEvents originEvents, Function<Vertx, OriginSide> originSide) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(cache, "cache");
    Objects.requireNonNull(events, "events");
    Objects.requireNonNull(lifecycle, "lifecycle");
    Objects.requireNonNull(originEvents, "originEvents");
    Objects.requireNonNull(originSide, "originSide");
    this.config = config;
    this.cache = cache;
    this.events = events;
    this.lifecycle = lifecycle;
    this.originEvents = originEvents;
    this.originSide = originSide;
  }

  @Override
  public Future<?> start() {
    jwks = new JwksHandler(cache, config.jwks(), events);
    guard = new RequestGuard(originEvents, config.maxRequestLineBytes(), config.maxHeaderBytes());
    origin = originSide.apply(vertx);
    return vertx.createHttpServer(serverOptions(config))
        .requestHandler(this::route)
        .invalidRequestHandler(guard::invalid)
        .listen()
        .onSuccess(listening -> server = listening);
  }

  @Override
  public Future<?> stop() {
    // Graceful: stop accepting, let requests in flight finish (bounded by the drain), then release the origin pool.
    Future<Void> drained = server == null ? Future.succeededFuture()
        : server.shutdown(config.drain().toMillis(), TimeUnit.MILLISECONDS);
    return drained.eventually(() -> origin.exchange().close());
  }

  /** The port this instance listens on, once started. */
  public int actualPort() {
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
    if (!guard.admit(request)) {
      return;
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
      origin.route().handle(request);
    }
  }

  private void edgeEndpoint(HttpServerRequest request, String name) {
    switch (name) {
      case "health" -> lifecycle.health(request.response());
      case "ready" -> lifecycle.readiness(request.response());
      default -> EdgeResponses.error(request.response(), 404, "not_found", "no such edge endpoint");
    }
  }
}
