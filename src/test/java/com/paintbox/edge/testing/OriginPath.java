package com.paintbox.edge.testing;

import com.paintbox.edge.proxy.OriginExchange;
import java.util.Map;

/**
 * The ways an exchange can reach the origin, for tests that run one case on each (as vertx-http-proxy's
 * {@code ProxyTestBase} runs its cases on each of its setups).
 */
public enum OriginPath {
  /** Production's: the origin cache in front; what it forwards takes the direct exchange where it applies. */
  CACHE(OriginExchange.Transport.AUTO, true),
  /** The cache off: the direct exchange for bodiless HTTP/1.1, vertx-http-proxy for the rest. */
  DIRECT(OriginExchange.Transport.AUTO, false),
  /** The cache off, every exchange through vertx-http-proxy. */
  ENGINE(OriginExchange.Transport.ENGINE, false);

  private final OriginExchange.Transport transport;
  private final boolean cache;

  OriginPath(OriginExchange.Transport transport, boolean cache) {
    this.transport = transport;
    this.cache = cache;
  }

  public OriginExchange.Transport transport() {
    return transport;
  }

  /** True when the origin cache is in front. */
  public boolean cached() {
    return cache;
  }

  /** Settings this path adds to a test edge's environment (test settings win). */
  public Map<String, String> settings() {
    return Map.of("EDGE_CACHE_ENABLED", Boolean.toString(cache));
  }
}
