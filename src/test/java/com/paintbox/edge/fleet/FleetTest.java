package com.paintbox.edge.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.metrics.EdgeMeters;
import com.paintbox.edge.testing.Figures;
import com.paintbox.edge.testing.ProxyTestOrigin;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three whole edges on loopback as three regions (iad the shield, lhr and syd edges), told of each other by
 * EDGE_FLEET_PEERS, in front of one origin that counts what reaches it: the shield tier takes every region's misses,
 * purges reach every machine (the shield first), and a machine that is down costs an answer that says so, not a hang.
 */
@ExtendWith(VertxExtension.class)
class FleetTest {

  private static final Logger log = LoggerFactory.getLogger(FleetTest.class);
  private static final List<String> REGIONS = List.of("iad", "lhr", "syd");
  private static final int URLS = 100;
  private static final int REQUESTS_PER_REGION = 1_000;
  /** The purge deadline the fleet is given here, in seconds: short, so a hang would show as a slow test. */
  private static final int DEADLINE_SECONDS = 3;

  private Vertx vertx;
  private ProxyTestOrigin origin;
  private TestFleet fleet;

  @BeforeEach
  void start(Vertx vertx) {
    this.vertx = vertx;
    origin = TestFleet.await(new ProxyTestOrigin(vertx).start());
    origin.handle(request -> {
      String path = request.path();
      var response = request.response();
      if (request.method() != HttpMethod.GET) {
        request.body().onSuccess(body -> response.end("posted"));
      } else if (path.startsWith("/private/")) {
        response.putHeader("Cache-Control", "private, no-store").end("yours alone");
      } else {
        int n = Integer.parseInt(path.substring(path.lastIndexOf('/') + 1));
        response.putHeader("Cache-Control", "public, max-age=600")
            .putHeader("Surrogate-Key", "group-" + (n % 10) + " all")
            .end("page " + n);
      }
    });
    fleet = TestFleet.start(vertx, origin.url(), REGIONS, "iad",
        Map.of("EDGE_FLEET_PURGE_DEADLINE_SECONDS", Integer.toString(DEADLINE_SECONDS)));
  }

  @AfterEach
  void stop() {
    fleet.close();
    TestFleet.await(origin.close());
  }

  @Test
  void threeRegionsThousandRequestsEach_hundredCacheableUrls_originSeesOneFillPerUrl() {
    long started = System.nanoTime();
    List<Future<TestFleet.Reply>> replies = new ArrayList<>();
    for (String region : REGIONS) {
      for (int url : shuffled(REQUESTS_PER_REGION, region.hashCode())) {
        replies.add(fleet.get(region, "/page/" + url));
      }
    }
    List<TestFleet.Reply> all = TestFleet.await(Future.all(replies)).list();
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    Map<String, Long> fills = origin.seen().stream()
        .collect(Collectors.groupingBy(ProxyTestOrigin.Seen::uri, Collectors.counting()));
    double viaShield = shieldFetches("lhr") + shieldFetches("syd");
    log.info("fleet figures: {} requests over {} regions for {} URLs in {} ms; origin fills {}; edge misses answered "
        + "by the shield {}", all.size(), REGIONS.size(), URLS, millis, origin.seen().size(), (long) viaShield);
    new Figures("FleetTest.oneFillPerUrl").put("requests", all.size()).put("urls", URLS)
        .put("origin_fills", origin.seen().size()).put("shield_fetches", (long) viaShield).put("ms", millis).write();

    assertThat(all).allSatisfy(reply -> assertThat(reply.status()).isEqualTo(200));
    assertThat(fills).hasSize(URLS).allSatisfy((uri, count) -> assertThat(count).as(uri).isEqualTo(1));
    assertThat(viaShield).as("every edge miss went to the shield").isBetween((double) URLS, 2.0 * URLS);
    assertThat(fallbacks("lhr") + fallbacks("syd")).isZero();
    assertThat(fleet.machine("iad").count(EdgeMeters.FLEET_HOPS, "result", "valid")).isEqualTo(viaShield);
    assertThat(fleet.machine("iad").count(EdgeMeters.FLEET_HOPS, "result", "invalid")).isZero();
    assertThat(origin.seen()).allSatisfy(seen -> assertThat(seen.header("paintbox-edge-hop")).isNull());
  }

