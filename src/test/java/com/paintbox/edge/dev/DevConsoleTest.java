package com.paintbox.edge.dev;

import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.EdgeMain;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@code --dev} speaks to a person on a terminal (a banner, text logs) and in JSON lines everywhere else, on a real
 * process whose terminal is decided by {@link DevConsole#TERMINAL_PROPERTY}, as a test's stdout is never one.
 */
class DevConsoleTest {

  /** Key generation, the emulator, the demo origin and the first fetch, on a busy machine. */
  private static final Duration START_BUDGET = Duration.ofSeconds(90);
  private static final Pattern JWT = Pattern.compile("eyJ[\\w-]+\\.[\\w-]+\\.[\\w-]+");

  @Test
  void isTerminal_overrideWins_elseNoConsoleMeansNoTerminal() {
    assertThat(DevConsole.isTerminal("true", null)).isTrue();
    assertThat(DevConsole.isTerminal("false", null)).isFalse();
    assertThat(DevConsole.isTerminal(null, null)).isFalse();
    assertThat(DevConsole.isTerminal(" ", null)).isFalse();
  }

  @Test
  void dev_onATerminal_printsABannerAndTextLogs() throws Exception {
    List<String> out = runDevUntil("true", line -> JWT.matcher(line).find());

    String banner = String.join("\n", out);
    assertThat(banner).contains("paintbox-edge --dev is listening")
        .containsPattern("public +http://127\\.0\\.0\\.1:\\d+")
        .containsPattern("admin +http://127\\.0\\.0\\.1:\\d+ +token [0-9a-f]{32}")
        .containsPattern("curl -si http://127\\.0\\.0\\.1:\\d+/\\.well-known/jwks\\.json")
        .contains("(demo origin)", "/blog/hello", "/account", "/echo", "Sample JWT (RS256, kid dev-");
    assertThat(out).filteredOn(line -> line.contains("paintbox-edge listening")).isNotEmpty()
        .allSatisfy(line -> assertThat(line).doesNotStartWith("{").contains("INFO"));
  }

  @Test
  void dev_notOnATerminal_keepsJsonLines() throws Exception {
    List<String> out = runDevUntil("false", line -> line.contains("\"jwt\""));

    assertThat(out).isNotEmpty().allSatisfy(line -> assertThat(new JsonObject(line).getString("level")).isNotNull());
    assertThat(out).noneMatch(line -> line.contains("is listening"));
  }

  /** Runs {@code java EdgeMain --dev} with the terminal decided by {@code terminal}; its stdout up to {@code last}. */
  private static List<String> runDevUntil(String terminal, Predicate<String> last) throws Exception {
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-D" + DevConsole.TERMINAL_PROPERTY + "=" + terminal, "-cp", System.getProperty("java.class.path"),
        EdgeMain.class.getName(), "--dev").redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("EDGE_") || k.startsWith("AWS_") || k.startsWith("FLY_")
        || k.startsWith("OTEL_"));
    builder.environment().put("EDGE_PORT", "0");
    builder.environment().put("EDGE_ADMIN_PORT", "0");
    Process process = builder.start();
    List<String> lines = new CopyOnWriteArrayList<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(),
          StandardCharsets.UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          lines.add(line);
        }
      } catch (java.io.IOException closed) {
        // the process ended
      }
    }, "dev-stdout");
    reader.start();
    try {
      long deadline = System.nanoTime() + START_BUDGET.toNanos();
      while (lines.stream().noneMatch(last) && process.isAlive() && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(lines).as("stdout of --dev").anyMatch(last);
      return List.copyOf(lines);
    } finally {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
      reader.join(5_000);
    }
  }
}
