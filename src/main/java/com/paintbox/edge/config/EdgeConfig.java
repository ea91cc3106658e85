package com.paintbox.edge.config;

import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.OptionalInt;

/**
 * The whole configuration, typed and validated once at start-up. Keys are the environment variables of the
 * contract at every layer (conf/edge.json, regions/&lt;code&gt;.json, the environment), so an operator reads one
 * name everywhere.
 *
 * @param region the region code whose overlay was applied, if any
 * @param bind public address to listen on
 * @param port public port
 * @param eventLoops event loops, and so HTTP verticle instances; 0 in the file means one per core
 * @param maxHeaderBytes largest request header section accepted; beyond it the edge answers 431
 * @param maxRequestLineBytes longest request line accepted; beyond it the edge answers 414
 * @param clientIdleTimeout how long a client connection may sit idle (keep-alive or mid-request) before it is closed;
 *     only complete request heads and body chunks count as activity (Vert.x's idle handler sits behind the HTTP
 *     codec), so it is also the header timeout: a head trickled a byte at a time is cut off at this limit
 * @param drain on SIGTERM, how long in-flight requests get to finish
 * @param accessLog one JSON line per request when true
 */
public record EdgeConfig(
    Optional<String> region,
    String bind,
    int port,
    int eventLoops,
    int maxHeaderBytes,
    int maxRequestLineBytes,
    Duration clientIdleTimeout,
    Duration drain,
    boolean accessLog,
    AdminConfig admin,
    JwksConfig jwks,
    OriginConfig origin,
    CacheConfig cache,
    CompressionConfig compression,
    AwsConfig aws,
    FleetConfig fleet) {

  public EdgeConfig {
    Objects.requireNonNull(region, "region");
    Objects.requireNonNull(bind, "bind");
    Objects.requireNonNull(clientIdleTimeout, "clientIdleTimeout");
    Objects.requireNonNull(drain, "drain");
    Objects.requireNonNull(admin, "admin");
    Objects.requireNonNull(jwks, "jwks");
    Objects.requireNonNull(origin, "origin");
    Objects.requireNonNull(cache, "cache");
    Objects.requireNonNull(compression, "compression");
    Objects.requireNonNull(aws, "aws");
    Objects.requireNonNull(fleet, "fleet");
  }

  private static final int MAX_PORT = 65_535;
  private static final int ONE_YEAR_SECONDS = 31_536_000;
  /** Above this a token no longer fits comfortably in one header line; below 16 it is guessable. */
  private static final int MAX_TOKEN_CHARS = 512;
  private static final int MIN_TOKEN_CHARS = 16;
  /** {@code EDGE_JWKS_REFRESH_AHEAD_MILLIS=auto}: this fraction of freshness (a tenth), capped below. */
  private static final int REFRESH_AHEAD_FRACTION = 10;
  /** The cap of a derived refresh-ahead: 30 s, ample for two AWS attempts of 3 s each and their retries. */
  private static final Duration MAX_DERIVED_REFRESH_AHEAD = Duration.ofSeconds(30);
  /** {@code EDGE_JWKS_RETRY_MAX_SECONDS=auto}: 60 s, unless the retry minimum is longer. */
  private static final Duration DEFAULT_RETRY_MAX = Duration.ofSeconds(60);
  /** {@code EDGE_ORIGIN_BODY_IDLE_TIMEOUT_SECONDS=auto}: 60 s, unless the response timeout is longer. */
  private static final Duration DEFAULT_BODY_IDLE = Duration.ofSeconds(60);

  /**
   * Reads every setting from the merged layers. Keys nobody reads are refused too: a misspelt key in a file or
   * the environment would otherwise be ignored in silence, which is the worst way for a setting to fail.
   */
  public static EdgeConfig from(JsonObject merged, Optional<String> region) {
    Objects.requireNonNull(merged, "merged");
    Objects.requireNonNull(region, "region");
    Settings s = new Settings(merged);
    EdgeConfig config = new EdgeConfig(
        region,
        s.string("EDGE_BIND"),
        s.integer("EDGE_PORT", 0, MAX_PORT),
        eventLoops(s),
        s.integer("EDGE_MAX_HEADER_BYTES", 1_024, 1_048_576),
        s.integer("EDGE_MAX_REQUEST_LINE_BYTES", 256, 1_048_576),
        s.seconds("EDGE_CLIENT_IDLE_TIMEOUT_SECONDS", 1, 3_600),
        s.seconds("EDGE_DRAIN_SECONDS", 0, 3_600),
        s.bool("EDGE_ACCESS_LOG"),
        admin(s),
        jwks(s),
        origin(s),
        cache(s),
        CompressionConfig.from(s),
        new AwsConfig(
            s.string("AWS_REGION"),
            s.millis("EDGE_AWS_ATTEMPT_TIMEOUT_MILLIS", 100, 60_000),
            s.integer("EDGE_AWS_MAX_ATTEMPTS", 1, 10)),
        FleetConfig.from(s, region)); // fleet hook: peers, shield region, discovery (issue 13)
    s.unread().findFirst().ifPresent(key -> {
      throw new ConfigException(key, merged.getValue(key), "no such setting (see docs/configuration.md)");
    });
    return config;
  }

  private static int eventLoops(Settings s) {
    int configured = s.integer("EDGE_EVENT_LOOPS", 0, 256);
    return configured == 0 ? Runtime.getRuntime().availableProcessors() : configured;
  }

  private static AdminConfig admin(Settings s) {
    Optional<String> token = s.optional("EDGE_ADMIN_TOKEN");
    token.ifPresent(value -> {
      if (value.length() < MIN_TOKEN_CHARS || value.length() > MAX_TOKEN_CHARS || !value.chars().allMatch(EdgeConfig::isTokenChar)) {
        throw ConfigException.secret("EDGE_ADMIN_TOKEN", value,
            MIN_TOKEN_CHARS + " to " + MAX_TOKEN_CHARS + " printable ASCII characters without spaces");
      }
    });
    return new AdminConfig(
        s.string("EDGE_ADMIN_BIND"),
        s.integer("EDGE_ADMIN_PORT", 0, MAX_PORT),
        token,
        s.seconds("EDGE_ADMIN_REFRESH_MIN_INTERVAL_SECONDS", 0, 3_600));
  }

  private static boolean isTokenChar(int c) {
    return c > 0x20 && c < 0x7f;
  }

  private static JwksConfig jwks(Settings s) {
    Duration fresh = s.seconds("EDGE_JWKS_FRESH_SECONDS", 1, ONE_YEAR_SECONDS);
    Duration swr = s.seconds("EDGE_JWKS_SWR_SECONDS", 0, ONE_YEAR_SECONDS);
    Duration sie = s.seconds("EDGE_JWKS_SIE_SECONDS", 0, ONE_YEAR_SECONDS);
    Duration ahead = refreshAhead(s, fresh);
    Duration retryMin = s.millis("EDGE_JWKS_RETRY_MIN_MILLIS", 10, 600_000);
    Duration retryMax = retryMax(s, retryMin);
    Optional<Path> fallback = s.optional("EDGE_JWKS_FALLBACK_FILE").map(Path::of);
    fallback.ifPresent(path -> {
      if (!Files.isReadable(path)) {
        throw new ConfigException("EDGE_JWKS_FALLBACK_FILE", path, "a readable file holding a JWKS");
      }
    });
    String windows = "max-age=" + fresh.toSeconds() + ", stale-while-revalidate=" + swr.toSeconds()
        + ", stale-if-error=" + sie.toSeconds();
    return new JwksConfig(
        s.string("EDGE_JWKS_SECRET_ID"),
        fresh, swr, sie, ahead, retryMin, retryMax, fallback,
        headerValue(s, "EDGE_JWKS_CACHE_CONTROL", "public, " + windows).orElse("public, " + windows),
        headerValue(s, "EDGE_JWKS_CDN_CACHE_CONTROL", windows),
        headerValue(s, "EDGE_JWKS_SURROGATE_CONTROL", windows),
        headerValue(s, "EDGE_JWKS_SURROGATE_KEY", "jwks"));
  }

  /**
   * {@code auto}: a tenth of freshness, at most {@link #MAX_DERIVED_REFRESH_AHEAD}, so it always starts before
   * freshness ends. A value written by hand must be shorter than freshness, or a refresh would start on a stale JWKS.
   */
  private static Duration refreshAhead(Settings s, Duration fresh) {
    OptionalInt set = s.integerOrAuto("EDGE_JWKS_REFRESH_AHEAD_MILLIS", 0, Integer.MAX_VALUE);
    if (set.isEmpty()) {
      Duration tenth = fresh.dividedBy(REFRESH_AHEAD_FRACTION);
      return tenth.compareTo(MAX_DERIVED_REFRESH_AHEAD) < 0 ? tenth : MAX_DERIVED_REFRESH_AHEAD;
    }
    Duration ahead = Duration.ofMillis(set.getAsInt());
    if (ahead.compareTo(fresh) >= 0) {
      throw new ConfigException("EDGE_JWKS_REFRESH_AHEAD_MILLIS", ahead.toMillis(),
          "less than EDGE_JWKS_FRESH_SECONDS (" + fresh.toMillis() + " ms)");
    }
    return ahead;
  }

  /** {@code auto}: {@link #DEFAULT_RETRY_MAX}, or the retry minimum when that is longer. */
  private static Duration retryMax(Settings s, Duration retryMin) {
    OptionalInt set = s.integerOrAuto("EDGE_JWKS_RETRY_MAX_SECONDS", 1, 86_400);
    if (set.isEmpty()) {
      return retryMin.compareTo(DEFAULT_RETRY_MAX) > 0 ? retryMin : DEFAULT_RETRY_MAX;
    }
    Duration retryMax = Duration.ofSeconds(set.getAsInt());
    if (retryMax.compareTo(retryMin) < 0) {
      throw new ConfigException("EDGE_JWKS_RETRY_MAX_SECONDS", retryMax.toSeconds(),
          "at least EDGE_JWKS_RETRY_MIN_MILLIS (" + retryMin.toMillis() + " ms)");
    }
    return retryMax;
  }

  /** "derived" takes the value built from the windows, "none" omits the header, anything else is sent as is. */
  private static Optional<String> headerValue(Settings s, String key, String derived) {
    String value = s.string(key);
    switch (value.toLowerCase(Locale.ROOT)) {
      case "derived":
        return Optional.of(derived);
      case "none":
        return Optional.empty();
      default:
        if (value.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
          throw new ConfigException(key, value, "\"derived\", \"none\" or a header value without control characters");
        }
        return Optional.of(value);
    }
  }

  /** The cache's share of the heap when {@code EDGE_CACHE_MAX_BYTES} is auto: a quarter. */
  private static final int HEAP_SHARE_DIVISOR = 4;
  /** The largest object stored when {@code EDGE_CACHE_MAX_OBJECT_BYTES} is auto: 1 MiB, or an eighth of the cache. */
  private static final long DEFAULT_MAX_OBJECT_BYTES = 1L << 20;
  private static final long MIN_CACHE_BYTES = 1L << 20;
  private static final long MAX_CACHE_BYTES = 1L << 40;

  private static CacheConfig cache(Settings s) {
    boolean enabled = s.bool("EDGE_CACHE_ENABLED");
    java.util.OptionalLong configured = s.bytes("EDGE_CACHE_MAX_BYTES", MIN_CACHE_BYTES, MAX_CACHE_BYTES);
    long maxBytes = configured.orElse(Math.max(MIN_CACHE_BYTES, Runtime.getRuntime().maxMemory() / HEAP_SHARE_DIVISOR));
    java.util.OptionalLong object = s.bytes("EDGE_CACHE_MAX_OBJECT_BYTES", 1, MAX_CACHE_BYTES);
    if (object.isPresent() && object.getAsLong() > maxBytes) {
      throw new ConfigException("EDGE_CACHE_MAX_OBJECT_BYTES", object.getAsLong(),
          "at most EDGE_CACHE_MAX_BYTES (" + maxBytes + ")");
    }
    long maxObject = object.orElse(Math.min(DEFAULT_MAX_OBJECT_BYTES, maxBytes / 8));
    return new CacheConfig(enabled, maxBytes, maxObject, s.bool("EDGE_CACHE_HEURISTIC"),
        s.bool("EDGE_CACHE_HONOR_CLIENT_NO_CACHE"));
  }

  private static OriginConfig origin(Settings s) {
    Duration responseTimeout = s.seconds("EDGE_ORIGIN_TIMEOUT_SECONDS", 1, 3_600);
    Duration bodyIdle = bodyIdleTimeout(s, responseTimeout);
    return new OriginConfig(
        s.originUrl("EDGE_ORIGIN_URL"),
        responseTimeout,
        s.millis("EDGE_ORIGIN_CONNECT_TIMEOUT_MILLIS", 10, 60_000),
        s.integer("EDGE_ORIGIN_POOL_SIZE", 1, 10_000),
        s.seconds("EDGE_ORIGIN_IDLE_TIMEOUT_SECONDS", 1, 3_600),
        s.bool("EDGE_ORIGIN_PRESERVE_HOST"),
        bodyIdle,
        s.bool("EDGE_TRUST_FORWARDED"));
  }

  /**
   * {@code auto}: {@link #DEFAULT_BODY_IDLE}, or the response timeout when that is longer. The body idle timeout is a
   * connection-level idle timer, so it also runs while the edge waits for response headers: shorter than the header
   * wait, it would turn a slow origin's 504 into a 502. So a value written by hand must be at least that wait.
   */
  private static Duration bodyIdleTimeout(Settings s, Duration responseTimeout) {
    OptionalInt set = s.integerOrAuto("EDGE_ORIGIN_BODY_IDLE_TIMEOUT_SECONDS", 1, 3_600);
    if (set.isEmpty()) {
      return responseTimeout.compareTo(DEFAULT_BODY_IDLE) > 0 ? responseTimeout : DEFAULT_BODY_IDLE;
    }
    Duration bodyIdle = Duration.ofSeconds(set.getAsInt());
    if (bodyIdle.compareTo(responseTimeout) < 0) {
      throw new ConfigException("EDGE_ORIGIN_BODY_IDLE_TIMEOUT_SECONDS", bodyIdle.toSeconds(),
          "at least EDGE_ORIGIN_TIMEOUT_SECONDS (" + responseTimeout.toSeconds() + ")");
    }
    return bodyIdle;
  }
}
