package com.paintbox.edge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.config.ConfigLoader;
import com.paintbox.edge.config.EdgeConfig;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import com.paintbox.edge.server.EdgeVerticle;
import java.lang.reflect.Field;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * fly.toml and the Dockerfile against the service's own defaults (conf/edge.json) and paths (EdgeVerticle), so a
 * port, path or signal changed on one side cannot silently break a deployment. That the service really answers those
 * paths on the shipped runtime is deploy/smoke.sh's job (CI runs it through .ci/run).
 */
final class DeploymentFilesTest {

  private static Toml fly;
  private static Dockerfile docker;
  private static JsonObject defaults;

  @BeforeAll
  static void read() throws IOException {
    fly = Toml.parse(Files.readString(Path.of("fly.toml")));
    docker = Dockerfile.parse(Files.readString(Path.of("Dockerfile")));
    defaults = new JsonObject(Files.readString(Path.of("conf/edge.json")));
  }

  @Test
  void httpService_internalPort_isEdgePort() {
    assertThat(fly.table("http_service").get("internal_port")).isEqualTo((long) defaults.getInteger("EDGE_PORT"));
  }

  @Test
  void metrics_port_isAdminPortAndPathIsMetrics() {
    assertThat(fly.table("metrics").get("port")).isEqualTo((long) defaults.getInteger("EDGE_ADMIN_PORT"));
    assertThat(fly.table("metrics").get("path")).isEqualTo("/metrics");
  }

  @Test
  void env_ports_agreeWithDefaults() {
    Map<String, Object> env = fly.table("env");
    assertThat(env.get("EDGE_PORT")).isEqualTo(String.valueOf(defaults.getInteger("EDGE_PORT")));
    assertThat(env.get("EDGE_ADMIN_PORT")).isEqualTo(String.valueOf(defaults.getInteger("EDGE_ADMIN_PORT")));
  }

  @Test
  void env_loadsThroughTheEdgesOwnConfig_inThePrimaryRegion() {
    Map<String, String> env = new LinkedHashMap<>();
    fly.table("env").forEach((key, value) -> env.put(key, String.valueOf(value)));
    env.put("FLY_REGION", (String) fly.table("").get("primary_region"));
    Vertx vertx = Vertx.vertx();
    try {
      EdgeConfig config = ConfigLoader.load(vertx, env).await();
      assertThat(config.origin().trustForwarded()).as("behind Fly's TLS-terminating proxy").isTrue();
      assertThat(config.origin().host()).isNotIn("127.0.0.1", "localhost");
    } finally {
      vertx.close().await();
    }
  }

  @Test
  void dockerfile_expose_listsPublicAndAdminPorts() {
    List<String> exposed = docker.finalStage("EXPOSE").stream()
        .flatMap(line -> List.of(line.split("\\s+")).stream())
        .map(port -> port.replaceFirst("/tcp$", ""))
        .toList();
    assertThat(exposed).contains(String.valueOf(defaults.getInteger("EDGE_PORT")),
        String.valueOf(defaults.getInteger("EDGE_ADMIN_PORT")));
  }

  @Test
  void checks_paths_areTheServiceHealthAndReadyEndpoints() throws ReflectiveOperationException {
    String prefix = edgeVerticleConstant("EDGE_PREFIX");
    List<Object> paths = fly.tables("http_service.checks").stream().map(check -> check.get("path")).toList();
    assertThat(paths).containsExactlyInAnyOrder(prefix + "health", prefix + "ready");
    assertThat(prefix + "health").isEqualTo("/_edge/health");
    assertThat(edgeVerticleConstant("JWKS_PATH")).isEqualTo("/.well-known/jwks.json");
  }

  @Test
  void checks_timings_areSet() {
    for (Map<String, Object> check : fly.tables("http_service.checks")) {
      assertThat(duration(check.get("timeout"))).isLessThan(duration(check.get("interval")));
      assertThat(check).containsKey("grace_period").containsEntry("method", "GET");
    }
  }

  @Test
  void signals_areSigtermOnBothSides() {
    assertThat(fly.table("").get("kill_signal")).isEqualTo("SIGTERM");
    assertThat(docker.finalStage("STOPSIGNAL")).containsExactly("SIGTERM");
  }

  @Test
  void killTimeout_exceedsDrain() {
    Duration killTimeout = duration(fly.table("").get("kill_timeout"));
    assertThat(killTimeout).isGreaterThan(Duration.ofSeconds(defaults.getInteger("EDGE_DRAIN_SECONDS")));
    assertThat(killTimeout).isLessThanOrEqualTo(Duration.ofSeconds(300)); // Fly's maximum
  }

  @Test
  void dockerfile_user_isNotRoot() {
    List<String> users = docker.finalStage("USER");
    assertThat(users).as("the runtime stage sets USER").isNotEmpty();
    String user = users.get(users.size() - 1).split(":")[0];
    assertThat(user).isNotIn("root", "0");
  }

  @Test
  void dockerfile_entrypoint_runsTheJarWithFlagsAndArchive() {
    assertThat(docker.finalStage("ENTRYPOINT")).singleElement().asString()
        .contains("jre/bin/java", "@/opt/edge/app/jvm.flags", "-XX:AOTCache=", "-jar", "paintbox-edge.jar");
  }

  @Test
  void primaryRegion_hasRegionOverlayNamingAwsRegion() throws IOException {
    String region = (String) fly.table("").get("primary_region");
    Path overlay = Path.of("regions", region + ".json");
    assertThat(overlay).exists();
    assertThat(new JsonObject(Files.readString(overlay)).getString("AWS_REGION")).isNotBlank();
  }

