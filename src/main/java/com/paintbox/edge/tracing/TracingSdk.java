package com.paintbox.edge.tracing;

import com.paintbox.edge.config.ConfigException;
import com.paintbox.edge.jwks.JwksEvents;
import com.paintbox.edge.logging.TraceFields;
import com.paintbox.edge.secrets.KeySource;
import io.micrometer.core.instrument.Clock;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.AutoConfiguredOpenTelemetrySdk;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigProperties;
import io.opentelemetry.sdk.autoconfigure.spi.ConfigurationException;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.resources.ResourceBuilder;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.spi.tracing.VertxTracer;
import io.vertx.tracing.opentelemetry.OpenTelemetryTracingFactory;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * The OpenTelemetry SDK of an enabled {@link Tracing}: built once by autoconfigure from the {@code OTEL_*}
 * variables, with the edge's defaults (OTLP over HTTP/protobuf, metrics and logs exporters off, the resource below),
 * and the pieces that share it: the Vert.x tracer, the JWKS fetch spans, the AWS call spans, the exemplar lookup and
 * the log fields.
 *
 * <p>Resource attributes, where the operator's {@code OTEL_SERVICE_NAME} / {@code OTEL_RESOURCE_ATTRIBUTES} did
 * not set them (semantic conventions 1.x names): {@code service.name} = {@code paintbox-edge}; {@code service.version}
 * = the jar's version; {@code cloud.region} = {@code FLY_REGION}; {@code host.id} = {@code FLY_MACHINE_ID} (a Fly
 * machine is a VM, and its id is what {@code host.id} means for a cloud instance).
 */
final class TracingSdk {

  private static final Logger log = LoggerFactory.getLogger(TracingSdk.class);
  static final String SERVICE_NAME = "paintbox-edge";
  /** What the instrumentation scope of every edge span is called. */
  static final String SCOPE = "com.paintbox.edge";
  /**
   * Longest a closing edge waits for queued spans to leave, in seconds: a healthy collector takes the last batch in
   * well under that, and an unreachable one (whose exporter retries for longer) must not eat into the margin
   * fly.toml's kill_timeout leaves after the drain.
   */
  private static final long SHUTDOWN_SECONDS = 2;
  private static final Pattern PROPERTY = Pattern.compile("otel(\\.[a-z0-9_-]+)+");

  private final OpenTelemetrySdk sdk;
  private final Tracer tracer;
  private final JwksFetchSpans fetches;
  private final AwsCallSpans awsSpans;
  private final String description;

  private TracingSdk(OpenTelemetrySdk sdk, String description) {
    this.sdk = sdk;
    this.tracer = sdk.getTracer(SCOPE);
    this.fetches = new JwksFetchSpans(tracer);
    this.awsSpans = new AwsCallSpans(tracer, fetches);
    this.description = description;
  }

  static TracingSdk start(Map<String, String> env) {
    Map<String, String> properties = TracingSettings.properties(env);
    SdkLogs.install();
    AutoConfiguredOpenTelemetrySdk built;
    try {
      built = AutoConfiguredOpenTelemetrySdk.builder()
          .addPropertiesSupplier(() -> properties)
          .addPropertiesCustomizer(config -> TracingSettings.FORCED)
          .addResourceCustomizer((resource, config) -> resource(resource, config, env))
          // Vert.x's close flushes and shuts the SDK down (EdgeTracer.close), mirroring how it was started.
          .disableShutdownHook()
          .build();
    } catch (ConfigurationException e) {
      throw ConfigException.invalid(variableIn(e.getMessage()), e.getMessage(), "a value the OpenTelemetry SDK accepts");
    }
    OpenTelemetrySdk sdk = built.getOpenTelemetrySdk();
    String description = describe(properties, sdk);
    TraceFields.install(TracingSdk::currentIds);
    ServerSpans.enable();
    log.atInfo().addKeyValue("tracing", description).log("tracing on");
    return new TracingSdk(sdk, description);
  }

