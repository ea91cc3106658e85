package com.paintbox.edge.jwks;

import static org.assertj.core.api.Assumptions.assumeThat;

import com.paintbox.edge.testing.MotoBackend;
import com.paintbox.edge.testing.SecretsBackend;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.junit.jupiter.api.BeforeAll;

/**
 * The same black-box checks against moto_server, an independent implementation of the protocol. Skipped only
 * where moto_server is not installed and PAINTBOX_REQUIRE_MOTO is unset; CI sets it, so there a missing moto fails.
 */
class MotoBlackBoxTest extends SecretsManagerBlackBox {

  @BeforeAll
  static void requireMoto() {
    boolean required = System.getenv("PAINTBOX_REQUIRE_MOTO") != null;
    if (required && MotoBackend.executable().isEmpty()) {
      throw new IllegalStateException("PAINTBOX_REQUIRE_MOTO is set but moto_server is not on PATH");
    }
    assumeThat(MotoBackend.executable()).as("moto_server on PATH").isPresent();
  }

  @Override
  SecretsBackend backend() {
    try {
      return MotoBackend.start();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
