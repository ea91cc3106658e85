package com.paintbox.edge.ops;

import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.testing.EdgeHarness;
import com.paintbox.edge.testing.EmulatorBackend;
import com.paintbox.edge.testing.PrometheusText;
import com.paintbox.edge.testing.TestKeys;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.yaml.snakeyaml.Yaml;

/**
 * The Grafana dashboard and the Prometheus rules parse, and every metric they query exists in a live /metrics,
 * so renaming a meter breaks the build instead of silently blanking a panel or an alert.
 */
class OpsFilesTest {

  private static final Path DASHBOARD = Path.of("ops/grafana/paintbox-edge.json");
  private static final Path ALERTS = Path.of("ops/prometheus/alerts.yml");
  private static final Pattern METRIC = Pattern.compile("\\b((?:edge|vertx|jvm|process)_[a-z0-9_]+)\\b");
  private static PrometheusText live;

  @BeforeAll
  static void scrapeALiveEdge() throws InterruptedException {
    Vertx vertx = Vertx.vertx();
    try (EmulatorBackend backend = new EmulatorBackend(vertx)) {
      backend.create(EdgeHarness.SECRET, TestKeys.ec("ops").toJSONString());
      try (EdgeHarness edge = EdgeHarness.start(backend, Map.of())) {
        edge.fetch("/.well-known/jwks.json");
        edge.fetch("/some/page"); // to the (absent) origin: a 502 the edge generates
        // GC pause timers register on the first collection, from a notification that arrives on its own thread
        System.gc();
        live = edge.scrape();
        for (int i = 0; i < 50 && !live.names().contains("jvm_gc_pause_seconds_sum"); i++) {
          Thread.sleep(100);
          live = edge.scrape();
        }
      }
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void alerts_parseAndEveryRuleIsComplete() throws Exception {
    Map<String, Object> rules = new Yaml().load(Files.readString(ALERTS));
    List<Map<String, Object>> all = rulesOf(rules);

    assertThat(all).extracting(rule -> rule.get("alert")).contains("EdgeJwksStaleBeyondSwr", "EdgeJwksServingFallback",
        "EdgeAwsErrorRate", "EdgeOriginErrorRate", "EdgeNotReady");
    assertThat(all).allSatisfy(rule -> {
      assertThat(rule).containsKeys("alert", "expr", "for", "labels", "annotations");
      assertThat(((Map<?, ?>) rule.get("labels")).containsKey("severity")).as("severity of %s", rule.get("alert")).isTrue();
      assertThat(((Map<?, ?>) rule.get("annotations")).containsKey("summary")).as("summary of %s", rule.get("alert")).isTrue();
    });
  }

  @Test
  void alerts_everyMetricExistsInALiveScrape() throws Exception {
    Map<String, Object> rules = new Yaml().load(Files.readString(ALERTS));
    Set<String> referenced = new TreeSet<>();
    rulesOf(rules).forEach(rule -> referenced.addAll(metrics(String.valueOf(rule.get("expr")))));

    assertThat(referenced).isNotEmpty();
    assertThat(live.names()).containsAll(referenced);
  }

  @Test
  void dashboard_parsesAndEveryPanelQueryUsesLiveMetrics() throws Exception {
    JsonObject dashboard = new JsonObject(Files.readString(DASHBOARD));
    JsonArray panels = dashboard.getJsonArray("panels");
    Set<String> referenced = new TreeSet<>();
    for (Object panel : panels) {
      for (Object target : ((JsonObject) panel).getJsonArray("targets")) {
        referenced.addAll(metrics(((JsonObject) target).getString("expr")));
      }
    }

    assertThat(dashboard.getString("uid")).isEqualTo("paintbox-edge");
    assertThat(panels).hasSizeGreaterThanOrEqualTo(8);
    assertThat(referenced).contains("edge_jwks_requests_total", "edge_jwks_request_seconds_bucket",
        "edge_jwks_fetch_total", "edge_jwks_age_seconds", "edge_origin_requests_total", "jvm_memory_used_bytes");
    assertThat(live.names()).containsAll(referenced);
  }

  @SuppressWarnings("unchecked")
  private static List<Map<String, Object>> rulesOf(Map<String, Object> file) {
    List<Map<String, Object>> all = new ArrayList<>();
    for (Map<String, Object> group : (List<Map<String, Object>>) file.get("groups")) {
      all.addAll((List<Map<String, Object>>) group.get("rules"));
    }
    return all;
  }

  private static Set<String> metrics(String expression) {
    Set<String> names = new TreeSet<>();
    Matcher matcher = METRIC.matcher(expression);
    while (matcher.find()) {
      names.add(matcher.group(1));
    }
    return names;
  }
}
