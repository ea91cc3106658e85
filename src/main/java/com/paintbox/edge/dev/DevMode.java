package com.paintbox.edge.dev;

import com.paintbox.edge.config.EdgeConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.net.URI;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.LocalDate;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;

/**
 * {@code --dev}: everything an AWS account and a Paintbox deployment would provide, on loopback. The embedded
 * Secrets Manager holds freshly generated signing keys as private JWKs, exactly as production would, and the real
 * SDK client talks to it; a demo origin stands in for Paintbox unless {@code EDGE_ORIGIN_URL} is set.
 */
public final class DevMode {

  private static final Logger log = LoggerFactory.getLogger(DevMode.class);
  static final String DEFAULT_SECRET_ID = "paintbox/jwks";
  private static final String ISSUER = "https://paintbox.dev.local";
  private static final Duration SAMPLE_TOKEN_LIFETIME = Duration.ofHours(1);

  private final SecretsManagerEmulator secrets;
  private final Optional<DemoOrigin> origin;
  private final DevKeys keys;
  private final Map<String, String> env;

  private DevMode(SecretsManagerEmulator secrets, Optional<DemoOrigin> origin, DevKeys keys, Map<String, String> env) {
    this.secrets = secrets;
    this.origin = origin;
    this.keys = keys;
    this.env = env;
  }

  /** Starts the emulator (seeded) and, when no origin is configured, the demo origin. */
  public static Future<DevMode> start(Vertx vertx, Map<String, String> environment) {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(environment, "environment");
    Map<String, String> env = new HashMap<>(environment);
    String secretId = env.computeIfAbsent("EDGE_JWKS_SECRET_ID", k -> DEFAULT_SECRET_ID);
    env.computeIfAbsent("EDGE_ADMIN_TOKEN", k -> HexFormat.of().formatHex(new SecureRandom().generateSeed(16)));
    boolean needsOrigin = env.get("EDGE_ORIGIN_URL") == null || env.get("EDGE_ORIGIN_URL").isBlank();
    Future<DevKeys> keys = vertx.executeBlocking(() -> DevKeys.generate("dev-" + LocalDate.now()), false);
    SecretsManagerEmulator emulator = new SecretsManagerEmulator(vertx);
    Future<Optional<DemoOrigin>> demo = needsOrigin
        ? new DemoOrigin(vertx).start().map(Optional::of)
        : Future.succeededFuture(Optional.empty());
    return Future.all(keys, emulator.start(), demo).map(all -> {
      emulator.secrets().create(secretId, keys.result().privateJwks());
      demo.result().ifPresent(o -> env.put("EDGE_ORIGIN_URL", o.url().toString()));
      return new DevMode(emulator, demo.result(), keys.result(), env);
    });
  }

  /** The environment layer with the dev settings added (operator-set values win). */
  public Map<String, String> env() {
    return env;
  }

  public URI secretsEndpoint() {
    return secrets.endpoint();
  }

  public StaticCredentialsProvider credentials() {
    return StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIDEVEDGE000000", "dev-secret-access-key"));
  }

  public SecretsManagerEmulator secrets() {
    return secrets;
  }

  /**
   * Tells the user where everything is and hands them a token to verify against the served JWKS: a banner when
   * {@code terminal} is present (a person is watching), else JSON lines, which deploy/lib.sh reads the URLs from.
   *
   * @param publicPort the public port actually bound; {@code adminPort} likewise
   */
  public void announce(EdgeConfig config, int publicPort, int adminPort, Optional<PrintStream> terminal) {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(terminal, "terminal");
    URI base = URI.create("http://" + DevBanner.reachableHost(config.bind()) + ":" + publicPort);
    String jwt = keys.sampleJwt(ISSUER, SAMPLE_TOKEN_LIFETIME);
    if (terminal.isPresent()) {
      URI admin = URI.create("http://" + DevBanner.reachableHost(config.admin().bind()) + ":" + adminPort);
      terminal.get().print(new DevBanner(base, admin, env.get("EDGE_ADMIN_TOKEN"),
          DevBanner.origin(origin, env.get("EDGE_ORIGIN_URL")), origin.isPresent(), secrets.endpoint(),
          keys.rsa().getKeyID(), jwt).render());
      terminal.get().flush();
      return;
    }
    log.atInfo().addKeyValue("jwks", base + "/.well-known/jwks.json")
        .addKeyValue("health", base + "/_edge/health")
        .addKeyValue("ready", base + "/_edge/ready")
        .addKeyValue("origin", origin.map(o -> o.url().toString()).orElse(env.get("EDGE_ORIGIN_URL")))
        .addKeyValue("secrets_manager", secrets.endpoint().toString())
        .addKeyValue("admin_token", env.get("EDGE_ADMIN_TOKEN"))
        .log("dev mode: embedded Secrets Manager seeded with private JWKs " + keys.rsa().getKeyID() + ", "
            + keys.ec().getKeyID());
    log.atInfo().addKeyValue("kid", keys.rsa().getKeyID()).addKeyValue("jwt", jwt)
        .log("dev mode: sample JWT (RS256), verify it against " + base + "/.well-known/jwks.json");
  }

  public Future<Void> close() {
    return Future.join(secrets.close(), origin.map(DemoOrigin::close).orElse(Future.succeededFuture())).mapEmpty();
  }
}
