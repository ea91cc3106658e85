package com.paintbox.edge;

import com.github.benmanes.caffeine.cache.Ticker;
import com.paintbox.edge.cache.Invalidation;
import com.paintbox.edge.cache.OriginCache;
import com.paintbox.edge.cache.PassHealing;
import com.paintbox.edge.cache.ShieldHandler;
import com.paintbox.edge.compression.Codecs;
import com.paintbox.edge.config.CacheConfig;
import com.paintbox.edge.config.ConfigLoader;
import com.paintbox.edge.config.EdgeConfig;
import com.paintbox.edge.fleet.Fleet;
import com.paintbox.edge.jwks.Fallback;
import com.paintbox.edge.jwks.JwksCache;
import com.paintbox.edge.jwks.JwksDocument;
import com.paintbox.edge.jwks.JwksEvents;
import com.paintbox.edge.jwks.TaskScheduler;
import com.paintbox.edge.metrics.CacheTelemetry;
import com.paintbox.edge.metrics.EdgeMeters;
import com.paintbox.edge.metrics.FleetTelemetry;
import com.paintbox.edge.metrics.JvmMeters;
import com.paintbox.edge.metrics.JwksTelemetry;
import com.paintbox.edge.metrics.OriginTelemetry;
import com.paintbox.edge.proxy.ExchangeListener;
import com.paintbox.edge.proxy.OriginExchange;
import com.paintbox.edge.secrets.SecretsClients;
import com.paintbox.edge.secrets.SecretsManagerKeySource;
import com.paintbox.edge.server.EdgeVerticle;
import com.paintbox.edge.server.Lifecycle;
import com.paintbox.edge.admin.AdminVerticle;
import com.paintbox.edge.tracing.Tracing;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.DeploymentOptions;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import java.net.URI;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executor;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerAsyncClient;

/**
 * One running edge: configuration, the shared JWKS cache, the Secrets Manager client and the deployed verticles.
 * {@link EdgeMain} runs one per process; tests start as many as they like on one Vert.x.
 *
 * <pre>
 *   start: config ─▶ fallback ─▶ cache (first fetch waits for the client) ─▶ admin ─▶ public verticles ─▶ "listening"
 *                                  ▲
 *          SDK client built on a worker thread, off the critical path ─┘
 *   close: public verticles (in-flight requests finish) ─▶ admin ─▶ cache timer ─▶ SDK client
 * </pre>
 */
public final class Edge {

  private static final Logger log = LoggerFactory.getLogger(Edge.class);

  /**
   * How to start.
   *
   * @param env the environment layer of the configuration
   * @param secretsEndpoint an explicit Secrets Manager endpoint (--dev and tests); else the SDK's own variables
   * @param credentials explicit AWS credentials (--dev and tests); else the environment's or the SDK's chain
   * @param transport which transport takes pass-through exchanges: {@code AUTO} in production; tests force the
   *     engine to run one case on both
   * @param clock the origin cache's clock (wall time, for {@code Date} and {@code Age}); tests move their own
   */
  public record Options(Map<String, String> env, Optional<URI> secretsEndpoint,
      Optional<AwsCredentialsProvider> credentials, OriginExchange.Transport transport, Clock clock) {

    public Options {
      Objects.requireNonNull(env, "env");
      Objects.requireNonNull(secretsEndpoint, "secretsEndpoint");
      Objects.requireNonNull(credentials, "credentials");
      Objects.requireNonNull(transport, "transport");
      Objects.requireNonNull(clock, "clock");
    }

    public Options(Map<String, String> env, Optional<URI> secretsEndpoint, Optional<AwsCredentialsProvider> credentials,
        OriginExchange.Transport transport) {
      this(env, secretsEndpoint, credentials, transport, Clock.systemUTC());
    }

    /** Production's options: the environment, the SDK's own endpoint and credentials, the automatic transport. */
    public static Options of(Map<String, String> env) {
      return new Options(env, Optional.empty(), Optional.empty(), OriginExchange.Transport.AUTO, Clock.systemUTC());
    }
  }

  private final Vertx vertx;
  private final EdgeConfig config;
  private final JwksCache cache;
  private final Lifecycle lifecycle;
  private final Future<SecretsManagerAsyncClient> client;
  private final List<String> deployments = new ArrayList<>();
  private int publicPort;
  private int adminPort;
  private Optional<OriginCache> originCache = Optional.empty();
  private Fleet fleet;

  private Edge(Vertx vertx, EdgeConfig config, JwksCache cache, Future<SecretsManagerAsyncClient> client) {
    this.vertx = vertx;
    this.config = config;
    this.cache = cache;
    this.lifecycle = new Lifecycle(cache);
    this.client = client;
  }

