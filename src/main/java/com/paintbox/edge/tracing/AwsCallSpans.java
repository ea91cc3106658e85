package com.paintbox.edge.tracing;

import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.util.concurrent.atomic.AtomicInteger;
import software.amazon.awssdk.awscore.AwsExecutionAttribute;
import software.amazon.awssdk.awscore.AwsResponse;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.interceptor.Context.AfterExecution;
import software.amazon.awssdk.core.interceptor.Context.BeforeExecution;
import software.amazon.awssdk.core.interceptor.Context.BeforeTransmission;
import software.amazon.awssdk.core.interceptor.Context.FailedExecution;
import software.amazon.awssdk.core.interceptor.ExecutionAttribute;
import software.amazon.awssdk.core.interceptor.ExecutionAttributes;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.core.interceptor.SdkExecutionAttribute;
import software.amazon.awssdk.http.SdkHttpResponse;
import software.amazon.awssdk.regions.Region;

/**
 * A client span per AWS SDK call ({@code SecretsManager/GetSecretValue}), from the call's start to its last
 * attempt's end, named and attributed as the semantic conventions name AWS SDK spans ({@code rpc.system=aws-api},
 * {@code rpc.service}, {@code rpc.method}, {@code aws.request_id}, {@code cloud.region}) plus the secret's name, the
 * version stage and the number of attempts. Never the secret's value: nothing of the response body is read.
 *
 * <p>Parent: the JWKS fetch in flight ({@link JwksFetchSpans#inFlight()}, whose note says why not the thread's
 * context), else the thread's context. Nothing is injected into the request: AWS does not read {@code traceparent}.
 * The SDK calls these hooks on its own threads, one call's hooks in order; the span rides in the call's
 * {@link ExecutionAttributes}.
 */
final class AwsCallSpans implements ExecutionInterceptor {

  private static final ExecutionAttribute<Span> SPAN = new ExecutionAttribute<>("paintbox-edge.span");
  private static final ExecutionAttribute<AtomicInteger> ATTEMPTS = new ExecutionAttribute<>("paintbox-edge.attempts");

  private final Tracer tracer;
  private final JwksFetchSpans fetches;

  AwsCallSpans(Tracer tracer, JwksFetchSpans fetches) {
    this.tracer = tracer;
    this.fetches = fetches;
  }

  @Override
  public void beforeExecution(BeforeExecution call, ExecutionAttributes attributes) {
    Context fetch = fetches.inFlight();
    String service = attributes.getAttribute(SdkExecutionAttribute.SERVICE_NAME);
    String operation = attributes.getAttribute(SdkExecutionAttribute.OPERATION_NAME);
    var builder = tracer.spanBuilder(service + "/" + operation)
        .setSpanKind(SpanKind.CLIENT)
        .setParent(fetch != null ? fetch : Context.current())
        .setAttribute(SpanAttributes.RPC_SYSTEM, "aws-api")
        .setAttribute(SpanAttributes.RPC_SERVICE, service)
        .setAttribute(SpanAttributes.RPC_METHOD, operation);
    Region region = attributes.getAttribute(AwsExecutionAttribute.AWS_REGION);
    if (region != null) {
      builder.setAttribute(SpanAttributes.CLOUD_REGION, region.id());
    }
    call.request().getValueForField("SecretId", String.class)
        .ifPresent(id -> builder.setAttribute(SpanAttributes.SECRET_ID, id));
    call.request().getValueForField("VersionStage", String.class)
        .ifPresent(stage -> builder.setAttribute(SpanAttributes.VERSION_STAGE, stage));
    attributes.putAttribute(SPAN, builder.startSpan());
    attributes.putAttribute(ATTEMPTS, new AtomicInteger());
  }

  @Override
  public void beforeTransmission(BeforeTransmission call, ExecutionAttributes attributes) {
    AtomicInteger attempts = attributes.getAttribute(ATTEMPTS);
    if (attempts != null) {
      attempts.incrementAndGet();
    }
  }

  @Override
  public void afterExecution(AfterExecution call, ExecutionAttributes attributes) {
    Span span = attributes.getAttribute(SPAN);
    if (span == null) {
      return;
    }
    status(span, call.httpResponse());
    if (call.response() instanceof AwsResponse response && response.responseMetadata() != null) {
      span.setAttribute(SpanAttributes.AWS_REQUEST_ID, response.responseMetadata().requestId());
    }
    end(span, attributes);
  }

  @Override
  public void onExecutionFailure(FailedExecution call, ExecutionAttributes attributes) {
    Span span = attributes.getAttribute(SPAN);
    if (span == null) {
      return;
    }
    call.httpResponse().ifPresent(response -> status(span, response));
    Throwable failure = call.exception();
    if (failure instanceof AwsServiceException service && service.requestId() != null) {
      span.setAttribute(SpanAttributes.AWS_REQUEST_ID, service.requestId());
    }
    // The type and message name the error (throttling, access denied, timeout); AWS never puts secret values there.
    span.setStatus(StatusCode.ERROR, failure.getClass().getSimpleName() + ": " + failure.getMessage());
    end(span, attributes);
  }

  private static void status(Span span, SdkHttpResponse response) {
    span.setAttribute(SpanAttributes.HTTP_STATUS, (long) response.statusCode());
  }

  private static void end(Span span, ExecutionAttributes attributes) {
    AtomicInteger attempts = attributes.getAttribute(ATTEMPTS);
    if (attempts != null) {
      span.setAttribute(SpanAttributes.AWS_ATTEMPTS, (long) attempts.get());
    }
    span.end();
  }
}
