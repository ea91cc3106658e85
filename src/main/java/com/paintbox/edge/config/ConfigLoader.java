package com.paintbox.edge.config;

import io.vertx.config.ConfigRetriever;
import io.vertx.config.ConfigRetrieverOptions;
import io.vertx.config.ConfigStoreOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Loads the three layers, later wins: {@code conf/edge.json} → {@code regions/<code>.json} → the environment.
 * Files are looked up under {@code EDGE_CONFIG_DIR} (default: the working directory) and, when not found there,
 * inside the jar, so {@code java -jar} works from any directory. Loading happens once; nothing is re-scanned.
 */
public final class ConfigLoader {

  private static final Logger log = LoggerFactory.getLogger(ConfigLoader.class);
  /** Fly region codes are three letters; allow a little more for private names, never a path. */
  static final Pattern REGION_CODE = Pattern.compile("[a-z0-9][a-z0-9-]{1,15}");
  /** Environment variables that choose files or logging rather than set values; logging reads its own at start. */
  private static final List<String> META_KEYS =
      List.of("EDGE_REGION", "EDGE_CONFIG_DIR", "EDGE_LOG_FORMAT", "EDGE_LOG_LEVEL");
  /** SDK variables the edge reads as settings; the rest of AWS_* is left to the SDK itself. */
  private static final List<String> AWS_KEYS = List.of("AWS_REGION");
  /** Fly's variables the fleet reads (issue 13): which app and machine this is, and its region with or without an overlay. */
  private static final List<String> FLY_KEYS = List.of("FLY_APP_NAME", "FLY_MACHINE_ID", "FLY_REGION");

  private ConfigLoader() {}

  public static Future<EdgeConfig> load(Vertx vertx, Map<String, String> env) {
    Objects.requireNonNull(vertx, "vertx");
    Objects.requireNonNull(env, "env");
    String dir = Optional.ofNullable(env.get("EDGE_CONFIG_DIR")).filter(d -> !d.isBlank()).map(d -> d + "/").orElse("");
    Optional<String> region;
    boolean regionExplicit = present(env, "EDGE_REGION");
    try {
      region = region(env);
    } catch (ConfigException e) {
      return Future.failedFuture(e);
    }
    Future<Optional<String>> overlay = region.isEmpty()
        ? Future.succeededFuture(Optional.empty())
        : vertx.fileSystem().exists(dir + regionPath(region.get())).map(exists -> {
          if (exists) {
            return region;
          }
          if (regionExplicit) {
            throw new ConfigException("EDGE_REGION", region.get(), "a region with a file " + regionPath(region.get()));
          }
          log.warn("no {} for FLY_REGION={}; running on conf/edge.json and the environment", regionPath(region.get()), region.get());
          return Optional.<String>empty();
        });
    return overlay.compose(applied -> retrieve(vertx, dir, applied, env)
        .map(merged -> EdgeConfig.from(merged, applied)));
  }

  private static Future<JsonObject> retrieve(Vertx vertx, String dir, Optional<String> region, Map<String, String> env) {
    List<ConfigStoreOptions> stores = new ArrayList<>();
    stores.add(file(dir + "conf/edge.json"));
    region.ifPresent(code -> stores.add(file(dir + regionPath(code))));
    stores.add(new ConfigStoreOptions().setType("json").setConfig(environmentLayer(env)));
    ConfigRetriever retriever = ConfigRetriever.create(vertx, new ConfigRetrieverOptions()
        .setScanPeriod(-1)
        .setIncludeDefaultStores(false)
        .setStores(stores));
    return retriever.getConfig()
        .recover(failure -> Future.failedFuture(new ConfigException("conf/edge.json or " + regionPath("<code>"),
            oneLine(failure), "readable JSON objects")))
        .eventually(retriever::close);
  }

  private static ConfigStoreOptions file(String path) {
    return new ConfigStoreOptions().setType("file").setFormat("json").setConfig(new JsonObject().put("path", path));
  }

  /** Every EDGE_* variable (so misspellings are refused, not ignored), the SDK variables and Fly's that we read. */
  static JsonObject environmentLayer(Map<String, String> env) {
    JsonObject layer = new JsonObject();
    env.forEach((key, value) -> {
      boolean ours = key.startsWith("EDGE_") && !META_KEYS.contains(key);
      if (ours || AWS_KEYS.contains(key) || FLY_KEYS.contains(key)) { // fleet hook: FLY_KEYS
        layer.put(key, value);
      }
    });
    return layer;
  }

  private static Optional<String> region(Map<String, String> env) {
    String key = present(env, "EDGE_REGION") ? "EDGE_REGION" : "FLY_REGION";
    if (!present(env, key)) {
      return Optional.empty();
    }
    String code = env.get(key).trim().toLowerCase(Locale.ROOT);
    if (!REGION_CODE.matcher(code).matches()) {
      throw new ConfigException(key, env.get(key), "a region code such as iad, sfo or lhr");
    }
    return Optional.of(code);
  }

  private static boolean present(Map<String, String> env, String key) {
    return env.get(key) != null && !env.get(key).isBlank();
  }

  private static String regionPath(String code) {
    return "regions/" + code + ".json";
  }

  private static String oneLine(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
    return message.replaceAll("\\s+", " ");
  }
}