  /** Loads the configuration and starts; fails with a ConfigException when a setting is wrong. */
  public static Future<Edge> start(Vertx vertx, PrometheusMeterRegistry registry, Options options) {
    return ConfigLoader.load(vertx, options.env()).compose(config -> start(vertx, registry, config, options));
  }

  private static Future<Edge> start(Vertx vertx, PrometheusMeterRegistry registry, EdgeConfig config,
      Options options) {
    Tracing tracing = Tracing.of(vertx); // tracing hook: spans for the AWS calls and the JWKS fetches (OFF: none)
    // The SDK client is built on a worker first, so that loading the codecs' native libraries (~20 ms) overlaps it.
    Future<SecretsManagerAsyncClient> client = vertx.executeBlocking(() -> SecretsClients.create(config.aws(),
        options.secretsEndpoint(), options.credentials(), tracing.awsInterceptors()), false);
    Codecs codecs;
    Optional<JwksDocument> fallback;
    try {
      codecs = Codecs.load(config.compression());
      fallback = Fallback.load(config.jwks().fallbackFile(), codecs);
    } catch (RuntimeException refused) { // a bad fallback file: nothing starts, the client built meanwhile closes
      client.onSuccess(SecretsManagerAsyncClient::close);
      throw refused;
    }
    JwksTelemetry telemetry = new JwksTelemetry(registry);
    StartupClock startup = new StartupClock(registry, fallback.isPresent());
    JwksCache cache = new JwksCache(tracing.keySource(new SecretsManagerKeySource(client, config.jwks().secretId())),
        config.jwks(), Ticker.systemTicker(), TaskScheduler.of(vertx), fallback,
        JwksEvents.all(telemetry, startup, tracing.jwksEvents()), codecs);
    telemetry.bindGauges(cache);
    Edge edge = new Edge(vertx, config, cache, client);
    Gauge.builder(EdgeMeters.READY, edge.lifecycle, l -> l.ready() ? 1 : 0)
        .description("1 while /_edge/ready answers 200").register(registry);
    cache.start();
    OriginTelemetry originTelemetry = new OriginTelemetry(registry);
    edge.originCache = originCache(vertx, config.cache(), registry, options.clock(), codecs);
    edge.fleet = fleet(vertx, config, registry); // fleet hook (issue 13)
    // The admin port opens first: whoever waits for the public port and then scrapes or probes the admin one (a
    // script, Fly's metrics scraper) must never find it closed.
    AdminVerticle admin = new AdminVerticle(config.admin(), cache, edge.lifecycle, registry, edge.originCache,
        edge.fleet.admin()); // fleet hook: purges (and refreshes on request) reach every machine
    DeploymentOptions instances = new DeploymentOptions().setInstances(config.eventLoops());
    List<EdgeVerticle> started = new ArrayList<>();
    return vertx.deployVerticle(admin).compose(adminId -> {
      edge.deployments.add(adminId);
      edge.adminPort = admin.actualPort();
      return vertx.deployVerticle(() -> {
        EdgeVerticle verticle = new EdgeVerticle(config, cache, telemetry, edge.lifecycle, originTelemetry,
            loop -> originSide(loop, config, originTelemetry, edge.originCache, options.transport(), codecs,
                edge.fleet));
        started.add(verticle);
        return verticle;
      }, instances);
    }).compose(publicId -> {
      edge.deployments.add(publicId);
      edge.publicPort = started.get(0).actualPort();
      return vertx.executeBlocking(() -> {
        JvmMeters.bind(registry);
        return null;
      }, false);
    }).map(bound -> {
      edge.logListening();
      return edge;
    }).recover(failure -> edge.close().transform(closed -> Future.failedFuture(failure)));
  }

  /** The origin cache, shared by every event loop; empty when EDGE_CACHE_ENABLED is false. */
  private static Optional<OriginCache> originCache(Vertx vertx, CacheConfig config, PrometheusMeterRegistry registry,
      Clock clock, Codecs codecs) {
    if (!config.enabled()) {
      return Optional.empty();
    }
    CacheTelemetry telemetry = new CacheTelemetry(registry);
    // Stored bodies are compressed once each, at the stored levels, on Vert.x's worker pool: never on an event loop.
    Executor compressor = task -> vertx.executeBlocking(() -> {
      task.run();
      return null;
    }, false);
    OriginCache originCache = new OriginCache(config, clock, telemetry, Runnable::run, codecs, compressor);
    telemetry.bindGauges(originCache);
    return Optional.of(originCache);
  }

  /** The fleet and its meters (registered with or without peers, so dashboards always find them). */
  private static Fleet fleet(Vertx vertx, EdgeConfig config, PrometheusMeterRegistry registry) {
    FleetTelemetry telemetry = new FleetTelemetry(registry);
    Fleet fleet = Fleet.start(vertx, config, telemetry);
    telemetry.bindGauges(fleet);
    return fleet;
  }

