package com.paintbox.edge.tracing;

import io.opentelemetry.api.common.AttributeKey;
import java.util.List;

/**
 * Every span attribute the edge sets, in one place. Standard names are OpenTelemetry's semantic conventions; the
 * edge's own start with {@code edge.}.
 */
final class SpanAttributes {

  // HTTP (semantic conventions: http spans)
  static final AttributeKey<String> HTTP_ROUTE = AttributeKey.stringKey("http.route");
  static final AttributeKey<List<String>> CACHE_STATUS_HEADER = AttributeKey.stringArrayKey("http.response.header.cache-status");
  static final AttributeKey<Long> HTTP_STATUS = AttributeKey.longKey("http.response.status_code");
  /**
   * How the edge's own {@code Cache-Status} member answered: {@code hit}, {@code stale} (a hit past freshness), or
   * the {@code fwd} reason ({@code miss}, {@code uri-miss}, {@code stale}, {@code bypass}, ...), or {@code none}.
   */
  static final AttributeKey<String> CACHE_OUTCOME = AttributeKey.stringKey("edge.cache.outcome");
  /** True when the request waited on a fetch another request (or the timer) started. */
  static final AttributeKey<Boolean> CACHE_COLLAPSED = AttributeKey.booleanKey("edge.cache.collapsed");
  static final AttributeKey<String> CACHE_DETAIL = AttributeKey.stringKey("edge.cache.detail");

  // JWKS fetches
  /** {@code request} when a waiting request started the fetch, else {@code background}. */
  static final AttributeKey<String> JWKS_TRIGGER = AttributeKey.stringKey("edge.jwks.trigger");
  static final AttributeKey<Long> JWKS_KEYS = AttributeKey.longKey("edge.jwks.keys");
  static final AttributeKey<String> JWKS_ERROR_TYPE = AttributeKey.stringKey("edge.jwks.error_type");

  // AWS SDK calls (semantic conventions: aws-sdk spans)
  static final AttributeKey<String> RPC_SYSTEM = AttributeKey.stringKey("rpc.system");
  static final AttributeKey<String> RPC_SERVICE = AttributeKey.stringKey("rpc.service");
  static final AttributeKey<String> RPC_METHOD = AttributeKey.stringKey("rpc.method");
  static final AttributeKey<String> AWS_REQUEST_ID = AttributeKey.stringKey("aws.request_id");
  static final AttributeKey<String> CLOUD_REGION = AttributeKey.stringKey("cloud.region");
  static final AttributeKey<String> SECRET_ID = AttributeKey.stringKey("edge.aws.secret_id");
  static final AttributeKey<String> VERSION_STAGE = AttributeKey.stringKey("edge.aws.version_stage");
  static final AttributeKey<Long> AWS_ATTEMPTS = AttributeKey.longKey("edge.aws.attempts");

  private SpanAttributes() {}
}
