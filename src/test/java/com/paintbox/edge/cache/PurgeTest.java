package com.paintbox.edge.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@code POST /cache/purge} on the admin port: the bearer token, purging by URL (path or absolute), prefix and
 * surrogate key, soft purges that leave the entry to stale-while-revalidate, every variant of a URL at once, and
 * the JSON it answers.
 */
@ShieldTestBase.EdgeSettings("EDGE_ADMIN_TOKEN=" + PurgeTest.TOKEN)
class PurgeTest extends ShieldTestBase {

  static final String TOKEN = "purge-test-token-0123456789";

  private Reply purge(String body) {
    return admin(HttpMethod.POST, "/cache/purge", body, "Authorization", "Bearer " + TOKEN,
        "Content-Type", "application/json");
  }

  /**
   * The answer's local part. A lone machine's purge also names itself ({@code id}) and reports an empty fleet; the
   * fleet's own fields are pinned by {@code FleetTest}.
   */
  private static JsonObject local(String body) {
    JsonObject answer = new JsonObject(body);
    assertThat(answer.getString("id")).startsWith("purge-");
    assertThat(answer.getJsonObject("fleet").getJsonArray("machines")).isEmpty();
    answer.remove("id");
    answer.remove("fleet");
    return answer;
  }

  private static JsonObject purged(int urls, int responses, boolean soft) {
    return new JsonObject().put("outcome", "success")
        .put("purged", new JsonObject().put("urls", urls).put("responses", responses).put("soft", soft));
  }

  private void assertHit(String uri, String... headers) {
    assertThat(member(get(uri, headers))).as(uri + " kept").startsWith("paintbox-edge; hit;");
  }

  private void assertMiss(String uri, String... headers) {
    assertThat(member(get(uri, headers))).as(uri + " purged").startsWith("paintbox-edge; fwd=uri-miss;");
  }

  @Test
  @EdgeSettings("EDGE_ADMIN_TOKEN=")
  void purge_noTokenConfigured_403AndNothingPurged() {
    serves("page", "Cache-Control", "max-age=600");
    get("/a");

    Reply refused = admin(HttpMethod.POST, "/cache/purge", "{\"urls\":[\"/a\"]}",
        "Authorization", "Bearer anything-at-all-here");

    assertThat(refused.status()).isEqualTo(403);
    assertThat(new JsonObject(refused.body()).getString("outcome")).isEqualTo("refused");
    assertHit("/a");
  }

  @Test
  void purge_missingOrWrongToken_401AndNothingPurged() {
    serves("page", "Cache-Control", "max-age=600");
    get("/a");
    String body = "{\"urls\":[\"/a\"]}";

    Reply missing = admin(HttpMethod.POST, "/cache/purge", body);
    Reply wrong = admin(HttpMethod.POST, "/cache/purge", body, "Authorization", "Bearer " + TOKEN + "x");
    Reply basic = admin(HttpMethod.POST, "/cache/purge", body, "Authorization", "Basic " + TOKEN);

    assertThat(missing.status()).isEqualTo(401);
    assertThat(missing.header("WWW-Authenticate")).startsWith("Bearer");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(basic.status()).isEqualTo(401);
    assertHit("/a");
    assertThat(edge.count("edge.cache.purges", "outcome", "unauthorized")).isEqualTo(3);
  }

  @Test
  void purge_byPath_removesThatTargetOnly() {
    serves("page", "Cache-Control", "max-age=600");
    get("/a");
    get("/a?x=1");
    get("/b");

    Reply answer = purge("{\"urls\":[\"/a\"]}");

    assertThat(answer.status()).isEqualTo(200);
    assertThat(local(answer.body())).isEqualTo(purged(1, 1, false));
    assertMiss("/a");
    assertHit("/a?x=1");
    assertHit("/b");
  }

  @Test
  void purge_byAbsoluteUrl_onlyOnThatHostWhateverTheScheme() {
    serves("page", "Cache-Control", "max-age=600");
    get("/a");
    getAs("other.example", "/a");

    Reply other = purge("{\"urls\":[\"http://other.example/a\"]}");

    assertThat(local(other.body())).isEqualTo(purged(1, 1, false));
    assertThat(member(getAs("other.example", "/a"))).startsWith("paintbox-edge; fwd=uri-miss;");
    assertHit("/a");

    Reply ours = purge("{\"urls\":[\"https://" + authority() + "/a\", \"https://nowhere.example/a\"]}");

    assertThat(local(ours.body())).isEqualTo(purged(1, 1, false));
    assertMiss("/a");
  }

