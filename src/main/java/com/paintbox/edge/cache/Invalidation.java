package com.paintbox.edge.cache;

import com.paintbox.edge.http.Fields;
import com.paintbox.edge.proxy.ExchangeListener;
import com.paintbox.edge.proxy.OriginForm;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import java.net.URI;
import java.net.URISyntaxException;

/**
 * RFC 9111 §4.4: a non-error answer (2xx, 3xx) to an unsafe request invalidates the stored responses of its target
 * URI and of the URIs in its {@code Location} and {@code Content-Location}, when those are on the same host (a
 * response must not be able to invalidate another site's entries). Every scheme and variant of them goes.
 */
public final class Invalidation implements ExchangeListener {

  private final OriginCache cache;

  public Invalidation(OriginCache cache) {
    this.cache = java.util.Objects.requireNonNull(cache, "cache");
  }

  @Override
  public void answered(HttpServerRequest in, HttpClientResponse answer) {
    HttpMethod method = in.method();
    int status = answer.statusCode();
    if (safe(method) || status < 200 || status >= 400) {
      return;
    }
    HostAndPort authority = in.authority();
    String host = authority == null ? "" : authority.port() < 0 ? authority.host()
        : authority.host() + ":" + authority.port();
    String target = OriginForm.of(in.uri());
    cache.invalidate(host, target);
    related(answer.getHeader(HttpHeaders.LOCATION), host, target);
    related(answer.getHeader(Fields.CONTENT_LOCATION), host, target);
  }

  private void related(String reference, String host, String target) {
    if (reference == null) {
      return;
    }
    try {
      URI resolved = new URI("http://" + host + target).resolve(new URI(reference.trim()));
      if (resolved.getRawAuthority() == null || !resolved.getRawAuthority().equalsIgnoreCase(host)) {
        return; // another host's URI: not ours to invalidate (§4.4)
      }
      String path = resolved.getRawPath() == null || resolved.getRawPath().isEmpty() ? "/" : resolved.getRawPath();
      cache.invalidate(host, resolved.getRawQuery() == null ? path : path + "?" + resolved.getRawQuery());
    } catch (URISyntaxException | IllegalArgumentException unparsable) {
      // a malformed Location names nothing we hold
    }
  }

  private static boolean safe(HttpMethod method) {
    return method == HttpMethod.GET || method == HttpMethod.HEAD || method == HttpMethod.OPTIONS
        || method == HttpMethod.TRACE;
  }
}
