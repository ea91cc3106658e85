package com.paintbox.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * The origin cache's meters as the admin port's /metrics shows them, after a scripted sequence of every kind of
 * answer: edge_cache_requests_total{result}, edge_cache_origin_fetches_total{reason}, edge_cache_entries and
 * edge_cache_bytes.
 */
class CacheMetricsTest extends ShieldTestBase {

  @Test
  void metrics_afterHitMissCollapsedStalePassBypassRevalidated_countEachAndTheStoredSize() {
    Gate collapse = new Gate();
    AtomicInteger validations = new AtomicInteger();
    origin(request -> {
      switch (request.path()) {
        case "/m" -> answer(request, 200, "stale-while-revalidate", "Cache-Control",
            "max-age=10, stale-while-revalidate=60", "ETag", "\"m\"");
        case "/c" -> collapse.opened().onComplete(go -> answer(request, 200, "collapsed", "Cache-Control",
            "max-age=600"));
        case "/v" -> {
          if (validations.incrementAndGet() == 1) {
            answer(request, 200, "validated", "Cache-Control", "max-age=10", "ETag", "\"v\"");
          } else {
            answer(request, 304, "", "Cache-Control", "max-age=10", "ETag", "\"v\"");
          }
        }
        case "/p" -> answer(request, 200, "private", "Cache-Control", "private");
        default -> answer(request, 206, "01", "Content-Range", "bytes 0-1/10");
      }
    });

    get("/m");                                          // miss (fetch: miss)
    get("/m");                                          // hit
    List<Future<Reply>> collapsed = concurrentGets(3, "/c");
    awaitOrigin(2);
    awaitWaiters(3);
    collapse.open();
    all(collapsed);                                     // miss + 2 collapsed (fetch: miss)
    get("/v");                                          // miss (fetch: miss)
    get("/p");                                          // miss, not storable (fetch: miss)
    get("/p");                                          // pass: hit-for-miss (fetch: pass)
    get("/r", "Range", "bytes=0-1");                    // bypass: a range that misses
    advance(Duration.ofSeconds(15));
    get("/m");                                          // stale (fetch: background)
    awaitNoFills();
    get("/v");                                          // revalidated (fetch: revalidate)
    get("/m");                                          // hit: refreshed in the background

    String scrape = scrape();

    assertThat(sample(scrape, "edge_cache_requests_total{result=\"hit\"}")).isEqualTo(2);
    assertThat(sample(scrape, "edge_cache_requests_total{result=\"miss\"}")).isEqualTo(4);
    assertThat(sample(scrape, "edge_cache_requests_total{result=\"collapsed\"}")).isEqualTo(2);
    assertThat(sample(scrape, "edge_cache_requests_total{result=\"stale\"}")).isEqualTo(1);
    assertThat(sample(scrape, "edge_cache_requests_total{result=\"revalidated\"}")).isEqualTo(1);
    assertThat(sample(scrape, "edge_cache_requests_total{result=\"pass\"}")).isEqualTo(1);
    assertThat(sample(scrape, "edge_cache_requests_total{result=\"bypass\"}")).isEqualTo(1);
    assertThat(sample(scrape, "edge_cache_origin_fetches_total{reason=\"miss\"}")).isEqualTo(4);
    assertThat(sample(scrape, "edge_cache_origin_fetches_total{reason=\"background\"}")).isEqualTo(1);
    assertThat(sample(scrape, "edge_cache_origin_fetches_total{reason=\"revalidate\"}")).isEqualTo(1);
    assertThat(sample(scrape, "edge_cache_origin_fetches_total{reason=\"pass\"}")).isEqualTo(1);
    // 4 + 1 + 1 + 1 fetches, and the bypassed range: everything the origin saw
    assertThat(originTotal()).isEqualTo(8);
    // /m, /c and /v are stored; /p and the range are not
    assertThat(sample(scrape, "edge_cache_entries")).isEqualTo(3);
    long weights = 0;
    long bodies = 0;
    for (ResourceKey key : cache().keys()) {
      Resource resource = cache().resource(key);
      weights += resource.weight;
      bodies += resource.variants.stream().mapToLong(variant -> variant.body.length()).sum();
    }
    assertThat(bodies).isEqualTo("stale-while-revalidate".length() + "collapsed".length() + "validated".length());
    assertThat(sample(scrape, "edge_cache_bytes")).isEqualTo(weights).isGreaterThan(bodies);
  }
}