  @Test
  void hitAtAnEdge_cacheStatus_showsTheShieldsMemberFirstAndTheEdgesLast() {
    TestFleet.Reply first = TestFleet.await(fleet.get("lhr", "/page/7"));
    TestFleet.Reply again = TestFleet.await(fleet.get("lhr", "/page/7"));

    assertThat(first.members()).hasSize(2);
    assertThat(first.members().get(0)).startsWith("paintbox-edge; fwd=uri-miss").contains("stored");
    assertThat(first.members().get(1)).startsWith("paintbox-edge; fwd=uri-miss").contains("fwd-status=200");
    assertThat(again.members()).hasSize(2);
    assertThat(again.members().get(1)).startsWith("paintbox-edge; hit");
    assertThat(String.join(", ", again.headers().getAll("Via"))).isEqualTo("1.1 paintbox-edge, 1.1 paintbox-edge");
    assertThat(origin.seen()).hasSize(1);
    assertThat(origin.last().header("Host")).isEqualTo(origin.authority());
    assertThat(origin.last().header("X-Forwarded-Host")).isEqualTo(TestFleet.HOST);
  }

  @Test
  void purgeBySurrogateKey_atAnEdge_everyMachineMissesNextAndTheOriginRefillsOnce() {
    warm();
    long started = System.nanoTime();
    TestFleet.Reply answer = fleet.admin("lhr", "/cache/purge",
        new JsonObject().put("surrogate_keys", new JsonArray().add("group-3")));
    long wallMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    JsonObject body = answer.json();
    long fanOutMillis = body.getJsonObject("fleet").getLong("ms");
    log.info("fleet figures: purge by surrogate key at lhr reached {} machines, fan-out {} ms (shield first), "
        + "{} ms as the client saw it", body.getJsonObject("fleet").getJsonArray("machines").size() + 1,
        fanOutMillis, wallMillis);
    new Figures("FleetTest.purgeFanOut").put("fan_out_ms", fanOutMillis).put("client_ms", wallMillis).write();

    assertThat(answer.status()).as(answer.body()).isEqualTo(200);
    assertThat(body.getString("outcome")).isEqualTo("success");
    assertThat(body.getJsonObject("purged").getInteger("urls")).isEqualTo(10);
    assertThat(machines(body)).extractingByKey("iad").satisfies(iad -> {
      assertThat(iad.getString("role")).isEqualTo("shield");
      assertThat(iad.getString("outcome")).isEqualTo("ok");
      assertThat(iad.getJsonObject("answer").getJsonObject("purged").getInteger("urls")).isEqualTo(10);
    });
    assertThat(machines(body).get("syd").getString("outcome")).isEqualTo("ok");
    assertThat(machines(body).get("syd").getJsonObject("answer").getString("id")).isEqualTo(body.getString("id"));

    int before = origin.seen().size();
    for (String region : REGIONS) { // the shield first, so each edge's miss is the shield's hit
      for (int n = 3; n < URLS; n += 10) {
        TestFleet.Reply reply = TestFleet.await(fleet.get(region, "/page/" + n));
        assertThat(last(reply)).as(region + " /page/" + n).startsWith("paintbox-edge; fwd=uri-miss");
      }
      TestFleet.Reply other = TestFleet.await(fleet.get(region, "/page/4"));
      assertThat(last(other)).as("another key's page on " + region).startsWith("paintbox-edge; hit");
    }
    assertThat(origin.seen().size() - before).as("one refill per purged URL, for every region").isEqualTo(10);
  }

