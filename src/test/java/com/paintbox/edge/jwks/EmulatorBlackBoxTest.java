package com.paintbox.edge.jwks;

import com.paintbox.edge.testing.EmulatorBackend;
import com.paintbox.edge.testing.SecretsBackend;
import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/** The black-box checks against our own AWS JSON 1.1 emulator, which also counts calls per stage. */
class EmulatorBlackBoxTest extends SecretsManagerBlackBox {

  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close().await();
  }

  @Override
  SecretsBackend backend() {
    return new EmulatorBackend(vertx);
  }
}
