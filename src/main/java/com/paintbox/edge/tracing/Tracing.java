package com.paintbox.edge.tracing;

import com.paintbox.edge.jwks.JwksEvents;
import com.paintbox.edge.secrets.KeySource;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import io.vertx.core.VertxBuilder;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.spi.tracing.VertxTracer;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;

/**
 * Whether this process traces, and what the start-up wiring asks of tracing. {@link #OFF} unless an OTLP endpoint
 * or a traces exporter is configured ({@link TracingSettings}); off, every method hands back what the edge would
 * use without tracing, and nothing of the OpenTelemetry SDK is loaded: the SDK lives behind {@link TracingSdk},
 * which only an enabled instance refers to.
 *
 * <p>One per Vert.x: {@link #configure} builds the SDK, {@link #install} puts its tracer into the Vert.x being
 * built, and the tracer closes the SDK (flushing what is queued, bounded) when that Vert.x closes. Code that has
 * the Vert.x but not this object finds it with {@link #of(Vertx)}.
 */
public final class Tracing {

  public static final Tracing OFF = new Tracing(null);

  private final TracingSdk sdk;

  private Tracing(TracingSdk sdk) {
    this.sdk = sdk;
  }

  /**
   * Reads the {@code OTEL_*} variables of {@code env} and, when they name an exporter, builds the SDK.
   *
   * @throws com.paintbox.edge.config.ConfigException naming the variable when the SDK refuses a value
   */
  public static Tracing configure(Map<String, String> env) {
    Objects.requireNonNull(env, "env");
    return TracingSettings.enabled(env) ? new Tracing(TracingSdk.start(env)) : OFF;
  }

  /** The tracing {@code vertx} was built with, or {@link #OFF}. */
  public static Tracing of(Vertx vertx) {
    Objects.requireNonNull(vertx, "vertx");
    VertxTracer<?, ?> tracer = ((VertxInternal) vertx).tracer();
    if (tracer == null) {
      return OFF; // checked first, so a process without tracing never loads EdgeTracer
    }
    return tracer instanceof EdgeTracer edge ? edge.tracing() : OFF;
  }

  public boolean enabled() {
    return sdk != null;
  }

  /** The metrics registry; with tracing on, its histograms keep exemplars naming the current trace. */
  public PrometheusMeterRegistry newMeterRegistry() {
    return sdk == null ? new PrometheusMeterRegistry(PrometheusConfig.DEFAULT) : sdk.newMeterRegistry();
  }

  /** Adds the tracer to a Vert.x being built; it owns the SDK from then on and closes it with that Vert.x. */
  public VertxBuilder install(VertxBuilder builder) {
    return sdk == null ? builder : builder.withTracer(options -> sdk.tracer(this));
  }

  /** A span per AWS SDK call, for the Secrets Manager client. */
  public List<ExecutionInterceptor> awsInterceptors() {
    return sdk == null ? List.of() : List.of(sdk.awsSpans());
  }

  /** {@code source} with a span per JWKS fetch, the parent of that fetch's AWS calls. */
  public KeySource keySource(KeySource source) {
    return sdk == null ? source : sdk.keySource(source);
  }

  /** What the JWKS fetch spans need to hear from the cache: which window it is in. */
  public JwksEvents jwksEvents() {
    return sdk == null ? JwksEvents.NONE : sdk.jwksEvents();
  }

  @Override
  public String toString() {
    return sdk == null ? "tracing off" : "tracing on: " + sdk;
  }
}
