package com.paintbox.edge.proxy;

import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.List;

/**
 * Removes the headers that describe one connection rather than the message (RFC 9110 §7.6.1), in both
 * directions: the fixed list, {@code Proxy-Connection} (never standard, still sent by old clients), and every
 * name listed in {@code Connection}. vertx-http-proxy drops only a fixed list on the request side, parses no
 * {@code Connection} tokens and forwards all of them on the response side (its issue #152), so the edge does it,
 * for both transports, here.
 *
 * <p>The Vert.x gaps behind this are listed, each with the test that pins it, in docs/vertx-gaps.md.
 */
final class HopByHop {

  static final List<String> NAMES = List.of("connection", "keep-alive", "proxy-connection", "proxy-authenticate",
      "proxy-authorization", "te", "trailer", "transfer-encoding", "upgrade");
  private static final AsciiString[] FIXED = NAMES.stream().map(AsciiString::of).toArray(AsciiString[]::new);
  /** What a WebSocket handshake keeps: there, {@code Connection: upgrade} and {@code Upgrade} are the message. */
  private static final AsciiString[] FIXED_UPGRADE = NAMES.stream()
      .filter(name -> !name.equals("connection") && !name.equals("upgrade"))
      .map(AsciiString::of).toArray(AsciiString[]::new);
  private static final AsciiString UPGRADE = AsciiString.of("upgrade");

  private HopByHop() {}

  /**
   * Adds {@code from}'s end-to-end headers to {@code to}, in one pass over {@code from} with no per-header
   * allocation, leaving out {@code skip} (lower-case names). Names listed in {@code Connection} are removed from
   * {@code to} afterwards and before the caller adds its own headers, so a client cannot name one the edge adds
   * ({@code X-Forwarded-For}, {@code Via}) and have it dropped.
   *
   * @param upgrade true for the two legs of a WebSocket handshake, which keep {@code Connection} and {@code Upgrade}
   */
  static void copy(MultiMap from, MultiMap to, boolean upgrade, AsciiString... skip) {
    AsciiString[] fixed = upgrade ? FIXED_UPGRADE : FIXED;
    if (from instanceof io.netty.handler.codec.http.HttpHeaders netty) { // Vert.x's HTTP/1.x headers
      var entries = netty.iteratorCharSequence();
      while (entries.hasNext()) {
        var entry = entries.next();
        if (!listed(entry.getKey(), fixed) && !listed(entry.getKey(), skip)) {
          to.add(entry.getKey(), entry.getValue());
        }
      }
    } else {
      from.forEach((name, value) -> {
        if (!listed(name, fixed) && !listed(name, skip)) {
          to.add(name, value);
        }
      });
    }
    if (from.contains(HttpHeaders.CONNECTION)) {
      for (String value : from.getAll(HttpHeaders.CONNECTION)) {
        for (String token : value.split(",")) {
          String name = token.trim();
          if (!name.isEmpty() && !(upgrade && UPGRADE.contentEqualsIgnoreCase(name))) {
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
}
