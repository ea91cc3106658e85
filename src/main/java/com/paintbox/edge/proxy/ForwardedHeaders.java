package com.paintbox.edge.proxy;

import com.paintbox.edge.http.Fields;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import java.util.List;

/**
 * The headers a proxy owes the origin (de-facto {@code X-Forwarded-*}, RFC 9110 §7.6.3 {@code Via}). 5.0.x adds
 * none of them (X-Forwarded support arrives in 5.1). {@code X-Forwarded-For} is appended to, so a chain built by a
 * CDN or the Fly proxy in front survives; {@code -Proto} and {@code -Host} describe the hop the edge saw and are
 * set, replacing whatever the client claimed, except {@code -Proto} under {@code EDGE_TRUST_FORWARDED}.
 */
public final class ForwardedHeaders {

  public static final String PSEUDONYM = "paintbox-edge";

  private ForwardedHeaders() {}

  /** The scheme of the client's hop as the origin is told it: a trusted {@code X-Forwarded-Proto}, else the edge's own. */
  public static String scheme(HttpServerRequest in, boolean trustForwarded) {
    String claimed = trustForwarded ? in.headers().get(Fields.X_FORWARDED_PROTO) : null;
    if ("https".equalsIgnoreCase(claimed) || "http".equalsIgnoreCase(claimed)) {
      return claimed.toLowerCase(java.util.Locale.ROOT);
    }
    return in.isSSL() ? "https" : "http";
  }

  /**
   * Adds the forwarding headers for {@code in} to the outgoing {@code headers}. Run after hop-by-hop stripping.
   *
   * @param trustForwarded keep the client's {@code X-Forwarded-Proto} when it says http or https: behind Fly's
   *     proxy, which terminates TLS and always sets it, the edge's own hop is plain HTTP and would say "http"
   */
  static void add(MultiMap headers, HttpServerRequest in, boolean trustForwarded) {
    SocketAddress peer = in.remoteAddress();
    String ip = peer == null ? null : peer.hostAddress();
    if (ip != null) {
      List<String> prior = headers.getAll(Fields.X_FORWARDED_FOR);
      headers.set(Fields.X_FORWARDED_FOR, prior.isEmpty() ? ip : String.join(", ", prior) + ", " + ip);
    }
    headers.set(Fields.X_FORWARDED_PROTO, scheme(in, trustForwarded));
    HostAndPort authority = in.authority();
    if (authority != null) {
      headers.set(Fields.X_FORWARDED_HOST, authority.toString());
    } else {
      headers.remove(Fields.X_FORWARDED_HOST);
    }
    headers.add(Fields.VIA, via(in.version()));
  }

  private static final CharSequence VIA_10 = HttpHeaders.createOptimized("1.0 " + PSEUDONYM);
  private static final CharSequence VIA_11 = HttpHeaders.createOptimized("1.1 " + PSEUDONYM);
  private static final CharSequence VIA_2 = HttpHeaders.createOptimized("2 " + PSEUDONYM);

  /** A {@code Via} member for a message received over {@code version}. */
  public static CharSequence via(HttpVersion version) {
    return switch (version) {
      case HTTP_1_0 -> VIA_10;
      case HTTP_2 -> VIA_2;
      default -> VIA_11;
    };
  }
}
