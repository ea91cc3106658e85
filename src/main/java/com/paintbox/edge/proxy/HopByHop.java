package com.paintbox.edge.proxy;

import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.List;
import java.util.Locale;

/**
 * Removes the headers that describe one connection rather than the message (RFC 9110 §7.6.1), in both
 * directions: the fixed list, {@code Proxy-Connection} (never standard, still sent by old clients), and every
 * name listed in {@code Connection}. vertx-http-proxy 5.0.7 drops only a fixed list on the request side, parses no
 * {@code Connection} tokens and forwards all of them on the response side (its issue #152), so the edge does it.
 */
final class HopByHop {

  static final List<String> NAMES = List.of("connection", "keep-alive", "proxy-connection", "proxy-authenticate",
      "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");
  private static final String UPGRADE = "upgrade";
  private static final AsciiString[] FIXED = NAMES.stream().map(AsciiString::of).toArray(AsciiString[]::new);

  private HopByHop() {}

  /**
   * Adds {@code from}'s headers to {@code to} as {@link #strip} would leave them (a plain exchange, no upgrade),
   * without {@code skip} (lower-case names), in one pass over {@code from} with no per-header allocation. Names
   * listed in {@code Connection} are removed from {@code to} afterwards, before the caller adds its own headers.
   */
  static void copy(MultiMap from, MultiMap to, AsciiString... skip) {
    if (from instanceof io.netty.handler.codec.http.HttpHeaders netty) { // Vert.x's HTTP/1.x headers
      var entries = netty.iteratorCharSequence();
      while (entries.hasNext()) {
        var entry = entries.next();
        if (!listed(entry.getKey(), FIXED) && !listed(entry.getKey(), skip)) {
          to.add(entry.getKey(), entry.getValue());
        }
      }
    } else {
      from.forEach((name, value) -> {
        if (!listed(name, FIXED) && !listed(name, skip)) {
          to.add(name, value);
        }
      });
    }
    if (from.contains(HttpHeaders.CONNECTION)) {
      for (String value : from.getAll(HttpHeaders.CONNECTION)) {
        for (String token : value.split(",")) {
          String name = token.trim();
          if (!name.isEmpty()) {
            to.remove(name);
          }
        }
      }
    }
  }

  private static boolean listed(CharSequence name, AsciiString[] names) {
    for (AsciiString candidate : names) {
      if (candidate.length() == name.length() && candidate.contentEqualsIgnoreCase(name)) {
        return true;
      }
    }
    return false;
  }

  /**
   * Strips {@code headers} in place. Connection tokens are applied first, so a client cannot name a header the
   * edge adds afterwards ({@code X-Forwarded-For}, {@code Via}) and have it removed.
   *
   * @param keepUpgrade true for the two legs of a WebSocket handshake: {@code Connection: upgrade} and
   *     {@code Upgrade} are the message there, not the connection's business
   */
  static void strip(MultiMap headers, boolean keepUpgrade) {
    for (String value : headers.getAll(HttpHeaders.CONNECTION)) {
      for (String token : value.split(",")) {
        String name = token.trim().toLowerCase(Locale.ROOT);
        if (!name.isEmpty() && !(keepUpgrade && name.equals(UPGRADE))) {
          headers.remove(name);
        }
      }
    }
    for (String name : NAMES) {
      if (!(keepUpgrade && (name.equals(UPGRADE) || name.equals("connection")))) {
        headers.remove(name);
      }
    }
  }
}
