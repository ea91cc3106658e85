package com.paintbox.edge.testing;

import com.paintbox.edge.dev.SecretsManagerEmulator;
import io.vertx.core.Vertx;
import java.net.URI;
import java.util.OptionalInt;

/** The in-process emulator, with its fault switches and call counters. */
public final class EmulatorBackend implements SecretsBackend {

  private final SecretsManagerEmulator emulator;

  public EmulatorBackend(Vertx vertx) {
    this.emulator = new SecretsManagerEmulator(vertx).start().await();
  }

  public SecretsManagerEmulator emulator() {
    return emulator;
  }

  @Override
  public URI endpoint() {
    return emulator.endpoint();
  }

  @Override
  public void create(String name, String value) {
    emulator.secrets().create(name, value);
  }

  @Override
  public String put(String name, String value, String... stages) {
    return emulator.secrets().put(name, value, stages);
  }

  @Override
  public OptionalInt calls(String stage) {
    return OptionalInt.of(emulator.getSecretValueCalls(stage));
  }

  @Override
  public void close() {
    emulator.close().await();
  }
}
