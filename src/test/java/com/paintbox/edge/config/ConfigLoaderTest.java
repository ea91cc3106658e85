package com.paintbox.edge.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close().await();
  }

  private static EdgeConfig load(Map<String, String> env) {
    return ConfigLoader.load(vertx, env).await();
  }

  private static ConfigException failure(Map<String, String> env) {
    Future<EdgeConfig> loaded = ConfigLoader.load(vertx, env);
    Throwable cause = loaded.transform(done -> Future.succeededFuture(done.cause())).await();
    assertThat(cause).isInstanceOf(ConfigException.class);
    return (ConfigException) cause;
  }

  @Test
  void load_noEnvironment_contractDefaults() {
    EdgeConfig config = load(Map.of());

    assertThat(config.port()).isEqualTo(8080);
    assertThat(config.admin().port()).isEqualTo(9091);
    assertThat(config.admin().token()).isEmpty();
    assertThat(config.origin().url()).hasToString("http://127.0.0.1:3000");
    assertThat(config.origin().responseTimeout()).isEqualTo(Duration.ofSeconds(30));
    assertThat(config.jwks().secretId()).isEqualTo("paintbox/jwks");
    assertThat(config.jwks().fresh()).isEqualTo(Duration.ofSeconds(300));
    assertThat(config.jwks().staleWhileRevalidate()).isEqualTo(Duration.ofSeconds(300));
    assertThat(config.jwks().staleIfError()).isEqualTo(Duration.ofSeconds(86400));
    assertThat(config.jwks().fallbackFile()).isEmpty();
    assertThat(config.jwks().cacheControl()).isEqualTo("public, max-age=300, stale-while-revalidate=300, stale-if-error=86400");
    assertThat(config.jwks().cdnCacheControl()).hasValue("max-age=300, stale-while-revalidate=300, stale-if-error=86400");
    assertThat(config.aws().attemptTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(config.aws().maxAttempts()).isEqualTo(2);
    assertThat(config.region()).isEmpty();
  }

  @Test
  void load_regionOverlay_thenEnvironmentWins() {
    assertThat(load(Map.of("EDGE_REGION", "lhr")).aws().region()).isEqualTo("eu-west-2");
    assertThat(load(Map.of("FLY_REGION", "sfo")).aws().region()).isEqualTo("us-west-1");
    assertThat(load(Map.of("EDGE_REGION", "lhr", "FLY_REGION", "sfo")).region()).hasValue("lhr");
    assertThat(load(Map.of("EDGE_REGION", "lhr", "AWS_REGION", "eu-west-1")).aws().region()).isEqualTo("eu-west-1");
  }

  @Test
  void load_loggingVariables_areNotRefusedAsUnknownSettings() {
    assertThat(load(Map.of("EDGE_LOG_FORMAT", "text", "EDGE_LOG_LEVEL", "DEBUG")).port()).isEqualTo(8080);
  }

  @Test
  void load_unknownFlyRegion_runsOnDefaults() {
    EdgeConfig config = load(Map.of("FLY_REGION", "zzz"));

    assertThat(config.region()).isEmpty();
    assertThat(config.aws().region()).isEqualTo("us-east-1");
  }

  @Test
  void load_unknownExplicitRegion_namesTheKey() {
    assertThat(failure(Map.of("EDGE_REGION", "zzz")).getMessage())
        .isEqualTo("EDGE_REGION=\"zzz\": expected a region with a file regions/zzz.json");
  }

  @Test
  void load_regionCodeThatIsAPath_isRefused() {
    assertThat(failure(Map.of("EDGE_REGION", "../conf/edge")).key()).isEqualTo("EDGE_REGION");
  }

  @Test
  void load_badPort_oneLineNamingKeyValueAndExpectation() {
    ConfigException error = failure(Map.of("EDGE_PORT", "80a"));

    assertThat(error.key()).isEqualTo("EDGE_PORT");
    assertThat(error.getMessage()).isEqualTo("EDGE_PORT=\"80a\": expected an integer from 0 to 65535").doesNotContain("\n");
  }

  @Test
  void load_misspeltKey_isRefusedRatherThanIgnored() {
    assertThat(failure(Map.of("EDGE_JWKS_FRESH_SECOND", "60")).getMessage())
        .startsWith("EDGE_JWKS_FRESH_SECOND=\"60\": expected no such setting");
  }

  @Test
  void load_refreshAheadNotBeforeFreshnessEnds_isRefused() {
    ConfigException error = failure(Map.of("EDGE_JWKS_FRESH_SECONDS", "10", "EDGE_JWKS_REFRESH_AHEAD_MILLIS", "10000"));

    assertThat(error.key()).isEqualTo("EDGE_JWKS_REFRESH_AHEAD_MILLIS");
  }

  @Test
  void load_freshnessAlone_refreshAheadDerivesATenthOfIt() {
    assertThat(load(Map.of("EDGE_JWKS_FRESH_SECONDS", "1")).jwks().refreshAhead()).isEqualTo(Duration.ofMillis(100));
    assertThat(load(Map.of("EDGE_JWKS_FRESH_SECONDS", "20")).jwks().refreshAhead()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void load_defaultsOrLongFreshness_refreshAheadDerivedIsCappedAt30Seconds() {
    assertThat(load(Map.of()).jwks().refreshAhead()).isEqualTo(Duration.ofSeconds(30));
    assertThat(load(Map.of("EDGE_JWKS_FRESH_SECONDS", "3600")).jwks().refreshAhead()).isEqualTo(Duration.ofSeconds(30));
  }

  @Test
  void load_refreshAheadSetByHand_isKeptAndAutoIsAccepted() {
    assertThat(load(Map.of("EDGE_JWKS_REFRESH_AHEAD_MILLIS", "5000")).jwks().refreshAhead())
        .isEqualTo(Duration.ofSeconds(5));
    assertThat(load(Map.of("EDGE_JWKS_REFRESH_AHEAD_MILLIS", "AUTO", "EDGE_JWKS_FRESH_SECONDS", "50")).jwks()
        .refreshAhead()).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void load_refreshAheadSetByHandAgainstDefaultFreshness_namesTheKeyTheUserSet() {
    ConfigException error = failure(Map.of("EDGE_JWKS_REFRESH_AHEAD_MILLIS", "300000"));

    assertThat(error.key()).isEqualTo("EDGE_JWKS_REFRESH_AHEAD_MILLIS");
    assertThat(error.getMessage()).contains("less than EDGE_JWKS_FRESH_SECONDS (300000 ms)");
  }

  @Test
  void load_refreshAheadNotANumber_saysAutoIsAllowed() {
    assertThat(failure(Map.of("EDGE_JWKS_REFRESH_AHEAD_MILLIS", "soon")).getMessage())
        .isEqualTo("EDGE_JWKS_REFRESH_AHEAD_MILLIS=\"soon\": expected \"auto\" or an integer from 0 to 2147483647");
  }

  @Test
  void load_originTimeoutAlone_bodyIdleTimeoutFollowsIt() {
    assertThat(load(Map.of()).origin().bodyIdleTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(load(Map.of("EDGE_ORIGIN_TIMEOUT_SECONDS", "120")).origin().bodyIdleTimeout())
        .isEqualTo(Duration.ofSeconds(120));
    assertThat(load(Map.of("EDGE_ORIGIN_TIMEOUT_SECONDS", "5")).origin().bodyIdleTimeout())
        .isEqualTo(Duration.ofSeconds(60));
  }

  @Test
  void load_bodyIdleTimeoutSetByHandBelowTheResponseTimeout_isRefusedNamingIt() {
    assertThat(load(Map.of("EDGE_ORIGIN_BODY_IDLE_TIMEOUT_SECONDS", "30")).origin().bodyIdleTimeout())
        .isEqualTo(Duration.ofSeconds(30));
    ConfigException error = failure(Map.of("EDGE_ORIGIN_BODY_IDLE_TIMEOUT_SECONDS", "20"));

    assertThat(error.key()).isEqualTo("EDGE_ORIGIN_BODY_IDLE_TIMEOUT_SECONDS");
    assertThat(error.getMessage()).contains("at least EDGE_ORIGIN_TIMEOUT_SECONDS (30)");
  }

  @Test
  void load_retryMinimumAlone_retryCapFollowsIt() {
    assertThat(load(Map.of()).jwks().retryMax()).isEqualTo(Duration.ofSeconds(60));
    assertThat(load(Map.of("EDGE_JWKS_RETRY_MIN_MILLIS", "120000")).jwks().retryMax())
        .isEqualTo(Duration.ofSeconds(120));
  }

  @Test
  void load_retryCapSetByHandBelowTheMinimum_isRefusedNamingIt() {
    ConfigException error = failure(Map.of("EDGE_JWKS_RETRY_MIN_MILLIS", "5000", "EDGE_JWKS_RETRY_MAX_SECONDS", "2"));

    assertThat(error.key()).isEqualTo("EDGE_JWKS_RETRY_MAX_SECONDS");
  }

  @Test
  void load_badOriginUrl_isRefused() {
    assertThat(failure(Map.of("EDGE_ORIGIN_URL", "ftp://x")).key()).isEqualTo("EDGE_ORIGIN_URL");
    assertThat(failure(Map.of("EDGE_ORIGIN_URL", "http://x:3000/app")).key()).isEqualTo("EDGE_ORIGIN_URL");
    assertThat(failure(Map.of("EDGE_ORIGIN_URL", "http://user:pw@x")).key()).isEqualTo("EDGE_ORIGIN_URL");
  }

  @Test
  void load_shortAdminToken_isRefusedWithoutEchoingIt() {
    ConfigException error = failure(Map.of("EDGE_ADMIN_TOKEN", "s3cr3t"));

    assertThat(error.getMessage()).contains("EDGE_ADMIN_TOKEN=<redacted, 6 chars>").doesNotContain("s3cr3t");
  }

  @Test
  void load_headerValues_derivedNoneOrVerbatim() {
    Map<String, String> env = new HashMap<>();
    env.put("EDGE_JWKS_FRESH_SECONDS", "60");
    env.put("EDGE_JWKS_REFRESH_AHEAD_MILLIS", "5000");
    env.put("EDGE_JWKS_SURROGATE_CONTROL", "none");
    env.put("EDGE_JWKS_CACHE_CONTROL", "public, max-age=30");

    JwksConfig jwks = load(env).jwks();

    assertThat(jwks.cacheControl()).isEqualTo("public, max-age=30");
    assertThat(jwks.cdnCacheControl()).hasValue("max-age=60, stale-while-revalidate=300, stale-if-error=86400");
    assertThat(jwks.surrogateControl()).isEmpty();
  }

  @Test
  void load_missingFallbackFile_isRefused() {
    assertThat(failure(Map.of("EDGE_JWKS_FALLBACK_FILE", "/nonexistent/jwks.json")).key())
        .isEqualTo("EDGE_JWKS_FALLBACK_FILE");
  }

  @Test
  void load_configDirectory_overridesTheBundledDefaults(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("conf"));
    String defaults = Files.readString(Path.of("conf/edge.json")).replace("\"EDGE_PORT\": 8080", "\"EDGE_PORT\": 18080");
    Files.writeString(dir.resolve("conf/edge.json"), defaults);

    assertThat(load(Map.of("EDGE_CONFIG_DIR", dir.toString())).port()).isEqualTo(18080);
  }

  @Test
  void load_brokenJsonFile_isReportedAsAConfigError(@TempDir Path dir) throws Exception {
    Files.createDirectories(dir.resolve("conf"));
    Files.writeString(dir.resolve("conf/edge.json"), "{ not json");

    assertThat(failure(Map.of("EDGE_CONFIG_DIR", dir.toString())).getMessage()).contains("expected readable JSON objects");
  }
}
