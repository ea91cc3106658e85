package com.paintbox.edge.compression;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;

/**
 * {@code Vary: Accept-Encoding} on every answer whose coding depends on the request's Accept-Encoding
 * (RFC 9110 §12.5.5), added once, after whatever the origin's {@code Vary} already lists.
 */
public final class VaryHeader {

  private VaryHeader() {}

  /** True when {@code headers}' Vary already names Accept-Encoding (or is {@code *}). */
  public static boolean namesAcceptEncoding(MultiMap headers) {
    for (String line : headers.getAll(HttpHeaders.VARY)) {
      for (String member : line.split(",")) {
        String name = member.trim();
        if (name.equals("*") || name.equalsIgnoreCase("accept-encoding")) {
          return true;
        }
      }
    }
    return false;
  }

  /** Adds Accept-Encoding to {@code headers}' Vary unless it is there. */
  public static void addAcceptEncoding(MultiMap headers) {
    if (!namesAcceptEncoding(headers)) {
      headers.add(HttpHeaders.VARY, HttpHeaders.ACCEPT_ENCODING);
    }
  }
}
