package com.paintbox.edge.testing;

import java.net.URI;
import java.util.OptionalInt;

/** A Secrets Manager the edge can be pointed at in tests: our emulator, or moto_server as an independent peer. */
public interface SecretsBackend extends AutoCloseable {

  URI endpoint();

  /** Creates {@code name} holding {@code value} as AWSCURRENT. */
  void create(String name, String value);

  /** Adds a version; AWSCURRENT (moving the old one to AWSPREVIOUS) when no stage is given. Returns its id. */
  String put(String name, String value, String... stages);

  /** GetSecretValue calls seen for {@code stage}, when the backend can count them. */
  OptionalInt calls(String stage);

  @Override
  void close();
}
