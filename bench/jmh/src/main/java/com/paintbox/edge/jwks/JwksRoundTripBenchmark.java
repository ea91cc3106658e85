package com.paintbox.edge.jwks;

import com.github.benmanes.caffeine.cache.Ticker;
import com.paintbox.edge.EdgeMain;
import com.paintbox.edge.secrets.InvalidKeyMaterialException;
import com.paintbox.edge.secrets.KeyMaterial;
import com.paintbox.edge.secrets.KeySet;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * A JWKS hit from request to response bytes, through everything but the network card: a Vert.x HTTP server (as
 * the edge configures it: {@link EdgeMain#newVertx}, its metrics, epoll) running {@link JwksHandler}, and a Vert.x
 * HTTP client in the same JVM on one kept-alive loopback connection.
 *
 * <p>Workload: GET /.well-known/jwks.json for a fresh three-key JWKS, identity or gzip. Per op: one request sent
 * from one client context, the whole answer read. The time is a round trip: the benchmark thread handing the request
 * to the client's event loop and being woken with the answer, client encode and decode, loopback TCP both ways and
 * the server's work; the client's share is in it, so compare runs of this benchmark, not it with wrk's numbers.
 *
 * <p>Run: {@code java -jar bench/jmh/target/benchmarks.jar JwksRoundTripBenchmark} (see bench/jmh/pom.xml to build).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 3)
@Measurement(iterations = 5, time = 3)
@Fork(1)
public class JwksRoundTripBenchmark {

  @Param({"", "gzip"})
  String acceptEncoding;

  private Vertx vertx;
  private HttpServer server;
  private HttpClient client;
  private String acceptHeader;
  /** Every request is sent from this one event-loop context, as the edge's own origin client is used. */
  private Context context;

  @Setup
  public void setUp() throws InvalidKeyMaterialException {
    KeySet keys = new KeySet(KeyMaterial.publicKeys(Fixtures.privateJwks(3)), Map.of("AWSCURRENT", "v1"));
    vertx = EdgeMain.newVertx(new PrometheusMeterRegistry(PrometheusConfig.DEFAULT));
    JwksCache cache = new JwksCache(Fixtures.source(keys), Fixtures.defaultConfig(),
        Ticker.systemTicker(), TaskScheduler.of(vertx), Optional.empty(), JwksEvents.NONE);
    cache.start();
    Fixtures.awaitHit(cache);
    JwksHandler handler = new JwksHandler(cache, Fixtures.defaultConfig(), JwksEvents.NONE);
    server = vertx.createHttpServer().requestHandler(handler).listen(0, "127.0.0.1").await();
    client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(server.actualPort()).setKeepAlive(true), new PoolOptions().setHttp1MaxSize(1));
    acceptHeader = acceptEncoding.isEmpty() ? null : acceptEncoding;
    context = vertx.getOrCreateContext();
  }

  @TearDown
  public void tearDown() {
    client.close().await();
    server.close().await();
    vertx.close().await();
  }

  @Benchmark
  public Buffer roundTrip() throws Exception {
    CompletableFuture<Buffer> body = new CompletableFuture<>();
    context.runOnContext(ignored -> {
      // Options per request: Vert.x keeps the options' header map as the request's own and adds to it.
      RequestOptions request = new RequestOptions().setURI("/.well-known/jwks.json");
      if (acceptHeader != null) {
        request.putHeader(HttpHeaders.ACCEPT_ENCODING, acceptHeader);
      }
      client.request(request).compose(out -> out.send()).compose(answer -> answer.body())
          .onComplete(done -> {
            if (done.succeeded()) {
              body.complete(done.result());
            } else {
              body.completeExceptionally(done.cause());
            }
          });
    });
    return body.get(10, TimeUnit.SECONDS);
  }
}
