package com.paintbox.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.testing.ProxyTestOrigin;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.MultiMap;
import io.vertx.core.net.SocketAddress;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What the origin cache's rule tests share on top of {@link CacheTestBase}: settings per test method
 * ({@link EdgeSettings}), an origin that dates its answers on the test's clock, a client wide enough for concurrent
 * requests, waits on what the cache holds in flight (polled, never slept on to age an entry) and admin calls.
 */
abstract class ShieldTestBase extends CacheTestBase {

  /** EDGE_* settings for one test method or a whole class, as {@code KEY=VALUE}; a method's win, {@code KEY=} unsets. */
  @Retention(RetentionPolicy.RUNTIME)
  @Target({ElementType.METHOD, ElementType.TYPE})
  @interface EdgeSettings {
    String[] value();
  }

  /** How long a wait on the edge or origin may take before the test fails: loaded CI machines are slow. */
  private static final long WAIT_MILLIS = TimeUnit.SECONDS.toMillis(15);
  /** Connections the wide client may open at once: more than any test sends concurrently. */
  private static final int WIDE_POOL = 64;

  private Method method;
  private HttpClient wide;

  @RegisterExtension
  final BeforeEachCallback whichTest = context -> method = context.getRequiredTestMethod();

  @Override
  protected Map<String, String> settings() {
    Map<String, String> settings = new HashMap<>();
    for (EdgeSettings annotated : new EdgeSettings[] {getClass().getAnnotation(EdgeSettings.class),
        method == null ? null : method.getAnnotation(EdgeSettings.class)}) {
      if (annotated != null) {
        for (String pair : annotated.value()) {
          int equals = pair.indexOf('=');
          String key = pair.substring(0, equals);
          String value = pair.substring(equals + 1);
          if (value.isEmpty()) {
            settings.remove(key);
          } else {
            settings.put(key, value);
          }
        }
      }
    }
    return settings;
  }

  @AfterEach
  void closeWide() {
    if (wide != null) {
      await(wide.close());
    }
  }

  /** The edge's origin cache. */
  OriginCache cache() {
    return edge.edge().originCache().orElseThrow();
  }

  /** The authority clients address the edge by, as its keys hold it. */
  String authority() {
    return "127.0.0.1:" + edge.port();
  }

  // ---- the origin ----

  /**
   * Answers {@code request} 200 with {@code body}, {@code headers}, and a {@code Date} of the test's clock (unless
   * given): the edge computes Age from it, and its own Date would come from the real clock.
   */
  void answer(HttpServerRequest request, int status, String body, String... headers) {
    HttpServerResponse response = request.response().setStatusCode(status);
    head(response, headers);
    response.end(body);
  }

  void head(HttpServerResponse response, String... headers) {
    boolean dated = false;
    for (int i = 0; i < headers.length; i += 2) {
      response.headers().add(headers[i], headers[i + 1]);
      dated |= headers[i].equalsIgnoreCase("Date");
    }
    if (!dated) {
      response.headers().set("Date", now());
    }
  }

  /** An origin that answers every request 200 with {@code body} and {@code headers}, dated on the test's clock. */
  void serves(String body, String... headers) {
    origin(request -> answer(request, 200, body, headers));
  }

  /** A switch the origin's answers wait on, opened by the test once every request it expects has arrived. */
  static final class Gate {
    private final Promise<Void> open = Promise.promise();

    Future<Void> opened() {
      return open.future();
    }

    void open() {
      open.tryComplete();
    }
  }

  /** Waits until the origin has received {@code requests} requests in all. */
  void awaitOrigin(int requests) {
    awaitTrue(() -> originTotal() >= requests, () -> "the origin to receive " + requests + " requests, it has "
        + originTotal());
  }

  // ---- what the cache has in flight ----

  /** Requests subscribed to fills in flight, over every fill the cache has registered. */
  int waiters() {
    int count = 0;
    for (Fill fill : List.copyOf(cache().fills.values())) {
      count += subscribers(fill);
    }
    return count;
  }

  /** Waits until {@code count} requests are subscribed to registered fills (all have reached the edge). */
  void awaitWaiters(int count) {
    awaitTrue(() -> waiters() == count, () -> count + " requests waiting on fills, there are " + waiters());
  }

