package com.paintbox.edge.cache;

import com.paintbox.edge.testing.ManualClock;
import com.paintbox.edge.testing.OriginPath;
import com.paintbox.edge.testing.ProxyTestEdge;
import com.paintbox.edge.testing.ProxyTestOrigin;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A whole edge on loopback with its origin cache on a hand-moved clock, in front of a scriptable origin that counts
 * what reaches it: the base of the cache's RFC tests. Requests go over real sockets (Vert.x's client, a fresh
 * connection pool per test); {@link #clock} moves the cache's time without sleeping.
 */
@ExtendWith(VertxExtension.class)
abstract class CacheTestBase {

  static final DateTimeFormatter HTTP_DATE =
      DateTimeFormatter.ofPattern("EEE, dd MMM yyyy HH:mm:ss 'GMT'", Locale.US).withZone(ZoneOffset.UTC);

  protected Vertx vertx;
  protected ProxyTestOrigin origin;
  protected ProxyTestEdge edge;
  protected ManualClock clock;
  protected HttpClient client;
  /** Requests that reached the origin, by path. */
  protected final Map<String, AtomicInteger> originHits = new HashMap<>();

  /** Settings for the edge under test; override to change them. */
  protected Map<String, String> settings() {
    return Map.of();
  }

  @BeforeEach
  void startEdge(Vertx vertx) {
    this.vertx = vertx;
    clock = new ManualClock();
    origin = await(new ProxyTestOrigin(vertx).start());
    edge = await(ProxyTestEdge.start(vertx, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), origin.url(),
        settings(), OriginPath.CACHE, clock));
    client = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(edge.port()));
  }

  @AfterEach
  void stopEdge() {
    await(client.close().eventually(edge::close).eventually(origin::close));
  }

  /** Scripts the origin: every request is counted by path, then handed to {@code answer}. */
  protected void origin(Handler<HttpServerRequest> answer) {
    origin.handle(request -> {
      synchronized (originHits) {
        originHits.computeIfAbsent(request.path(), p -> new AtomicInteger()).incrementAndGet();
      }
      answer.handle(request);
    });
  }

  /** An origin that answers every request 200 with {@code body} and these headers. */
  protected void originAnswers(String body, String... headers) {
    origin(request -> {
      var response = request.response();
      for (int i = 0; i < headers.length; i += 2) {
        response.headers().add(headers[i], headers[i + 1]);
      }
      response.end(body);
    });
  }

  protected int originCount(String path) {
    synchronized (originHits) {
      AtomicInteger count = originHits.get(path);
      return count == null ? 0 : count.get();
    }
  }

  protected int originTotal() {
    return origin.seen().size();
  }

  protected Reply get(String uri, String... headers) {
    return send(HttpMethod.GET, uri, headers);
  }

  protected Reply send(HttpMethod method, String uri, String... headers) {
    return await(sendAsync(method, uri, headers));
  }

  protected Future<Reply> sendAsync(HttpMethod method, String uri, String... headers) {
    return EdgeRequests.send(client, EdgeRequests.options(method, uri, headers), null);
  }

  /** The edge's own Cache-Status member of a reply (the last one), or null. */
  static String member(Reply reply) {
    String all = reply.headers().get("Cache-Status");
    if (all == null) {
      return null;
    }
    String[] members = all.split(",\\s*(?=[a-z0-9-]+;|[a-z0-9-]+$)");
    return members[members.length - 1].trim();
  }

  static String httpDate(Instant instant) {
    return HTTP_DATE.format(instant);
  }

  /** The clock's now as an HTTP-date. */
  protected String now() {
    return httpDate(clock.instant());
  }

  protected void advance(Duration by) {
    clock.advance(by);
  }

  static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError("timed out or failed: " + e, e);
    }
  }

  /** A response as the client saw it. */
  record Reply(int status, MultiMap headers, String body) {
    String header(String name) {
      return headers.get(name);
    }
  }
}
