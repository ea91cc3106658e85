package com.paintbox.edge.cache;

import com.paintbox.edge.proxy.ForwardedHeaders;
import com.paintbox.edge.proxy.OriginForm;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.util.Locale;

/**
 * The primary cache key (RFC 9111 §4.1's "target URI"), the same for GET and HEAD: the scheme the client's hop
 * used, the host it asked for, and the origin-form target byte for byte (no decoding, query in order).
 *
 * <p>Scheme and host are part of it although the edge has one origin, because the origin sees both (as
 * {@code X-Forwarded-Proto} and {@code X-Forwarded-Host}) and may answer differently: an http-to-https redirect
 * stored for the https key would loop, and a page built with a client's forged {@code Host} must not be served
 * for the real one (Varnish hashes the host for the same reason). Two Next.js request kinds are folded in too, as
 * defence in depth whatever the origin's {@code Vary} says: {@code RSC: 1} (the flight payload, never the page;
 * CVE-2026-44576, next.js#49140) and {@code x-nextjs-data} (CVE-2026-44572).
 */
final class ResourceKey {

  final String scheme;
  final String host;
  final String target;
  final boolean rsc;
  final boolean nextData;
  private final String text;

  /**
   * @param prefetch the RSC prefetch the request asks for ({@code Next-Router-Prefetch} and
   *     {@code Next-Router-Segment-Prefetch} values), or null for none
   */
  ResourceKey(String scheme, String host, String target, boolean rsc, String prefetch, boolean nextData) {
    this.scheme = scheme;
    this.host = host == null ? "" : host.toLowerCase(Locale.ROOT);
    this.target = target;
    this.rsc = rsc;
    this.nextData = nextData;
    this.text = scheme + "://" + this.host + target + (rsc ? " rsc" : "")
        + (prefetch == null ? "" : " prefetch=" + prefetch) + (nextData ? " data" : "");
  }

  /** The key of {@code in}: its hop's scheme as the origin is told it, its authority, its origin-form target. */
  static ResourceKey of(HttpServerRequest in, boolean trustForwarded) {
    HostAndPort authority = in.authority();
    String host = authority == null ? "" : authority.port() < 0 ? authority.host()
        : authority.host() + ":" + authority.port();
    MultiMap headers = in.headers();
    boolean rsc = "1".equals(headers.get("rsc"));
    String prefetch = headers.get("next-router-prefetch");
    String segment = headers.get("next-router-segment-prefetch");
    String prefetchKey = !rsc || (prefetch == null && segment == null) ? null : prefetch + "|" + segment;
    return new ResourceKey(ForwardedHeaders.scheme(in, trustForwarded), host, OriginForm.of(in.uri()), rsc,
        prefetchKey, headers.contains("x-nextjs-data"));
  }

  /** The path of the target, without its query. */
  String path() {
    int query = target.indexOf('?');
    return query < 0 ? target : target.substring(0, query);
  }

  /** True when this key is for {@code target} on {@code host} (any scheme, any Next.js kind); null host: any. */
  boolean names(String otherHost, String otherTarget) {
    return target.equals(otherTarget) && (otherHost == null || host.equalsIgnoreCase(otherHost));
  }

  @Override
  public boolean equals(Object other) {
    return other instanceof ResourceKey key && text.equals(key.text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  @Override
  public String toString() {
    return text;
  }
}