  @Test
  void concurrency_hardLimitIsAtLeastSoftLimit() {
    Map<String, Object> concurrency = fly.table("http_service.concurrency");
    assertThat(concurrency.get("type")).isEqualTo("requests");
    assertThat((Long) concurrency.get("hard_limit")).isGreaterThanOrEqualTo((Long) concurrency.get("soft_limit"));
  }

  private static String edgeVerticleConstant(String name) throws ReflectiveOperationException {
    Field field = EdgeVerticle.class.getDeclaredField(name);
    return (String) field.get(null);
  }

  /** A TOML duration as Fly writes them: "30s", "5m", or a bare number of seconds. */
  private static Duration duration(Object value) {
    if (value instanceof Long seconds) {
      return Duration.ofSeconds(seconds);
    }
    Matcher m = Pattern.compile("(\\d+)(ms|s|m|h)").matcher(String.valueOf(value));
    assertThat(m.matches()).as("a duration like \"30s\": %s", value).isTrue();
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      default -> Duration.ofHours(n);
    };
  }

  /**
   * Just enough TOML for fly.toml: {@code [table]}, {@code [[array.of.tables]]}, and {@code key = value} lines whose
   * values are basic strings, integers or booleans; {@code #} comments. Anything else fails the test loudly.
   */
  static final class Toml {

    private static final Pattern HEADER = Pattern.compile("(\\[\\[?)\\s*([A-Za-z0-9_.-]+)\\s*(]]?)");
    private static final Pattern KEY_VALUE = Pattern.compile("([A-Za-z0-9_-]+)\\s*=\\s*(.+)");

    private final Map<String, List<Map<String, Object>>> tables = new LinkedHashMap<>();

    static Toml parse(String text) {
      Toml toml = new Toml();
      Map<String, Object> current = toml.open("", false);
      for (String raw : text.split("\n")) {
        String line = stripComment(raw).strip();
        if (line.isEmpty()) {
          continue;
        }
        Matcher header = HEADER.matcher(line);
        Matcher kv = KEY_VALUE.matcher(line);
        if (header.matches()) {
          current = toml.open(header.group(2), header.group(1).equals("[["));
        } else if (kv.matches()) {
          current.put(kv.group(1), value(kv.group(2).strip(), raw));
        } else {
          throw new IllegalArgumentException("not a TOML line this parser knows: " + raw);
        }
      }
      return toml;
    }

    private Map<String, Object> open(String name, boolean arrayElement) {
      List<Map<String, Object>> list = tables.computeIfAbsent(name, k -> new ArrayList<>());
      if (arrayElement || list.isEmpty()) {
        list.add(new LinkedHashMap<>());
      }
      return list.get(list.size() - 1);
    }

    /** The one table of that name ("" is the top level); empty if absent. */
    Map<String, Object> table(String name) {
      List<Map<String, Object>> list = tables.getOrDefault(name, List.of(Map.of()));
      assertThat(list).as("[%s] appears once", name).hasSize(1);
      return list.get(0);
    }

    /** Every element of an array of tables. */
    List<Map<String, Object>> tables(String name) {
      return tables.getOrDefault(name, List.of());
    }

    private static Object value(String text, String line) {
      if (text.startsWith("\"") && text.endsWith("\"") && text.length() >= 2) {
        return text.substring(1, text.length() - 1).replace("\\\"", "\"").replace("\\\\", "\\");
      }
      if (text.equals("true") || text.equals("false")) {
        return Boolean.valueOf(text);
      }
      if (text.matches("[+-]?\\d[\\d_]*")) {
        return Long.valueOf(text.replace("_", ""));
      }
      throw new IllegalArgumentException("not a string, integer or boolean: " + line);
    }

    private static String stripComment(String line) {
      boolean quoted = false;
      for (int i = 0; i < line.length(); i++) {
        char c = line.charAt(i);
        if (c == '"' && (i == 0 || line.charAt(i - 1) != '\\')) {
          quoted = !quoted;
        } else if (c == '#' && !quoted) {
          return line.substring(0, i);
        }
      }
      return line;
    }
  }

  /** A Dockerfile as instructions (continuation lines joined, comments dropped), split into stages at FROM. */
  static final class Dockerfile {

    private final List<List<String[]>> stages = new ArrayList<>();

    static Dockerfile parse(String text) {
      Dockerfile file = new Dockerfile();
      StringBuilder pending = new StringBuilder();
      for (String raw : text.split("\n")) {
        String line = raw.strip();
        if (pending.isEmpty() && (line.isEmpty() || line.startsWith("#"))) {
          continue;
        }
        if (line.endsWith("\\")) {
          pending.append(line, 0, line.length() - 1).append(' ');
          continue;
        }
        pending.append(line);
        file.add(pending.toString().strip());
        pending.setLength(0);
      }
      return file;
    }

    private void add(String instruction) {
      String[] parts = instruction.split("\\s+", 2);
      String keyword = parts[0].toUpperCase(Locale.ROOT);
      if (keyword.equals("FROM") || stages.isEmpty()) {
        stages.add(new ArrayList<>());
      }
      stages.get(stages.size() - 1).add(new String[] {keyword, parts.length > 1 ? parts[1].strip() : ""});
    }

    /** The arguments of every {@code keyword} instruction in the last stage, the one the image runs. */
    List<String> finalStage(String keyword) {
      return stages.get(stages.size() - 1).stream().filter(i -> i[0].equals(keyword)).map(i -> i[1]).toList();
    }
  }
}
