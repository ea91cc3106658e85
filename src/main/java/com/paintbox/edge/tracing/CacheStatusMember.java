package com.paintbox.edge.tracing;

/**
 * The edge's own member of a {@code Cache-Status} header (RFC 9211), read back for span attributes: the last member
 * named {@code paintbox-edge}, after any upstream caches' members.
 *
 * @param outcome {@code hit} (fresh), {@code stale} (a hit with a negative {@code ttl}), the {@code fwd} reason
 *     ({@code miss}, {@code uri-miss}, {@code stale}, {@code bypass}, ...), {@code fallback}, or {@code none}
 * @param collapsed whether the request waited on a fetch another caller started ({@code collapsed})
 * @param detail the {@code detail} parameter, or null
 */
record CacheStatusMember(String outcome, boolean collapsed, String detail) {

  static final String CACHE_NAME = "paintbox-edge";

  /** The edge's member of {@code header}, or null when it has none. */
  static CacheStatusMember ours(String header) {
    String member = null;
    for (String candidate : header.split(",")) {
      int semicolon = candidate.indexOf(';');
      String name = (semicolon < 0 ? candidate : candidate.substring(0, semicolon)).trim();
      if (name.equals(CACHE_NAME) || name.equals('"' + CACHE_NAME + '"')) {
        member = semicolon < 0 ? "" : candidate.substring(semicolon + 1);
      }
    }
    return member == null ? null : parse(member);
  }

  private static CacheStatusMember parse(String parameters) {
    boolean hit = false;
    boolean negativeTtl = false;
    boolean collapsed = false;
    String fwd = null;
    String detail = null;
    for (String parameter : parameters.split(";")) {
      String p = parameter.trim();
      int equals = p.indexOf('=');
      String key = equals < 0 ? p : p.substring(0, equals);
      String value = equals < 0 ? "" : unquote(p.substring(equals + 1).trim());
      switch (key) {
        case "hit" -> hit = true;
        case "ttl" -> negativeTtl = value.startsWith("-");
        case "fwd" -> fwd = value;
        case "collapsed" -> collapsed = true;
        case "detail" -> detail = value;
        default -> { }
      }
    }
    String outcome = hit ? (negativeTtl ? "stale" : "hit")
        : fwd != null ? fwd
        : "fallback".equals(detail) ? "fallback"
        : "none";
    return new CacheStatusMember(outcome, collapsed, detail);
  }

  private static String unquote(String value) {
    return value.length() >= 2 && value.startsWith("\"") && value.endsWith("\"") ? value.substring(1, value.length() - 1) : value;
  }
}
