package com.paintbox.edge.proxy;

import java.util.regex.Pattern;

/**
 * Request-targets as the origin must see them. An absolute-form target ({@code GET http://other.host/x}) names a
 * host, and RFC 9112 §3.2.2 tells the origin to prefer it over {@code Host}; vertx-http-proxy forwards it as is. The edge only
 * ever serves its one origin, so the authority is dropped and the raw path and query are kept byte for byte
 * (no decoding, so {@code %2F} stays {@code %2F}).
 *
 * <p>The Vert.x gaps behind this are listed, each with the test that pins it, in docs/vertx-gaps.md.
 */
public final class OriginForm {

  private static final Pattern ABSOLUTE = Pattern.compile("^[A-Za-z][A-Za-z0-9+.-]*://.*", Pattern.DOTALL);

  private OriginForm() {}

  public static boolean isAbsolute(String uri) {
    return !uri.isEmpty() && uri.charAt(0) != '/' && ABSOLUTE.matcher(uri).matches(); // origin-form needs no regex
  }

  /** The origin-form of {@code uri}: unchanged unless absolute-form, then its path and query ("/" if none). */
  public static String of(String uri) {
    if (!isAbsolute(uri)) {
      return uri;
    }
    int authorityStart = uri.indexOf("://") + 3;
    int end = authorityStart;
    while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
      end++;
    }
    String rest = uri.substring(end);
    int fragment = rest.indexOf('#');
    if (fragment >= 0) {
      rest = rest.substring(0, fragment);
    }
    return rest.startsWith("/") ? rest : "/" + rest;
  }
}
