package com.paintbox.edge.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.paintbox.edge.config.ConfigException;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** When tracing turns on, and how a value the SDK refuses is reported (exit 2, one line naming the variable). */
class TracingConfigureTest {

  private static final String ENDPOINT = "http://127.0.0.1:4318";

  @Test
  void enabled_noExporterNamed_isOff() {
    assertThat(TracingSettings.enabled(Map.of())).isFalse();
    assertThat(TracingSettings.enabled(Map.of("OTEL_SERVICE_NAME", "edge", "OTEL_TRACES_SAMPLER", "always_on"))).isFalse();
    assertThat(Tracing.configure(Map.of("OTEL_EXPORTER_OTLP_HEADERS", "x=y"))).isSameAs(Tracing.OFF);
  }

  @Test
  void enabled_anEndpointOrATracesExporter_isOn() {
    assertThat(TracingSettings.enabled(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", ENDPOINT))).isTrue();
    assertThat(TracingSettings.enabled(Map.of("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", ENDPOINT + "/v1/traces"))).isTrue();
    assertThat(TracingSettings.enabled(Map.of("OTEL_TRACES_EXPORTER", "otlp"))).isTrue();
  }

  @Test
  void enabled_tracesExporterNoneOrSdkDisabled_isOffWhateverTheEndpoint() {
    assertThat(TracingSettings.enabled(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", ENDPOINT, "OTEL_TRACES_EXPORTER", "none")))
        .isFalse();
    assertThat(TracingSettings.enabled(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", ENDPOINT, "OTEL_SDK_DISABLED", "true")))
        .isFalse();
    assertThat(TracingSettings.enabled(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", " "))).isFalse();
  }

  @Test
  void properties_operatorsValues_passThroughWithTheEdgesDefaultsAndMetricsAndLogsOff() {
    Map<String, String> properties = TracingSettings.properties(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", ENDPOINT,
        "OTEL_METRICS_EXPORTER", "otlp", "OTEL_TRACES_SAMPLER_ARG", "0.01", "EDGE_PORT", "8080"));
    assertThat(properties).containsEntry("otel.exporter.otlp.endpoint", ENDPOINT)
        .containsEntry("otel.traces.sampler.arg", "0.01")
        .containsEntry("otel.exporter.otlp.protocol", "http/protobuf")
        .containsEntry("otel.metrics.exporter", "none")
        .containsEntry("otel.logs.exporter", "none")
        .doesNotContainKey("edge.port");
  }

  @Test
  void configure_grpcProtocol_failsNamingTheVariable() {
    assertThatThrownBy(() -> Tracing.configure(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", ENDPOINT,
        "OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.key()).isEqualTo("OTEL_EXPORTER_OTLP_PROTOCOL");
          assertThat(e.getMessage()).contains("\"grpc\"", "http/protobuf");
        });
  }

  @Test
  void configure_samplerArgumentNotANumber_failsNamingTheVariable() {
    assertThatThrownBy(() -> Tracing.configure(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", ENDPOINT,
        "OTEL_TRACES_SAMPLER", "parentbased_traceidratio", "OTEL_TRACES_SAMPLER_ARG", "lots")))
        .isInstanceOfSatisfying(ConfigException.class, e -> {
          assertThat(e.key()).isEqualTo("OTEL_TRACES_SAMPLER_ARG");
          assertThat(e.getMessage()).contains("lots").doesNotContain("\n");
        });
  }

  @Test
  void variableIn_sdkMessage_isTheEnvironmentVariable() {
    assertThat(TracingSdk.variableIn("Invalid value for property otel.bsp.schedule.delay=x. Must be a duration."))
        .isEqualTo("OTEL_BSP_SCHEDULE_DELAY");
    assertThat(TracingSdk.variableIn("something else")).isEqualTo("OTEL_*");
  }
}
