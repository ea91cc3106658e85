package com.paintbox.edge.proxy;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * A cache tier between this edge and the origin, for the fetches whose answers may be stored (the fleet's shield
 * region, {@code com.paintbox.edge.fleet}). The seam is here so the proxy never depends on the fleet: the tier gets
 * the fetch {@link OriginExchange#fetch} was asked for and the origin's own fetch to fall back on.
 */
public interface FetchTier {

  /**
   * Fetches through the tier, or from {@code origin} when the tier declines or cannot answer. The arguments are
   * {@link OriginExchange#fetch}'s; {@code headers} belong to the origin fetch too, so a tier copies before adding.
   */
  Future<HttpClientResponse> fetch(HttpServerRequest in, HttpMethod method, String uri, MultiMap headers,
      BooleanSupplier wanted, Consumer<HttpClientRequest> sending, Supplier<Future<HttpClientResponse>> origin);

  /** No tier: every fetch goes to the origin. */
  FetchTier ORIGIN = (in, method, uri, headers, wanted, sending, origin) -> origin.get();
}