  /** The variable a message of the SDK's names (it says {@code otel.traces.sampler}), as it is set. */
  static String variableIn(String message) {
    Matcher property = PROPERTY.matcher(message == null ? "" : message);
    return property.find() ? property.group().toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_') : "OTEL_*";
  }

  /** The edge's resource under the operator's: anything set through OTEL_* wins. */
  private static Resource resource(Resource configured, ConfigProperties config, Map<String, String> env) {
    ResourceBuilder edge = Resource.builder();
    boolean namedByOperator = config.getString("otel.service.name") != null
        || config.getMap("otel.resource.attributes").containsKey("service.name");
    edge.put("service.name", SERVICE_NAME);
    String version = TracingSdk.class.getPackage().getImplementationVersion();
    edge.put("service.version", version == null ? "dev" : version);
    putIfSet(edge, "cloud.region", env.get("FLY_REGION"));
    putIfSet(edge, "host.id", env.get("FLY_MACHINE_ID"));
    Resource merged = edge.build().merge(configured);
    return namedByOperator ? merged
        : merged.merge(Resource.create(io.opentelemetry.api.common.Attributes.of(
            AttributeKey.stringKey("service.name"), SERVICE_NAME)));
  }

  private static void putIfSet(ResourceBuilder resource, String key, String value) {
    if (value != null && !value.isBlank()) {
      resource.put(key, value);
    }
  }

  private static String describe(Map<String, String> properties, OpenTelemetrySdk sdk) {
    String endpoint = properties.getOrDefault("otel.exporter.otlp.traces.endpoint",
        properties.getOrDefault("otel.exporter.otlp.endpoint", "(default)"));
    return "exporter=" + properties.getOrDefault("otel.traces.exporter", "otlp") + " endpoint=" + endpoint
        + " sampler=" + sdk.getSdkTracerProvider().getSampler().getDescription();
  }

  /** The Vert.x tracer: vertx-opentelemetry's, with the edge's naming, attributes and context rules around it. */
  @SuppressWarnings("unchecked")
  VertxTracer<?, ?> tracer(Tracing tracing) {
    VertxTracer<io.vertx.tracing.opentelemetry.Operation, io.vertx.tracing.opentelemetry.Operation> otel =
        (VertxTracer<io.vertx.tracing.opentelemetry.Operation, io.vertx.tracing.opentelemetry.Operation>)
            new OpenTelemetryTracingFactory(sdk).tracer(null);
    return new EdgeTracer(tracing, this, otel);
  }

  PrometheusMeterRegistry newMeterRegistry() {
    return new PrometheusMeterRegistry(PrometheusConfig.DEFAULT, new PrometheusRegistry(), Clock.SYSTEM,
        new ExemplarSpans());
  }

  KeySource keySource(KeySource source) {
    return fetches.wrap(source);
  }

  JwksEvents jwksEvents() {
    return fetches;
  }

  ExecutionInterceptor awsSpans() {
    return awsSpans;
  }

  JwksFetchSpans fetches() {
    return fetches;
  }

  TextMapPropagator propagator() {
    return sdk.getPropagators().getTextMapPropagator();
  }

  /** Flushes what is queued and stops the exporter, waiting at most {@link #SHUTDOWN_SECONDS}. */
  void close() {
    CompletableResultCode done = sdk.shutdown().join(SHUTDOWN_SECONDS, TimeUnit.SECONDS);
    if (!done.isSuccess()) {
      log.warn("tracing: spans still queued after {} s were dropped at shutdown", SHUTDOWN_SECONDS);
    }
  }

  private static String[] currentIds() {
    SpanContext span = Span.current().getSpanContext();
    return span.isValid() ? new String[] {span.getTraceId(), span.getSpanId()} : null;
  }

  @Override
  public String toString() {
    return description;
  }
}