  @Test
  void purge_oneMachineDown_theOthersArePurgedAndTheAnswerNamesTheFailure() {
    warm();
    fleet.stop("syd");
    long started = System.nanoTime();
    TestFleet.Reply answer = fleet.admin("iad", "/cache/purge", new JsonObject().put("prefix", "/page/"));
    long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
    log.info("fleet figures: purge at iad with syd down answered in {} ms: {}", millis, answer.body());

    assertThat(answer.status()).isEqualTo(502);
    assertThat(answer.json().getString("outcome")).isEqualTo("partial");
    assertThat(answer.json().getJsonObject("purged").getInteger("urls")).isEqualTo(URLS);
    assertThat(machines(answer.json()).get("lhr").getString("outcome")).isEqualTo("ok");
    JsonObject syd = machines(answer.json()).get("syd");
    assertThat(syd.getString("outcome")).isEqualTo("failed");
    assertThat(syd.getInteger("attempts")).isEqualTo(3);
    assertThat(syd.getString("error")).isNotBlank();
    assertThat(millis).isLessThan(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS));
    assertThat(fleet.machine("iad").count(EdgeMeters.FLEET_PURGE_FORWARDS, "outcome", "failed")).isEqualTo(1);
    for (String region : List.of("iad", "lhr")) {
      assertThat(last(TestFleet.await(fleet.get(region, "/page/1")))).as(region).startsWith("paintbox-edge; fwd=uri-miss");
    }
  }

  @Test
  void purge_aMachineThatNeverAnswers_theAnswerComesWithinTheDeadline() {
    fleet.stop("syd");
    var silent = TestFleet.await(vertx.createHttpServer().requestHandler(request -> { /* never answers */ })
        .listen(fleet.machine("syd").adminPort, "127.0.0.1"));
    try {
      long started = System.nanoTime();
      TestFleet.Reply answer = fleet.admin("lhr", "/cache/purge", new JsonObject().put("urls", new JsonArray().add("/page/1")));
      long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

      assertThat(answer.status()).isEqualTo(502);
      assertThat(machines(answer.json()).get("iad").getString("outcome")).isEqualTo("ok");
      assertThat(machines(answer.json()).get("syd").getString("outcome")).isIn("failed", "skipped");
      assertThat(millis).isBetween(TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS) - 500,
          TimeUnit.SECONDS.toMillis(DEADLINE_SECONDS) + 2_000);
    } finally {
      TestFleet.await(silent.close());
    }
  }

  @Test
  void shieldDown_edgesFallBackToTheOrigin() {
    fleet.stop("iad");
    for (String region : List.of("lhr", "syd")) {
      for (int n = 0; n < 5; n++) {
        TestFleet.Reply reply = TestFleet.await(fleet.get(region, "/page/" + n));
        assertThat(reply.status()).isEqualTo(200);
        assertThat(reply.body()).isEqualTo("page " + n);
        assertThat(reply.members()).as("the edge's member only").hasSize(1);
      }
    }
    assertThat(origin.seen()).hasSize(10);
    assertThat(fallbacks("lhr")).isEqualTo(5);
    assertThat(fleet.machine("lhr").count(EdgeMeters.FLEET_SHIELD_FALLBACKS, "reason", "connect")).isGreaterThanOrEqualTo(1);
    assertThat(shieldFetches("lhr")).isZero();
  }

  @Test
  void purgeId_arrivingTwice_isAppliedOnce() {
    TestFleet.await(fleet.get("lhr", "/page/2"));
    JsonObject purge = new JsonObject().put("urls", new JsonArray().add("/page/2")).put("local", true).put("id", "p-42");
    TestFleet.Reply first = fleet.admin("lhr", "/cache/purge", purge);
    TestFleet.await(fleet.get("lhr", "/page/2")); // refilled (a hit at the shield)
    TestFleet.Reply second = fleet.admin("lhr", "/cache/purge", purge);

    assertThat(first.json().getString("outcome")).isEqualTo("success");
    assertThat(first.json().getJsonObject("purged").getInteger("urls")).isEqualTo(1);
    assertThat(first.json().containsKey("fleet")).as("local: this machine only").isFalse();
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.json().getString("outcome")).isEqualTo("duplicate");
    assertThat(last(TestFleet.await(fleet.get("lhr", "/page/2")))).startsWith("paintbox-edge; hit");
  }

  @Test
  void hopMarker_forgedByAClient_isStrippedAndGrantsNoTrust() {
    TestFleet.Reply reply = TestFleet.await(fleet.get("iad", "/page/5", "paintbox-edge-hop",
        "v1 " + System.currentTimeMillis() / 1000 + " lhr AAAA", "X-Forwarded-Proto", "https"));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(origin.last().header("paintbox-edge-hop")).isNull();
    assertThat(origin.last().header("X-Forwarded-Proto")).isEqualTo("http");
    assertThat(fleet.machine("iad").count(EdgeMeters.FLEET_HOPS, "result", "invalid")).isEqualTo(1);
  }

  @Test
  void hopMarker_valid_theShieldKeysByTheHopsForwardedProtoAndHost() {
    HopMarker marker = new HopMarker(TestFleet.TOKEN, "lhr", () -> System.currentTimeMillis() / 1000);
    String signed = marker.sign("GET", TestFleet.HOST, "/page/6");
    TestFleet.Reply hop = TestFleet.await(fleet.get("iad", "/page/6", "paintbox-edge-hop", signed,
        "X-Forwarded-Proto", "https"));
    TestFleet.Reply plain = TestFleet.await(fleet.get("iad", "/page/6"));

    assertThat(hop.status()).isEqualTo(200);
    assertThat(fleet.machine("iad").count(EdgeMeters.FLEET_HOPS, "result", "valid")).isEqualTo(1);
    assertThat(origin.seen()).hasSize(2);
    assertThat(origin.seen().get(0).header("X-Forwarded-Proto")).isEqualTo("https");
    assertThat(origin.seen().get(0).header("paintbox-edge-hop")).isNull();
    assertThat(last(plain)).as("http and https are keyed apart").startsWith("paintbox-edge; fwd=uri-miss");
  }

  @Test
  void uncacheableTraffic_goesStraightToTheOrigin() {
    TestFleet.await(fleet.request("lhr", HttpMethod.POST, "/form", "a=1"));
    TestFleet.await(fleet.get("lhr", "/private/1")); // not known yet: asked through the shield, which passes it
    TestFleet.await(fleet.get("lhr", "/private/1")); // hit-for-miss at the edge: straight to the origin

    List<ProxyTestOrigin.Seen> seen = origin.seen();
    assertThat(seen).hasSize(3);
    assertThat(vias(seen.get(0))).as("POST").isEqualTo(1);
    assertThat(vias(seen.get(1))).as("first private GET, via the shield").isEqualTo(2);
    assertThat(vias(seen.get(2))).as("hit-for-miss").isEqualTo(1);
  }

  @Test
  void jwksRefresh_withTheFleetFlag_reachesEveryMachine() {
    TestFleet.Reply fleetWide = fleet.admin("lhr", "/jwks/refresh?fleet=true", null);
    TestFleet.Reply single = fleet.admin("syd", "/jwks/refresh", null);

    assertThat(fleetWide.status()).as(fleetWide.body()).isEqualTo(200);
    assertThat(fleetWide.json().getString("outcome")).isEqualTo("success");
    Map<String, JsonObject> machines = machines(fleetWide.json());
    assertThat(machines.keySet()).containsExactlyInAnyOrder("iad", "syd");
    assertThat(machines.values()).allSatisfy(m -> assertThat(m.getString("outcome")).isEqualTo("ok"));
    assertThat(single.status()).as("syd refreshed a moment ago, by the forward: its minimum interval").isEqualTo(429);
    assertThat(single.json().containsKey("fleet")).isFalse();
  }

  private void warm() {
    List<Future<TestFleet.Reply>> replies = new ArrayList<>();
    for (int n = 0; n < URLS; n++) {
      replies.add(fleet.get("iad", "/page/" + n));
    }
    TestFleet.await(Future.all(replies));
    replies.clear();
    for (String region : List.of("lhr", "syd")) {
      for (int n = 0; n < URLS; n++) {
        replies.add(fleet.get(region, "/page/" + n));
      }
    }
    TestFleet.await(Future.all(replies));
    assertThat(origin.seen()).hasSize(URLS);
  }

  private double shieldFetches(String region) {
    return fleet.machine(region).count(EdgeMeters.FLEET_SHIELD_FETCHES);
  }

  private double fallbacks(String region) {
    double total = 0;
    for (FleetEvents.Fallback reason : FleetEvents.Fallback.values()) {
      total += fleet.machine(region).count(EdgeMeters.FLEET_SHIELD_FALLBACKS, "reason", reason.label());
    }
    return total;
  }

  private static String last(TestFleet.Reply reply) {
    List<String> members = reply.members();
    return members.isEmpty() ? "" : members.get(members.size() - 1);
  }

  /** The answer's machines by region. */
  private static Map<String, JsonObject> machines(JsonObject answer) {
    return answer.getJsonObject("fleet").getJsonArray("machines").stream().map(JsonObject.class::cast)
        .collect(Collectors.toMap(m -> m.getString("region"), Function.identity()));
  }

  private static long vias(ProxyTestOrigin.Seen seen) {
    String via = String.join(", ", seen.headers().getAll("Via"));
    return via.split("paintbox-edge", -1).length - 1;
  }

  /** {@code count} requests over {@link #URLS} URLs, each equally often, in an order of their own per region. */
  private static List<Integer> shuffled(int count, long seed) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      order.add(i % URLS);
    }
    Collections.shuffle(order, new Random(seed));
    return order;
  }
}
