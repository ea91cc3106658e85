package com.paintbox.edge.proxy;

import static com.paintbox.edge.proxy.PassThroughTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.EdgeMain;
import com.paintbox.edge.testing.Figures;
import com.paintbox.edge.testing.PrometheusText;
import com.paintbox.edge.testing.ProxyRawClient;
import com.paintbox.edge.testing.ProxyRawOrigin;
import com.paintbox.edge.testing.ProxyTestEdge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.net.NetServerOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Issue 7, part 2: 10,000 origin failures, three kinds at once (refused, reset before the response head, cut
 * mid-body), from 32 concurrent raw-socket clients, then the edge's origin pools, its open sockets and its heap are
 * back where they were before. A leak of one connection or one buffer per failure would show as thousands.
 *
 * <p>Not a speed assertion: nothing here is timed. The heap margin (32 MiB) is generous because the JIT, Netty's
 * pooled arenas and G1's region sizing move the post-GC figure by a few MiB on their own; a per-failure leak of even
 * 4 KiB would exceed it (10,000 × 4 KiB = 39 MiB). The socket margin allows for the JVM's own descriptors
 * (JIT logs, surefire's channel) and connections still in their last close handshake.
 */
class OriginLeakTest extends OriginPathTestBase {

  private static final int FAILURES = 10_000;
  private static final int WARM_UP = 600;
  private static final int CLIENTS = 32;
  private static final long HEAP_MARGIN_BYTES = 32L << 20;
  private static final int FD_MARGIN = 32;
  private static final Duration SETTLE = Duration.ofSeconds(15);
  private static final String REQUEST = "GET /fail HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n";

  @Test
  void tenThousandOriginFailures_refusedResetAndCut_poolsSocketsAndHeapBackToBaseline() throws Exception {
    PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    Vertx vertx = EdgeMain.newVertx(registry);
    ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    List<ProxyTestEdge> edges = new ArrayList<>();
    try {
      ProxyRawOrigin resetting = await(new ProxyRawOrigin(vertx).start(new NetServerOptions().setSoLinger(0)));
      resetting.script(socket -> socket.handler(request -> socket.close())); // RST before any response byte
      ProxyRawOrigin cutting = await(new ProxyRawOrigin(vertx).start());
      cutting.script(socket -> socket.handler(request -> socket
          .write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nhello").onComplete(written -> socket.close())));
      edges.add(await(startEdge(vertx, registry, "http://127.0.0.1:" + FailureTest.closedPort(), Map.of())));
      edges.add(await(startEdge(vertx, registry, resetting.url(), Map.of())));
      edges.add(await(startEdge(vertx, registry, cutting.url(), Map.of())));

      hammer(clients, edges, WARM_UP); // JIT, pools and arenas reach their working size before the baseline
      long fdsBefore = settledOpenFiles(Long.MAX_VALUE);
      long heapBefore = heapAfterGc();
      // The same Vert.x runs each edge's Secrets Manager emulator, whose kept-alive SDK connections count here too.
      double serverConnectionsBefore = serverConnections(registry);
      long started = System.nanoTime();
      Map<String, AtomicInteger> outcomes = hammer(clients, edges, FAILURES);
      long elapsedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      long fdsAfter = settledOpenFiles(fdsBefore + FD_MARGIN);
      long heapAfter = heapAfterGc();
      PrometheusText metrics = new PrometheusText(registry.scrape());
      double inUse = metrics.sum("vertx_pool_in_use", Map.of("pool_type", "http")).orElse(0);
      double pending = metrics.sum("vertx_pool_queue_pending", Map.of("pool_type", "http")).orElse(0);
      double originConnections = metrics.sum("vertx_http_client_active_connections", Map.of("client_name", "origin"))
          .orElse(0);
      double serverConnectionsAfter = serverConnections(registry);
      new Figures("OriginLeakTest")
          .put("failures", FAILURES).put("elapsed_ms", elapsedMillis).put("outcomes", outcomes)
          .put("open_files_before", fdsBefore).put("open_files_after", fdsAfter)
          .put("heap_before_mib", heapBefore >> 20).put("heap_after_mib", heapAfter >> 20)
          .put("pool_in_use_after", inUse).put("origin_connections_after", originConnections).write();

      assertThat(outcomes.keySet()).containsOnly("502 origin_unreachable", "502 origin_error", "cut mid-body");
      assertThat(outcomes.values().stream().mapToInt(AtomicInteger::get).sum()).isEqualTo(FAILURES);
      assertThat(inUse).as("origin pool connections in use").isZero();
      assertThat(pending).as("requests queued for an origin connection").isZero();
      assertThat(originConnections).as("open origin connections").isZero();
      assertThat(serverConnectionsAfter).as("open server connections").isEqualTo(serverConnectionsBefore);
      assertThat(fdsAfter).as("open file descriptors").isLessThanOrEqualTo(fdsBefore + FD_MARGIN);
      assertThat(heapAfter).as("heap after GC").isLessThanOrEqualTo(heapBefore + HEAP_MARGIN_BYTES);
      for (ProxyTestEdge edge : edges) {
        assertThat(ProxyRawClient.exchange(edge.port(), "GET /.well-known/jwks.json HTTP/1.1\r\nHost: a\r\n"
            + "Connection: close\r\n\r\n", Duration.ofMillis(300)).status()).isEqualTo(200);
      }
    } finally {
      clients.shutdownNow();
      edges.forEach(edge -> await(edge.close()));
      await(vertx.close());
    }
  }

  private static double serverConnections(PrometheusMeterRegistry registry) {
    return new PrometheusText(registry.scrape()).sum("vertx_http_server_active_connections", Map.of()).orElse(0);
  }

  /** {@code count} requests spread over the edges, {@value #CLIENTS} at a time; outcomes tallied by kind. */
  private static Map<String, AtomicInteger> hammer(ExecutorService clients, List<ProxyTestEdge> edges, int count)
      throws Exception {
    Map<String, AtomicInteger> outcomes = new ConcurrentHashMap<>();
    List<Future<?>> tasks = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      int port = edges.get(i % edges.size()).port();
      tasks.add(clients.submit(() -> {
        ProxyRawClient.Reply reply = exchange(port);
        outcomes.computeIfAbsent(classify(reply), k -> new AtomicInteger()).incrementAndGet();
      }));
    }
    for (Future<?> task : tasks) {
      task.get(60, TimeUnit.SECONDS);
    }
    return outcomes;
  }

  private static ProxyRawClient.Reply exchange(int port) {
    try {
      return ProxyRawClient.exchange(port, REQUEST, Duration.ofSeconds(5));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String classify(ProxyRawClient.Reply reply) {
    if (reply.status() == 502 && reply.eof()) {
      return "502 " + new io.vertx.core.json.JsonObject(reply.body()).getString("error");
    }
    if (reply.status() == 200 && reply.eof() && reply.body().equals("hello")) {
      return "cut mid-body";
    }
    return "unexpected: " + reply.text();
  }

  /** This JVM's open descriptors, polled until at most {@code target} or {@link #SETTLE} has passed. */
  private static long settledOpenFiles(long target) throws Exception {
    long deadline = System.nanoTime() + SETTLE.toNanos();
    long previous = -1;
    while (true) {
      long now;
      try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
        now = fds.count();
      }
      boolean steady = now == previous;
      if (now <= target && (target != Long.MAX_VALUE || steady) || System.nanoTime() > deadline) {
        return now;
      }
      previous = now;
      TimeUnit.MILLISECONDS.sleep(200);
    }
  }

  private static long heapAfterGc() throws InterruptedException {
    for (int i = 0; i < 3; i++) {
      System.gc();
      TimeUnit.MILLISECONDS.sleep(100);
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }
}
