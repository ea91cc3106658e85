package com.paintbox.edge.testing;

import com.paintbox.edge.Edge;
import com.paintbox.edge.dev.DevKeys;
import com.paintbox.edge.dev.SecretsManagerEmulator;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.util.HashMap;
import java.util.Map;

/**
 * A whole edge on loopback for the origin pass-through tests: the real {@link Edge}, its JWKS fed by the Secrets
 * Manager emulator exactly as {@code --dev} wires it, on port 0, its pass-through on the {@link OriginPath} asked
 * for (production's when none is).
 */
public final class ProxyTestEdge {

  private static DevKeys keys;

  private final Edge edge;
  private final SecretsManagerEmulator secrets;
  private final MeterRegistry registry;

  private ProxyTestEdge(Edge edge, SecretsManagerEmulator secrets, MeterRegistry registry) {
    this.edge = edge;
    this.secrets = secrets;
    this.registry = registry;
  }

  /** Starts an edge forwarding to {@code originUrl}; {@code settings} add or override EDGE_* variables. */
  public static Future<ProxyTestEdge> start(Vertx vertx, String originUrl, Map<String, String> settings) {
    return start(vertx, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), originUrl, settings);
  }

  /** As above, reporting to {@code registry} (e.g. the one the test's Vert.x reports to). */
  public static Future<ProxyTestEdge> start(Vertx vertx, PrometheusMeterRegistry registry, String originUrl,
      Map<String, String> settings) {
    return start(vertx, registry, originUrl, settings, OriginPath.CACHE);
  }

  /** As above, with pass-through exchanges taking {@code path}. */
  public static Future<ProxyTestEdge> start(Vertx vertx, PrometheusMeterRegistry registry, String originUrl,
      Map<String, String> settings, OriginPath path) {
    return start(vertx, registry, originUrl, settings, path, java.time.Clock.systemUTC());
  }

  /** As above, the origin cache reading {@code clock}. */
  public static Future<ProxyTestEdge> start(Vertx vertx, PrometheusMeterRegistry registry, String originUrl,
      Map<String, String> settings, OriginPath path, java.time.Clock clock) {
    Map<String, String> env = new HashMap<>(path.settings());
    env.put("EDGE_BIND", "127.0.0.1");
    env.put("EDGE_EVENT_LOOPS", "1");
    env.put("EDGE_ORIGIN_URL", originUrl);
    env.put("AWS_REGION", "us-east-1");
    env.putAll(settings);
    SecretsManagerEmulator emulator = new SecretsManagerEmulator(vertx);
    // Key generation takes a second or more: off the event loop, or it would stall whatever shares it.
    return emulator.start()
        .compose(started -> vertx.executeBlocking(() -> keys().privateJwks(), false))
        .compose(jwks -> {
          emulator.secrets().create(EdgeHarness.SECRET, jwks);
          return Edge.start(vertx, registry,
              EdgeHarness.loopbackOptions(emulator.endpoint(), env, path.transport(), clock));
        })
        .map(edge -> new ProxyTestEdge(edge, emulator, registry));
  }

  public static Future<ProxyTestEdge> start(Vertx vertx, String originUrl) {
    return start(vertx, originUrl, Map.of());
  }

  private static synchronized DevKeys keys() {
    if (keys == null) {
      keys = DevKeys.generate("proxy-test");
    }
    return keys;
  }

  public int port() {
    return edge.publicPort();
  }

  public Edge edge() {
    return edge;
  }

  public MeterRegistry registry() {
    return registry;
  }

  /** The value of a counter, 0 when it was never registered. */
  public double count(String name, String... tags) {
    var counter = registry.find(name).tags(tags).counter();
    return counter == null ? 0 : counter.count();
  }

  public Future<Void> close() {
    return edge.close().eventually(secrets::close);
  }
}
