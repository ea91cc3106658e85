package com.paintbox.edge.tracing;

import com.paintbox.edge.config.ConfigException;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Reads the {@code OTEL_*} variables that decide whether the edge traces at all, and hands the rest to the SDK's
 * autoconfigure module, which owns their meaning (endpoint, headers, sampler, resource, batch schedule, ...).
 *
 * <p>Tracing is on only when an exporter is named: {@code OTEL_EXPORTER_OTLP_ENDPOINT},
 * {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT}, or {@code OTEL_TRACES_EXPORTER} other than {@code none}; and
 * {@code OTEL_SDK_DISABLED} is not {@code true}. The SDK's own default (export to localhost:4318) would make every
 * machine without a collector retry a dead address forever. This class touches nothing of OpenTelemetry, so a
 * process that does not trace never loads it. The same keys as system properties ({@code -Dotel.…}) count too,
 * as the SDK reads those as well.
 */
final class TracingSettings {

  /** The only OTLP transport this build ships (the JDK sender); gRPC would need OkHttp or grpc-java. */
  static final String PROTOCOL = "http/protobuf";
  /** Prometheus stays the metrics path and the console the log path, whatever else is set. */
  static final Map<String, String> FORCED = Map.of("otel.metrics.exporter", "none", "otel.logs.exporter", "none");

  private TracingSettings() {}

  static boolean enabled(Map<String, String> env) {
    if ("true".equalsIgnoreCase(value(env, "OTEL_SDK_DISABLED"))) {
      return false;
    }
    String exporter = value(env, "OTEL_TRACES_EXPORTER");
    if (exporter != null) {
      return !exporter.trim().equalsIgnoreCase("none");
    }
    return value(env, "OTEL_EXPORTER_OTLP_ENDPOINT") != null || value(env, "OTEL_EXPORTER_OTLP_TRACES_ENDPOINT") != null;
  }

  /**
   * The SDK's properties from {@code env}: every {@code OTEL_*} variable as {@code otel.*}, plus the edge's
   * defaults where the operator set nothing. Fails on a protocol this build cannot speak, naming the key.
   */
  static Map<String, String> properties(Map<String, String> env) {
    for (String key : new String[] {"OTEL_EXPORTER_OTLP_PROTOCOL", "OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"}) {
      String protocol = value(env, key);
      if (protocol != null && !protocol.trim().equals(PROTOCOL)) {
        throw ConfigException.invalid(key, protocol, PROTOCOL + " (this build exports with the JDK's HTTP client only)");
      }
    }
    Map<String, String> properties = new HashMap<>();
    // Autoconfigure's Java default is grpc, which this build cannot send.
    properties.put("otel.exporter.otlp.protocol", PROTOCOL);
    env.forEach((key, value) -> {
      if (key.startsWith("OTEL_") && value != null) {
        properties.put(key.toLowerCase(Locale.ROOT).replace('_', '.'), value);
      }
    });
    properties.putAll(FORCED);
    return properties;
  }

  private static String value(Map<String, String> env, String key) {
    String value = env.get(key);
    if (value == null || value.isBlank()) {
      value = System.getProperty(key.toLowerCase(Locale.ROOT).replace('_', '.'));
    }
    return value == null || value.isBlank() ? null : value;
  }
}
