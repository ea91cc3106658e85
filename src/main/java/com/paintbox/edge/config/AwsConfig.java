package com.paintbox.edge.config;

import java.time.Duration;
import java.util.Objects;

/**
 * The Secrets Manager client's settings. The endpoint and credentials are left to the SDK's own variables
 * ({@code AWS_ENDPOINT_URL_SECRETS_MANAGER}, {@code AWS_ACCESS_KEY_ID}, …), as the SDK documents them.
 *
 * @param region the AWS region of the secret's nearest replica, set explicitly so the SDK does not probe
 * @param attemptTimeout the longest one GetSecretValue attempt may take
 * @param maxAttempts attempts per call, the first included
 */
public record AwsConfig(String region, Duration attemptTimeout, int maxAttempts) {

  public AwsConfig {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(attemptTimeout, "attemptTimeout");
  }

  /** The whole call's budget: every attempt plus the SDK's short backoff between them. */
  public Duration callTimeout() {
    return attemptTimeout.multipliedBy(maxAttempts).plusSeconds(1);
  }
}
