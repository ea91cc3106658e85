package com.paintbox.edge;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The process-level contract: a wrong config exits 2 with one line naming the key. */
class EdgeMainExitTest {

  @Test
  void main_badConfiguration_exitsTwoWithOneLineNamingTheKey() throws Exception {
    ProcessBuilder builder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), EdgeMain.class.getName())
        .redirectErrorStream(true);
    // Hermetic: whatever the surrounding shell exports for the edge, the AWS SDK or Fly must not leak in.
    builder.environment().keySet().removeIf(k -> k.startsWith("EDGE_") || k.startsWith("AWS_") || k.startsWith("FLY_")
        || k.startsWith("OTEL_"));
    builder.environment().put("EDGE_JWKS_SWR_SECONDS", "soon");
    Process process = builder.start();

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();

    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(lines).singleElement().asString()
        .contains("EDGE_JWKS_SWR_SECONDS=\\\"soon\\\": expected an integer from 0 to 31536000")
        .contains("\"key\":\"EDGE_JWKS_SWR_SECONDS\"");
  }

  @Test
  void main_otelValueTheSdkCannotUse_exitsTwoWithOneLineNamingTheVariable() throws Exception {
    ProcessBuilder builder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), EdgeMain.class.getName())
        .redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("EDGE_") || k.startsWith("AWS_") || k.startsWith("FLY_")
        || k.startsWith("OTEL_"));
    builder.environment().put("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317");
    builder.environment().put("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
    Process process = builder.start();

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    List<String> lines = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).lines().toList();

    assertThat(process.exitValue()).isEqualTo(2);
    assertThat(lines).singleElement().asString()
        .contains("OTEL_EXPORTER_OTLP_PROTOCOL=\\\"grpc\\\": expected http/protobuf")
        .contains("\"key\":\"OTEL_EXPORTER_OTLP_PROTOCOL\"");
  }

  @Test
  void main_unknownArgument_exitsTwo() throws Exception {
    ProcessBuilder builder = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-cp", System.getProperty("java.class.path"), EdgeMain.class.getName(), "--prod")
        .redirectErrorStream(true);
    builder.environment().keySet().removeIf(k -> k.startsWith("EDGE_"));
    Process process = builder.start();

    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).isEqualTo(2);
  }
}