  @Test
  void purge_byPrefix_removesEveryTargetStartingWithIt() {
    serves("page", "Cache-Control", "max-age=600");
    get("/blog/a");
    get("/blog/b?page=2");
    get("/blogroll");
    get("/about");

    Reply answer = purge("{\"prefix\":\"/blog/\"}");

    assertThat(local(answer.body())).isEqualTo(purged(2, 2, false));
    assertMiss("/blog/a");
    assertMiss("/blog/b?page=2");
    assertHit("/blogroll");
    assertHit("/about");
  }

  @Test
  void purge_bySurrogateKeys_fromTheOriginsSpaceSeparatedField() {
    origin(request -> answer(request, 200, "page", "Cache-Control", "max-age=600", "Surrogate-Key",
        switch (request.path()) {
          case "/x" -> "a b";
          case "/y" -> "b  c";
          default -> "d";
        }));
    get("/x");
    get("/y");
    get("/z");

    Reply first = purge("{\"surrogate_keys\":[\"a\"]}");

    assertThat(local(first.body())).isEqualTo(purged(1, 1, false));
    assertMiss("/x");
    assertHit("/y");
    assertHit("/z");

    Reply second = purge("{\"surrogate_keys\":[\"c\", \"d\", \"unknown\"]}");

    assertThat(local(second.body())).isEqualTo(purged(2, 2, false));
    assertMiss("/y");
    assertMiss("/z");
    assertHit("/x"); // refilled just above, and tagged "a b": neither was named
  }

  @Test
  void purge_soft_entryServedStaleWithinStaleWhileRevalidateWhileItIsRevalidated() {
    AtomicInteger calls = new AtomicInteger();
    origin(request -> {
      int call = calls.incrementAndGet();
      answer(request, 200, "v" + call, "Cache-Control", "max-age=600, stale-while-revalidate=600",
          "ETag", "\"v" + call + "\"");
    });
    get("/s");

    Reply answer = purge("{\"urls\":[\"/s\"], \"soft\": true}");
    advance(Duration.ofSeconds(1));
    Reply stale = get("/s");
    awaitNoFills();
    Reply refreshed = get("/s");

    assertThat(local(answer.body())).isEqualTo(purged(1, 1, true));
    assertThat(stale.body()).isEqualTo("v1");
    assertThat(member(stale)).isEqualTo("paintbox-edge; hit; ttl=-1");
    assertThat(stale.header("Age")).isEqualTo("1");
    assertThat(origin.last().header("If-None-Match")).isEqualTo("\"v1\"");
    assertThat(refreshed.body()).isEqualTo("v2");
    assertThat(member(refreshed)).isEqualTo("paintbox-edge; hit; ttl=600");
    assertThat(originCount("/s")).isEqualTo(2);
  }

  @Test
  void purge_hard_entryGoneEvenWithStaleWhileRevalidate() {
    serves("page", "Cache-Control", "max-age=600, stale-while-revalidate=600", "ETag", "\"v1\"");
    get("/s");

    Reply answer = purge("{\"urls\":[\"/s\"]}");

    assertThat(local(answer.body())).isEqualTo(purged(1, 1, false));
    assertThat(member(get("/s"))).isEqualTo("paintbox-edge; fwd=uri-miss; fwd-status=200; stored; ttl=600");
    assertThat(origin.last().header("If-None-Match")).isNull();
  }

  @Test
  void purge_url_removesEveryVariant() {
    origin(request -> answer(request, 200, "lang=" + request.getHeader("Accept-Language"),
        "Cache-Control", "max-age=600", "Vary", "Accept-Language"));
    get("/v", "Accept-Language", "en");
    get("/v", "Accept-Language", "de");
    assertHit("/v", "Accept-Language", "de");

    Reply answer = purge("{\"urls\":[\"/v\"]}");

    assertThat(local(answer.body())).isEqualTo(purged(1, 2, false));
    assertMiss("/v", "Accept-Language", "en");
    // refilled in English just above, so German is now a variant miss: it was purged too
    assertThat(member(get("/v", "Accept-Language", "de"))).startsWith("paintbox-edge; fwd=vary-miss;");
    assertThat(originCount("/v")).isEqualTo(4);
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "not json", "[\"/a\"]", "{}", "{\"urls\":\"/a\"}", "{\"urls\":[\"\"]}",
      "{\"urls\":[5]}", "{\"prefix\":5}", "{\"urls\":[\"/a\"],\"soft\":\"yes\"}", "{\"urls\":[\"ftp:x\"]}",
      "{\"urls\":[\"no scheme or slash\"]}", "{\"surrogate_keys\":\"a\"}"})
  void purge_badBody_400AndNothingPurged(String body) {
    serves("page", "Cache-Control", "max-age=600");
    get("/a");

    Reply refused = purge(body);

    assertThat(refused.status()).isEqualTo(400);
    assertThat(new JsonObject(refused.body()).getString("error")).isEqualTo("bad_purge");
    assertHit("/a");
  }
}
