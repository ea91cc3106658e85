package com.paintbox.edge.config;

/**
 * A configuration value that cannot be used. The message is one line naming the key, the value and what was
 * expected, because that line is all an operator sees before the process exits with status 2.
 */
public final class ConfigException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  private final String key;

  ConfigException(String key, Object value, String expected) {
    super(key + "=" + render(value) + ": expected " + expected);
    this.key = key;
  }

  /** A value found wrong after parsing, e.g. a file that exists but does not hold what the key promises. */
  public static ConfigException invalid(String key, Object value, String expected) {
    return new ConfigException(key, value, expected);
  }

  /** For keys whose values are secrets: the message names the key and the value's length, never the value. */
  static ConfigException secret(String key, String value, String expected) {
    return new ConfigException(key, new Redacted(value == null ? 0 : value.length()), expected);
  }

  public String key() {
    return key;
  }

  private static String render(Object value) {
    if (value == null) {
      return "<unset>";
    }
    if (value instanceof Redacted redacted) {
      return "<redacted, " + redacted.length + " chars>";
    }
    String text = String.valueOf(value).replace("\n", "\\n").replace("\r", "\\r");
    return '"' + (text.length() > 200 ? text.substring(0, 200) + "…" : text) + '"';
  }

  private record Redacted(int length) {}
}
