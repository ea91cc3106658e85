package com.paintbox.edge.testing;

import com.paintbox.edge.Edge;
import com.paintbox.edge.EdgeMain;
import com.paintbox.edge.proxy.OriginExchange;
import com.paintbox.edge.tracing.Tracing;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;

/**
 * A whole edge on loopback for black-box tests: its own Vert.x with a Prometheus registry, a Secrets Manager
 * backend, real sockets, and an HTTP client sized for bursts.
 */
public final class EdgeHarness implements AutoCloseable {

  public static final String SECRET = "paintbox/jwks";
  /** Far above any answer the edge should take; a request that hits it is a hang, and fails the test. */
  private static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(30);

  private final Vertx vertx;
  private final PrometheusMeterRegistry registry;
  private final Edge edge;
  private final HttpClient client;

  private EdgeHarness(Vertx vertx, PrometheusMeterRegistry registry, Edge edge) {
    this.vertx = vertx;
    this.registry = registry;
    this.edge = edge;
    this.client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  /**
   * JWKS windows shrunk to seconds for real-clock tests: fresh 1 s, SWR 1 s, SIE {@code sieSeconds}, refresh-ahead
   * 300 ms, retries from 100 ms to 1 s, 1 s per AWS attempt. Mutable, so tests can add to it.
   */
  public static Map<String, String> shortWindows(int sieSeconds) {
    Map<String, String> env = new HashMap<>();
    env.put("EDGE_JWKS_FRESH_SECONDS", "1");
    env.put("EDGE_JWKS_SWR_SECONDS", "1");
    env.put("EDGE_JWKS_SIE_SECONDS", Integer.toString(sieSeconds));
    env.put("EDGE_JWKS_REFRESH_AHEAD_MILLIS", "300");
    env.put("EDGE_JWKS_RETRY_MIN_MILLIS", "100");
    env.put("EDGE_JWKS_RETRY_MAX_SECONDS", "1");
    env.put("EDGE_AWS_ATTEMPT_TIMEOUT_MILLIS", "1000");
    return env;
  }

  /** Starts an edge on ephemeral ports reading keys from {@code backend}; {@code env} overrides the defaults. */
  public static EdgeHarness start(SecretsBackend backend, Map<String, String> env) {
    return start(backend, env, Tracing.OFF);
  }

  /** As above, on a Vert.x built with {@code tracing}, which the edge's close shuts down (flushing its spans). */
  public static EdgeHarness start(SecretsBackend backend, Map<String, String> env, Tracing tracing) {
    PrometheusMeterRegistry registry = tracing.newMeterRegistry();
    Vertx vertx = EdgeMain.newVertx(registry, tracing);
    Edge.Options options = loopbackOptions(backend.endpoint(), env, OriginExchange.Transport.AUTO);
    try {
      return new EdgeHarness(vertx, registry, Edge.start(vertx, registry, options).await());
    } catch (RuntimeException e) {
      vertx.close().await();
      throw e;
    }
  }

  /**
   * How every test edge starts: public and admin ports ephemeral, two event loops, keys read from {@link #SECRET}
   * at {@code secretsEndpoint}, pass-through exchanges on {@code transport}; {@code env} overrides.
   */
  static Edge.Options loopbackOptions(URI secretsEndpoint, Map<String, String> env, OriginExchange.Transport transport) {
    return loopbackOptions(secretsEndpoint, env, transport, java.time.Clock.systemUTC());
  }

  /** As above, the origin cache reading {@code clock}. */
  static Edge.Options loopbackOptions(URI secretsEndpoint, Map<String, String> env, OriginExchange.Transport transport,
      java.time.Clock clock) {
    Map<String, String> layer = new HashMap<>();
    layer.put("EDGE_PORT", "0");
    layer.put("EDGE_ADMIN_PORT", "0");
    layer.put("EDGE_EVENT_LOOPS", "2");
    layer.put("EDGE_JWKS_SECRET_ID", SECRET);
    layer.putAll(env);
    return new Edge.Options(layer, Optional.of(secretsEndpoint), Optional.of(MotoBackend.CREDENTIALS), transport,
        clock);
  }

  public Edge edge() {
    return edge;
  }

  public Vertx vertx() {
    return vertx;
  }

  public PrometheusMeterRegistry registry() {
    return registry;
  }

  public int port() {
    return edge.publicPort();
  }

  /**
   * Sends a request and reads the whole response, with the JDK's HTTP client: an implementation independent of
   * the Vert.x stack under test, and safe to drive from the test thread.
   */
  public CompletableFuture<Response> send(String method, String uri, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + uri))
        .timeout(REQUEST_TIMEOUT)
        .method(method, HttpRequest.BodyPublishers.noBody());
    headers.forEach(request::header);
    return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray()).thenApply(Response::new);
  }

  public CompletableFuture<Response> get(String uri) {
    return send("GET", uri, Map.of());
  }

  /** A request to the admin port. */
  public Response admin(String method, String path, Map<String, String> headers) {
    HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + edge.adminPort() + path))
        .timeout(REQUEST_TIMEOUT)
        .method(method, HttpRequest.BodyPublishers.noBody());
    headers.forEach(request::header);
    return client.sendAsync(request.build(), HttpResponse.BodyHandlers.ofByteArray()).thenApply(Response::new).join();
  }

  /** Scrapes the admin port's /metrics. */
  public PrometheusText scrape() {
    Response response = admin("GET", "/metrics", Map.of());
    if (response.status() != 200) {
      throw new IllegalStateException("/metrics answered " + response.status());
    }
    return new PrometheusText(response.text());
  }

  /** GET and wait. */
  public Response fetch(String uri) {
    return get(uri).join();
  }

  @Override
  public void close() {
    edge.close().eventually(vertx::close).await();
  }

  /** A response with its body read. */
  public record Response(HttpResponse<byte[]> raw) {

    public int status() {
      return raw.statusCode();
    }

    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    public byte[] body() {
      return raw.body();
    }

    public String text() {
      return new String(raw.body(), StandardCharsets.UTF_8);
    }

    public JsonObject json() {
      return new JsonObject(text());
    }
  }
}
