package com.paintbox.edge.fleet;

import com.paintbox.edge.testing.ProxyTestEdge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Several whole edges on loopback, one per region, each told of the others by a static {@code EDGE_FLEET_PEERS}
 * (so their ports are chosen before any starts), in front of one origin, with a client that addresses every machine
 * by the same public host name, as Fly's anycast does.
 */
final class TestFleet implements AutoCloseable {

  static final String TOKEN = "fleet-test-token-0123456789";
  static final String HOST = "paintbox.test";
  /** Connections the client may open to one machine. */
  private static final int POOL = 16;
  /** A request that takes longer than this (ms) has hung: it fails, naming itself, long before the test's timeout. */
  private static final long REQUEST_TIMEOUT_MILLIS = 15_000;

  /** One machine: its region and ports, and the edge while it runs. */
  static final class Machine {
    final String region;
    final int port;
    final int adminPort;
    ProxyTestEdge edge;
    boolean down;

    Machine(String region, int port, int adminPort) {
      this.region = region;
      this.port = port;
      this.adminPort = adminPort;
    }

    Fleet fleet() {
      return edge.edge().fleet();
    }

    double count(String name, String... tags) {
      return edge.count(name, tags);
    }
  }

  /** A response as the client saw it. */
  record Reply(int status, MultiMap headers, String body) {
    String header(String name) {
      return headers.get(name);
    }

    JsonObject json() {
      return new JsonObject(body);
    }

    /** The Cache-Status members, in order. */
    List<String> members() {
      String all = headers.get("Cache-Status");
      return all == null ? List.of() : List.of(all.split(",\\s*(?=paintbox-edge)"));
    }
  }

  private final Map<String, Machine> machines = new LinkedHashMap<>();
  private final HttpClient client;

  private TestFleet(Vertx vertx) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setKeepAlive(true),
        new PoolOptions().setHttp1MaxSize(POOL));
  }

  /**
   * Starts one machine per region in {@code regions}, the first {@code shield} region's the shield, all in front of
   * {@code originUrl}; {@code settings} add EDGE_* variables to every machine.
   */
  static TestFleet start(Vertx vertx, String originUrl, List<String> regions, String shield,
      Map<String, String> settings) {
    return start(vertx, originUrl, regions, shield, settings, Map.of());
  }

  /** As above, {@code perRegion} adding (or overriding) settings of single machines. */
  static TestFleet start(Vertx vertx, String originUrl, List<String> regions, String shield,
      Map<String, String> settings, Map<String, Map<String, String>> perRegion) {
    TestFleet fleet = new TestFleet(vertx);
    int[] ports = freePorts(regions.size() * 2);
    for (int i = 0; i < regions.size(); i++) {
      fleet.machines.put(regions.get(i), new Machine(regions.get(i), ports[2 * i], ports[2 * i + 1]));
    }
    List<Future<ProxyTestEdge>> started = new ArrayList<>();
    for (Machine machine : fleet.machines.values()) {
      Map<String, String> env = new HashMap<>(settings);
      env.put("EDGE_REGION", machine.region);
      env.put("EDGE_SHIELD_REGION", shield);
      env.put("EDGE_ADMIN_TOKEN", TOKEN);
      env.put("EDGE_PORT", Integer.toString(machine.port));
      env.put("EDGE_ADMIN_PORT", Integer.toString(machine.adminPort));
      env.put("EDGE_DRAIN_SECONDS", "1");
      env.put("EDGE_FLEET_PEERS", fleet.peersOf(machine).encode());
      env.putAll(perRegion.getOrDefault(machine.region, Map.of()));
      started.add(ProxyTestEdge.start(vertx, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT),
          env.getOrDefault("EDGE_ORIGIN_URL", originUrl), env)
          .andThen(up -> machine.edge = up.result()));
    }
    await(Future.all(started));
    return fleet;
  }

  /** The others, as EDGE_FLEET_PEERS names them. */
  private JsonArray peersOf(Machine self) {
    JsonArray peers = new JsonArray();
    machines.values().stream().filter(m -> m != self).forEach(m -> peers.add(new JsonObject()
        .put("region", m.region).put("url", "http://127.0.0.1:" + m.port)
        .put("admin", "http://127.0.0.1:" + m.adminPort)));
    return peers;
  }

  Machine machine(String region) {
    return machines.get(region);
  }

  List<Machine> machines() {
    return List.copyOf(machines.values());
  }

  /** Takes a machine down: it stops answering on both ports. */
  void stop(String region) {
    Machine machine = machines.get(region);
    machine.down = true;
    await(machine.edge.close());
  }

  Future<Reply> get(String region, String path, String... headers) {
    return request(region, HttpMethod.GET, path, null, headers);
  }

  Future<Reply> request(String region, HttpMethod method, String path, String body, String... headers) {
    Machine machine = machines.get(region);
    RequestOptions options = new RequestOptions().setMethod(method).setURI(path)
        .setServer(SocketAddress.inetSocketAddress(machine.port, "127.0.0.1")).setHost(HOST).setPort(80)
        .setIdleTimeout(REQUEST_TIMEOUT_MILLIS);
    for (int i = 0; i < headers.length; i += 2) {
      options.addHeader(headers[i], headers[i + 1]);
    }
    return client.request(options)
        .compose(request -> read(body == null ? request.send() : request.send(body)))
        .recover(failure -> Future.failedFuture(new AssertionError(method + " " + path + " at " + region + ": "
            + failure, failure)));
  }

  /**
   * The response's body, asked for in the callback that delivers its head: a body asked for later (in a callback
   * chained from the test thread, which Vert.x may run a turn later) misses the chunks and end delivered meanwhile and
   * never completes (vert.x#5904; it hung about one purge test in ten here before this).
   */
  private static Future<Reply> read(Future<io.vertx.core.http.HttpClientResponse> answer) {
    return answer.compose(response -> response.body().map(bytes -> new Reply(response.statusCode(),
        MultiMap.caseInsensitiveMultiMap().addAll(response.headers()), bytes.toString())));
  }

  /** A POST to a machine's admin port with the token. */
  Reply admin(String region, String path, JsonObject body) {
    Machine machine = machines.get(region);
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setURI(path)
        .setServer(SocketAddress.inetSocketAddress(machine.adminPort, "127.0.0.1"))
        .setHost("127.0.0.1").setPort(machine.adminPort)
        .addHeader("Authorization", "Bearer " + TOKEN).addHeader("Content-Type", "application/json");
    return await(client.request(options)
        .compose(request -> read(body == null ? request.send() : request.send(body.toBuffer()))));
  }

  @Override
  public void close() {
    List<Future<Void>> closing = new ArrayList<>();
    for (Machine machine : machines.values()) {
      if (machine.edge != null && !machine.down) {
        closing.add(machine.edge.close().otherwiseEmpty());
      }
    }
    await(Future.all(closing).eventually(client::close));
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(60, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("timed out or failed: " + e, e);
    }
  }

  /** Ports free on loopback now; a test binds them a moment later (the kernel rarely hands one out again so soon). */
  static int[] freePorts(int count) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[count];
      for (int i = 0; i < count; i++) {
        ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
        sockets.add(socket);
        ports[i] = socket.getLocalPort();
      }
      return ports;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException ignored) {
          // the port is free either way
        }
      }
    }
  }
}
