package com.paintbox.edge.config;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.Locale;
import java.util.HashSet;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Set;
import java.util.stream.Stream;

/**
 * Typed reads over the merged configuration. Every value may arrive as a JSON number or boolean (from a file) or
 * as a string (from the environment), so each read accepts both and names the key when it cannot.
 */
final class Settings {

  /** The value that asks for a default derived from other settings. */
  static final String AUTO = "auto";

  private final JsonObject values;
  private final Set<String> read = new HashSet<>();

  Settings(JsonObject values) {
    this.values = values;
  }

  /** Keys present but never read: misspellings, or settings this version does not have. */
  Stream<String> unread() {
    return values.fieldNames().stream().filter(key -> !read.contains(key)).sorted();
  }

  /** Absent, JSON null and the empty string all mean "not set", which is how an operator unsets a default. */
  Optional<String> optional(String key) {
    read.add(key);
    Object raw = values.getValue(key);
    if (raw == null) {
      return Optional.empty();
    }
    String text = String.valueOf(raw).trim();
    return text.isEmpty() ? Optional.empty() : Optional.of(text);
  }

  String string(String key) {
    return optional(key).orElseThrow(() -> new ConfigException(key, null, "a non-empty value"));
  }

  int integer(String key, int min, int max) {
    String text = string(key);
    try {
      int value = Integer.parseInt(text);
      if (value >= min && value <= max) {
        return value;
      }
    } catch (NumberFormatException ignored) {
      // falls through to the message below, which says what would have been accepted
    }
    throw new ConfigException(key, values.getValue(key), "an integer from " + min + " to " + max);
  }

  /**
   * An integer, or empty when the value is {@code auto}: the caller then derives it from other settings. A value
   * derived that way can never be refused; only values someone wrote can conflict.
   */
  OptionalInt integerOrAuto(String key, int min, int max) {
    if (string(key).equalsIgnoreCase(AUTO)) {
      return OptionalInt.empty();
    }
    try {
      int value = Integer.parseInt(string(key));
      if (value >= min && value <= max) {
        return OptionalInt.of(value);
      }
    } catch (NumberFormatException ignored) {
      // falls through to the message below, which says what would have been accepted
    }
    throw new ConfigException(key, values.getValue(key), "\"auto\" or an integer from " + min + " to " + max);
  }

  Duration seconds(String key, int min, int max) {
    return Duration.ofSeconds(integer(key, min, max));
  }

  Duration millis(String key, int min, int max) {
    return Duration.ofMillis(integer(key, min, max));
  }

  /**
   * A size in bytes: a plain number, or one with a binary unit ({@code 512k}, {@code 64m}, {@code 1g}, also written
   * {@code 64MiB}); empty when the value is {@code auto}, which the caller derives.
   */
  java.util.OptionalLong bytes(String key, long min, long max) {
    String text = string(key).toLowerCase(Locale.ROOT);
    if (text.equals(AUTO)) {
      return java.util.OptionalLong.empty();
    }
    String digits = text.replaceFirst("(i?b)$", "");
    long unit = 1;
    if (!digits.isEmpty()) {
      switch (digits.charAt(digits.length() - 1)) {
        case 'k' -> unit = 1L << 10;
        case 'm' -> unit = 1L << 20;
        case 'g' -> unit = 1L << 30;
        default -> unit = 1;
      }
    }
    if (unit > 1) {
      digits = digits.substring(0, digits.length() - 1);
    }
    try {
      long value = Math.multiplyExact(Long.parseLong(digits.trim()), unit);
      if (value >= min && value <= max) {
        return java.util.OptionalLong.of(value);
      }
    } catch (NumberFormatException | ArithmeticException ignored) {
      // reported below with what would have been accepted
    }
    throw new ConfigException(key, values.getValue(key),
        "\"auto\" or a size from " + min + " to " + max + " bytes (units k, m, g allowed: 64m)");
  }

  boolean bool(String key) {
    String text = string(key).toLowerCase(Locale.ROOT);
    switch (text) {
      case "true", "1", "yes", "on":
        return true;
      case "false", "0", "no", "off":
        return false;
      default:
        throw new ConfigException(key, values.getValue(key), "true or false");
    }
  }

  /** An absolute http:// or https:// URL with a host and no path beyond "/", query or fragment. */
  URI originUrl(String key) {
    String text = string(key);
    String expected = "an http:// or https:// URL with a host and optional port, and no path, query or user info";
    try {
      URI uri = new URI(text);
      String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
      boolean pathless = uri.getRawPath() == null || uri.getRawPath().isEmpty() || uri.getRawPath().equals("/");
      if ((scheme.equals("http") || scheme.equals("https")) && uri.getHost() != null && pathless
          && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null) {
        return uri;
      }
    } catch (URISyntaxException ignored) {
      // reported below with what would have been accepted
    }
    throw new ConfigException(key, text, expected);
  }
}
