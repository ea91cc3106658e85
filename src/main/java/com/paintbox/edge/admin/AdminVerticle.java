package com.paintbox.edge.admin;

import com.paintbox.edge.cache.OriginCache;
import com.paintbox.edge.config.AdminConfig;
import com.paintbox.edge.http.EdgeResponses;
import com.paintbox.edge.fleet.FleetAdmin;
import com.paintbox.edge.jwks.JwksCache;
import com.paintbox.edge.server.Lifecycle;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.tracing.TracingPolicy;
import com.paintbox.edge.tracing.Tracing;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import java.util.Objects;
import java.util.Optional;

/**
 * The admin port, apart from the public one: Prometheus metrics, health, readiness, the forced refresh and cache
 * purges. It
 * binds where {@code EDGE_ADMIN_BIND} says (loopback by default), because none of this is for the internet.
 */
public final class AdminVerticle extends VerticleBase {

  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
  private static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

  private final AdminConfig config;
  private final JwksCache cache;
  private final Lifecycle lifecycle;
  private final PrometheusMeterRegistry registry;
  private final Optional<OriginCache> originCache;
  private final FleetAdmin fleet;
  private HttpServer server;
  private boolean exemplars;

  /**
   * @param fleet the fleet's admin actions: purges reach every machine unless local, refreshes when asked (issue 13)
   */
  public AdminVerticle(AdminConfig config, JwksCache cache, Lifecycle lifecycle, PrometheusMeterRegistry registry,
      Optional<OriginCache> originCache, FleetAdmin fleet) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(cache, "cache");
    Objects.requireNonNull(lifecycle, "lifecycle");
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(originCache, "originCache");
    this.fleet = Objects.requireNonNull(fleet, "fleet");
    this.config = config;
    this.cache = cache;
    this.lifecycle = lifecycle;
    this.registry = registry;
    this.originCache = originCache;
  }

  @Override
  public Future<?> start() {
    Router router = Router.router(vertx);
    router.get("/metrics").handler(this::metrics);
    router.get("/health").handler(ctx -> lifecycle.health(ctx.response()));
    router.get("/ready").handler(ctx -> lifecycle.readiness(ctx.response()));
    router.post("/jwks/refresh").handler(new RefreshHandler(cache, config, registry, System::nanoTime, fleet));
    router.post("/cache/purge").handler(BodyHandler.create().setBodyLimit(PurgeHandler.MAX_BODY_BYTES))
        .handler(new PurgeHandler(originCache, config, registry, fleet));
    // What the router answers itself (no route, wrong method, a body over the limit, a handler's failure) speaks
    // as the handlers do; Vert.x Web's defaults are an HTML or empty body without date or no-store.
    router.errorHandler(404, ctx -> EdgeResponses.error(ctx.response(), 404, "not_found", "no such admin endpoint"));
    router.errorHandler(405, ctx -> EdgeResponses.error(ctx.response(), 405, "method_not_allowed",
        "this admin endpoint does not take " + ctx.request().method().name()));
    router.errorHandler(413, ctx -> EdgeResponses.error(ctx.response(), 413, "body_too_large",
        "the body is larger than " + PurgeHandler.MAX_BODY_BYTES + " bytes"));
    router.errorHandler(400, ctx -> EdgeResponses.error(ctx.response(), 400, "bad_request",
        "the request cannot be read"));
    router.errorHandler(500, ctx -> EdgeResponses.error(ctx.response(), 500, "internal_error",
        ctx.failure() == null ? "the admin port failed to answer" : String.valueOf(ctx.failure().getMessage())));
    // Tracing hooks: scrapes and probes are not traced; with tracing on, a scraper asking for OpenMetrics gets it,
    // the one format that carries the histograms' exemplars. Off, /metrics answers as it always has.
    exemplars = Tracing.of(vertx).enabled();
    HttpServerOptions options = new HttpServerOptions().setHost(config.bind()).setPort(config.port())
        .setTracingPolicy(TracingPolicy.IGNORE);
    return vertx.createHttpServer(options)
        .requestHandler(router)
        .invalidRequestHandler(request -> EdgeResponses.invalid(request, options.getMaxInitialLineLength(),
            options.getMaxHeaderSize()))
        .listen()
        .onSuccess(listening -> server = listening);
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  public int actualPort() {
    return server.actualPort();
  }

  private void metrics(RoutingContext context) {
    // A scrape walks every series; a worker keeps that off the event loop.
    String accept = context.request().getHeader(HttpHeaders.ACCEPT);
    String format = exemplars && accept != null && accept.contains("application/openmetrics-text")
        ? OPENMETRICS_TEXT : PROMETHEUS_TEXT;
    vertx.executeBlocking(() -> registry.scrape(format), false).onComplete(done -> {
      if (done.succeeded()) {
        context.response().putHeader(HttpHeaders.CONTENT_TYPE, format).end(done.result());
      } else {
        context.fail(done.cause());
      }
    });
  }
}