  /** Waits until no fill is in flight (a background revalidation has finished and stored what it got). */
  void awaitNoFills() {
    awaitTrue(() -> cache().fills.isEmpty(), () -> "no fill in flight, there are " + cache().fills.keySet());
  }

  private static int subscribers(Fill fill) {
    try {
      Field field = Fill.class.getDeclaredField("subscribers");
      field.setAccessible(true);
      synchronized (fill) {
        return ((List<?>) field.get(fill)).size();
      }
    } catch (ReflectiveOperationException e) {
      throw new AssertionError("Fill.subscribers is where a fill keeps its waiters; renamed?", e);
    }
  }

  static void awaitTrue(BooleanSupplier condition, java.util.function.Supplier<String> what) {
    long deadline = System.currentTimeMillis() + WAIT_MILLIS;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting for " + what.get());
      }
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }

  // ---- clients ----

  /** A client with room for many concurrent connections (the base's pools five). */
  HttpClient wide() {
    if (wide == null) {
      wide = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1").setDefaultPort(edge.port()),
          new PoolOptions().setHttp1MaxSize(WIDE_POOL));
    }
    return wide;
  }

  /** {@code count} concurrent GETs of {@code uri} on their own connections, each with {@code headers}. */
  List<Future<Reply>> concurrentGets(int count, String uri, String... headers) {
    List<Future<Reply>> replies = new ArrayList<>();
    IntStream.range(0, count).forEach(i -> replies.add(request(wide(), options(HttpMethod.GET, uri, headers))));
    return replies;
  }

  static RequestOptions options(HttpMethod method, String uri, String... headers) {
    return EdgeRequests.options(method, uri, headers);
  }

  /** A GET addressed to the edge under another host name (the Host header and so the cache key differ). */
  Reply getAs(String host, String uri, String... headers) {
    RequestOptions options = options(HttpMethod.GET, uri, headers)
        .setServer(SocketAddress.inetSocketAddress(edge.port(), "127.0.0.1")).setHost(host).setPort(80);
    return await(request(client, options));
  }

  /** Sends with a body (so it has a Content-Length). */
  Reply sendWithBody(HttpMethod method, String uri, String body, String... headers) {
    return await(EdgeRequests.send(client, options(method, uri, headers), body));
  }

  /** Reads the reply without Vert.x 5's body race (see {@link EdgeRequests}). */
  static Future<Reply> request(HttpClient client, RequestOptions options) {
    return EdgeRequests.send(client, options, null);
  }

  static Reply reply(int status, MultiMap headers, Buffer body) {
    return new Reply(status, MultiMap.caseInsensitiveMultiMap().addAll(headers), body.toString());
  }

  static List<Reply> all(List<Future<Reply>> replies) {
    return await(Future.all(replies)).list();
  }

  // ---- admin ----

  /** A request to the admin port with {@code body} (null: none) and {@code headers}. */
  Reply admin(HttpMethod method, String path, String body, String... headers) {
    HttpClient adminClient = vertx.createHttpClient(new HttpClientOptions().setDefaultHost("127.0.0.1")
        .setDefaultPort(edge.edge().adminPort()));
    try {
      return await(EdgeRequests.send(adminClient, options(method, path, headers), body));
    } finally {
      await(adminClient.close());
    }
  }

  /** The admin port's Prometheus text. */
  String scrape() {
    Reply metrics = admin(HttpMethod.GET, "/metrics", null);
    assertThat(metrics.status()).isEqualTo(200);
    return metrics.body();
  }

  /** One sample of the scrape, e.g. {@code edge_cache_requests_total{result="hit"}}; fails when absent. */
  static double sample(String scrape, String series) {
    for (String line : scrape.split("\n")) {
      if (line.startsWith(series + " ")) {
        return Double.parseDouble(line.substring(series.length() + 1).trim());
      }
    }
    throw new AssertionError(series + " is not in the scrape");
  }

  static ProxyTestOrigin.Seen seen(ProxyTestOrigin origin, int index) {
    return origin.seen().get(index);
  }
}