  /** One event loop's origin side: its exchange, and the origin cache in front of it when there is one. */
  private static EdgeVerticle.OriginSide originSide(Vertx loop, EdgeConfig config, OriginTelemetry events,
      Optional<OriginCache> originCache, OriginExchange.Transport transport, Codecs codecs, Fleet fleet) {
    ExchangeListener listener = originCache.<ExchangeListener>map(cache -> {
      Invalidation invalidation = new Invalidation(cache);
      PassHealing healing = new PassHealing(cache, config.origin().trustForwarded());
      return (in, answer) -> {
        invalidation.answered(in, answer);
        healing.answered(in, answer);
      };
    }).orElse(ExchangeListener.NONE);
    OriginExchange exchange = new OriginExchange(loop, config.origin(), events, listener, transport, codecs,
        fleet.tier(loop)); // fleet hook: an edge's cacheable fetches go to the shield region
    Handler<HttpServerRequest> route = route(originCache, exchange, config.origin().trustForwarded());
    // Fleet hook: a tier hop from another region's edge takes an exchange of its own, which trusts the hop's
    // X-Forwarded-Proto (so the shield keys it as the edge did) and has no tier (a hop never goes to a shield
    // again). Its pool is closed with the verticle, like every client the verticle creates.
    Handler<HttpServerRequest> hops = fleet.acceptsHops()
        ? route(originCache, new OriginExchange(loop, config.origin().trusting(), events, listener, transport, codecs),
            true)
        : route;
    return new EdgeVerticle.OriginSide(exchange, fleet.gate(route, hops));
  }

  private static Handler<HttpServerRequest> route(Optional<OriginCache> originCache, OriginExchange exchange,
      boolean trustForwarded) {
    return originCache.isPresent()
        ? new ShieldHandler(originCache.get(), exchange, trustForwarded)
        : exchange::forward;
  }

  /** The fleet: its peers, purge fan-out and shield tier. */
  public Fleet fleet() {
    return fleet;
  }

  public EdgeConfig config() {
    return config;
  }

  /** The origin cache, when enabled. */
  public Optional<OriginCache> originCache() {
    return originCache;
  }

  public JwksCache cache() {
    return cache;
  }

  public Lifecycle lifecycle() {
    return lifecycle;
  }

  /** The public port actually bound (useful when configured as 0). */
  public int publicPort() {
    return publicPort;
  }

  /** The admin port actually bound. */
  public int adminPort() {
    return adminPort;
  }

  /**
   * Drains and stops: readiness turns 503 at once; the public verticles stop accepting and let requests in flight
   * finish within {@code EDGE_DRAIN_SECONDS}; then the admin port (kept up until here, so the draining state can
   * be seen), the cache's timer and the SDK client. Otherwise the reverse of start.
   */
  public Future<Void> close() {
    lifecycle.startDraining();
    Future<Void> undeployed = Future.succeededFuture();
    for (int i = deployments.size() - 1; i >= 0; i--) { // the reverse of start: public first, admin last
      String deployment = deployments.get(i);
      undeployed = undeployed.eventually(() -> vertx.undeploy(deployment));
    }
    // Fleet hook: its DNS timer and the admin forwards' client close once no request can use them.
    Future<Void> fleetClosed = undeployed.eventually(() -> fleet == null ? Future.succeededFuture() : fleet.close());
    return fleetClosed.eventually(() -> {
      cache.close();
      return client.compose(sdk -> vertx.executeBlocking(() -> {
        sdk.close();
        return null;
      }, false)).<Void>mapEmpty().otherwiseEmpty();
    });
  }

  /** The one line that says everything listens: both addresses, and what this machine runs with. */
  private void logListening() {
    log.atInfo()
        .addKeyValue("public", config.bind() + ":" + publicPort)
        .addKeyValue("admin", config.admin().bind() + ":" + adminPort)
        .addKeyValue("region", config.region().orElse("(none)"))
        .addKeyValue("aws_region", config.aws().region())
        .addKeyValue("secret_id", config.jwks().secretId())
        .addKeyValue("origin", config.origin().url().toString())
        .addKeyValue("event_loops", config.eventLoops())
        .addKeyValue("native_transport", vertx.isNativeTransportEnabled())
        .addKeyValue("fresh_s", config.jwks().fresh().toSeconds())
        .addKeyValue("swr_s", config.jwks().staleWhileRevalidate().toSeconds())
        .addKeyValue("sie_s", config.jwks().staleIfError().toSeconds())
        .addKeyValue("fallback", config.jwks().fallbackFile().map(Object::toString).orElse("(none)"))
        .log("paintbox-edge listening");
  }
}
