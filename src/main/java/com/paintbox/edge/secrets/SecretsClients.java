package com.paintbox.edge.secrets;

import com.paintbox.edge.config.AwsConfig;
import java.net.URI;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;
import software.amazon.awssdk.auth.credentials.DefaultCredentialsProvider;
import software.amazon.awssdk.auth.credentials.EnvironmentVariableCredentialsProvider;
import software.amazon.awssdk.awscore.retry.AwsRetryStrategy;
import software.amazon.awssdk.core.client.config.SdkAdvancedAsyncClientOption;
import software.amazon.awssdk.core.interceptor.ExecutionInterceptor;
import software.amazon.awssdk.http.nio.netty.NettyNioAsyncHttpClient;
import software.amazon.awssdk.http.nio.netty.SdkEventLoopGroup;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerAsyncClient;

/**
 * Builds the process's one Secrets Manager client. Everything the SDK would otherwise discover is set here, so
 * creating the client does not probe the environment, profiles or instance metadata.
 */
public final class SecretsClients {

  /** GetSecretValue is rare (three calls per refresh), so one I/O thread and a small pool are plenty. */
  private static final int IO_THREADS = 1;
  private static final int MAX_CONNECTIONS = 8;
  private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);
  /** Longer than a refresh interval would be better still, but AWS closes idle connections itself near here. */
  private static final Duration MAX_IDLE = Duration.ofSeconds(60);

  private SecretsClients() {}

  /**
   * @param endpoint an explicit endpoint (the --dev emulator); when empty the SDK honours
   *     {@code AWS_ENDPOINT_URL_SECRETS_MANAGER} and {@code AWS_ENDPOINT_URL} itself
   * @param credentials explicit credentials; when empty, the environment's keys if set, else the SDK's chain
   */
  public static SecretsManagerAsyncClient create(AwsConfig aws, Optional<URI> endpoint,
      Optional<AwsCredentialsProvider> credentials) {
    return create(aws, endpoint, credentials, List.of());
  }

  /** As above, with {@code interceptors} around every call (tracing hook: a span per call when tracing is on). */
  public static SecretsManagerAsyncClient create(AwsConfig aws, Optional<URI> endpoint,
      Optional<AwsCredentialsProvider> credentials, List<ExecutionInterceptor> interceptors) {
    Objects.requireNonNull(aws, "aws");
    Objects.requireNonNull(endpoint, "endpoint");
    Objects.requireNonNull(credentials, "credentials");
    Objects.requireNonNull(interceptors, "interceptors");
    var builder = SecretsManagerAsyncClient.builder()
        .region(Region.of(aws.region()))
        .credentialsProvider(credentials.orElseGet(SecretsClients::defaultCredentials))
        .httpClientBuilder(NettyNioAsyncHttpClient.builder()
            .eventLoopGroup(SdkEventLoopGroup.builder().numberOfThreads(IO_THREADS).build())
            .maxConcurrency(MAX_CONNECTIONS)
            .connectionTimeout(CONNECT_TIMEOUT)
            .connectionMaxIdleTime(MAX_IDLE)
            .tcpKeepAlive(true))
        .overrideConfiguration(o -> o
            .apiCallAttemptTimeout(aws.attemptTimeout())
            .apiCallTimeout(aws.callTimeout())
            .retryStrategy(AwsRetryStrategy.standardRetryStrategy().toBuilder().maxAttempts(aws.maxAttempts()).build())
            .executionInterceptors(interceptors))
        // Our continuations are short (parse a few keys) and never block, so they run on the SDK's I/O thread
        // instead of a completion pool of their own.
        .asyncConfiguration(a -> a.advancedOption(SdkAdvancedAsyncClientOption.FUTURE_COMPLETION_EXECUTOR, Runnable::run));
    endpoint.ifPresent(builder::endpointOverride);
    return builder.build();
  }

  private static AwsCredentialsProvider defaultCredentials() {
    boolean inEnvironment = System.getenv("AWS_ACCESS_KEY_ID") != null && System.getenv("AWS_SECRET_ACCESS_KEY") != null;
    return inEnvironment ? EnvironmentVariableCredentialsProvider.create() : DefaultCredentialsProvider.builder().build();
  }
}
