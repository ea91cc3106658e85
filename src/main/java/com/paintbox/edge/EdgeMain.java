package com.paintbox.edge;

import com.paintbox.edge.config.ConfigException;
import com.paintbox.edge.dev.DevConsole;
import com.paintbox.edge.dev.DevMode;
import com.paintbox.edge.logging.LogConfigurator;
import com.paintbox.edge.metrics.EdgeMetricsFactory;
import com.paintbox.edge.proxy.OriginExchange;
import com.paintbox.edge.tracing.Tracing;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MicrometerMetricsOptions;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Start-up: arguments → Vert.x with metrics → (dev services) → {@link Edge} → signal handling.
 *
 * <p>Exit codes: 0 after a clean shutdown, 1 when start-up fails for any other reason (a port in use), 2 for a
 * configuration error, reported as one line naming the key, the value and what was expected.
 */
public final class EdgeMain {

  private static final Logger log = LoggerFactory.getLogger(EdgeMain.class);
  static final int EXIT_FAILURE = 1;
  static final int EXIT_CONFIG = 2;
  private static final String CACHE_IMMUTABLE_HEADERS = "vertx.cacheImmutableHttpResponseHeaders";

  private EdgeMain() {}

  public static void main(String[] args) {
    List<String> arguments = List.of(args);
    if (arguments.stream().anyMatch(a -> !a.equals("--dev"))) {
      log.error("usage: java -jar paintbox-edge.jar [--dev]  (settings come from conf/, regions/ and EDGE_* variables)");
      System.exit(EXIT_CONFIG);
    }
    boolean dev = arguments.contains("--dev");
    Optional<PrintStream> terminal = dev ? DevConsole.terminal() : Optional.empty();
    if (terminal.isPresent()) {
      LogConfigurator.textUnlessChosen(System.getenv()); // a person reads this log; JSON everywhere else
    }
    Tracing tracing = tracing(); // tracing hook: OFF, loading nothing of the SDK, unless OTEL_* names an exporter
    PrometheusMeterRegistry registry = tracing.newMeterRegistry();
    Vertx vertx = newVertx(registry, tracing);
    Future<Optional<DevMode>> devMode = dev
        ? DevMode.start(vertx, System.getenv()).map(Optional::of)
        : Future.succeededFuture(Optional.empty());
    devMode.compose(mode -> Edge.start(vertx, registry, options(mode)).onSuccess(edge -> {
      mode.ifPresent(m -> m.announce(edge.config(), edge.publicPort(), edge.adminPort(), terminal));
      Shutdown.onSignals(vertx, edge, mode);
    })).onFailure(failure -> {
      if (failure instanceof ConfigException config) {
        configError(config);
      }
      log.error("start-up failed", failure);
      System.exit(EXIT_FAILURE);
    });
  }

  private static Tracing tracing() {
    try {
      return Tracing.configure(System.getenv());
    } catch (ConfigException config) {
      configError(config);
      return Tracing.OFF;
    }
  }

  private static void configError(ConfigException config) {
    log.atError().addKeyValue("key", config.key()).log("config error: " + config.getMessage());
    System.exit(EXIT_CONFIG);
  }

  /**
   * One Vert.x per process, its HTTP, pool and JVM metrics in {@code registry} (one registry per Vert.x: the HTTP
   * meters' gauges are bound to it once), on epoll where available.
   */
  public static Vertx newVertx(PrometheusMeterRegistry registry) {
    return newVertx(registry, Tracing.OFF);
  }

  /** As above, with {@code tracing}'s tracer when it is on; {@code registry} should come from the same tracing. */
  public static Vertx newVertx(PrometheusMeterRegistry registry, Tracing tracing) {
    Objects.requireNonNull(registry, "registry");
    Objects.requireNonNull(tracing, "tracing");
    // Vert.x then writes a read-only response header map (the JWKS handler's, shared for a second) from bytes it
    // rendered once, instead of encoding every header per response. Read per connection; an explicit -D wins.
    if (System.getProperty(CACHE_IMMUTABLE_HEADERS) == null) {
      System.setProperty(CACHE_IMMUTABLE_HEADERS, "true");
    }
    MicrometerMetricsOptions metrics = new MicrometerMetricsOptions()
        .setEnabled(true)
        .setJvmMetricsEnabled(false) // bound later, off the critical path: see JvmMeters
        .addLabels(Label.CLIENT_NAME) // tells the origin pool's client meters apart (client_name="origin")
        // vertx-micrometer-metrics caches registries per JVM by name; a unique name keeps each Vert.x on its own.
        .setRegistryName("edge-" + java.util.UUID.randomUUID());
    return tracing.install(Vertx.builder()
        .with(new VertxOptions().setMetricsOptions(metrics).setPreferNativeTransport(true))
        .withMetrics(new EdgeMetricsFactory(registry)))
        .build();
  }

  private static Edge.Options options(Optional<DevMode> mode) {
    Map<String, String> env = mode.map(DevMode::env).orElse(System.getenv());
    return new Edge.Options(env, mode.map(DevMode::secretsEndpoint), mode.map(DevMode::credentials),
        OriginExchange.Transport.AUTO);
  }

  /** Turns SIGTERM and SIGINT into a drain and exit 0, instead of the JVM's abrupt 143. */
  static final class Shutdown {

    private Shutdown() {}

    @SuppressWarnings("restriction")
    static void onSignals(Vertx vertx, Edge edge, Optional<DevMode> mode) {
      Runnable drain = () -> {
        log.atInfo().addKeyValue("drain_s", edge.config().drain().toSeconds()).log("signal received; draining");
        edge.close()
            .eventually(() -> mode.map(DevMode::close).orElse(Future.succeededFuture()))
            .eventually(vertx::close)
            .onComplete(done -> new Thread(() -> System.exit(0), "edge-exit").start());
      };
      for (String name : List.of("TERM", "INT")) {
        sun.misc.Signal.handle(new sun.misc.Signal(name), signal -> drain.run());
      }
    }
  }
}
