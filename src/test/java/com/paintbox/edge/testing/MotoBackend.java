package com.paintbox.edge.testing;

import com.paintbox.edge.config.AwsConfig;
import com.paintbox.edge.secrets.SecretsClients;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.TimeUnit;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerAsyncClient;

/**
 * moto_server on loopback: an independent implementation of the Secrets Manager wire protocol, so our emulator is
 * not the only peer the SDK client is tested against. Started per test class, killed with it.
 */
public final class MotoBackend implements SecretsBackend {

  public static final StaticCredentialsProvider CREDENTIALS =
      StaticCredentialsProvider.create(AwsBasicCredentials.create("testing", "testing"));
  private static final Duration STARTUP = Duration.ofSeconds(30);

  private final Process process;
  private final URI endpoint;
  private final SecretsManagerAsyncClient client;

  private MotoBackend(Process process, URI endpoint) {
    this.process = process;
    this.endpoint = endpoint;
    this.client = SecretsClients.create(new AwsConfig("us-east-1", Duration.ofSeconds(5), 1),
        Optional.of(endpoint), Optional.of(CREDENTIALS));
  }

  /** The moto_server executable on PATH, if installed. */
  public static Optional<Path> executable() {
    return Arrays.stream(System.getenv().getOrDefault("PATH", "").split(":"))
        .map(dir -> Path.of(dir, "moto_server"))
        .filter(Files::isExecutable)
        .findFirst();
  }

  public static MotoBackend start() throws IOException, InterruptedException {
    int port;
    try (ServerSocket socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    Process process = new ProcessBuilder(executable().orElseThrow().toString(), "-H", "127.0.0.1", "-p", Integer.toString(port))
        .redirectErrorStream(true)
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .start();
    long deadline = System.nanoTime() + STARTUP.toNanos();
    while (System.nanoTime() < deadline) {
      try (Socket probe = new Socket("127.0.0.1", port)) {
        return new MotoBackend(process, URI.create("http://127.0.0.1:" + port));
      } catch (IOException notYet) {
        if (!process.isAlive()) {
          throw new IOException("moto_server exited with " + process.exitValue());
        }
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
    process.destroyForcibly();
    throw new IOException("moto_server did not listen within " + STARTUP);
  }

  @Override
  public URI endpoint() {
    return endpoint;
  }

  @Override
  public void create(String name, String value) {
    client.createSecret(b -> b.name(name).secretString(value)).join();
  }

  @Override
  public String put(String name, String value, String... stages) {
    return client.putSecretValue(b -> {
      b.secretId(name).secretString(value);
      if (stages.length > 0) {
        b.versionStages(stages);
      }
    }).join().versionId();
  }

  @Override
  public OptionalInt calls(String stage) {
    return OptionalInt.empty();
  }

  @Override
  public void close() {
    client.close();
    process.destroy();
    try {
      if (!process.waitFor(5, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
