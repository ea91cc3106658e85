package com.paintbox.edge.testing;

import com.paintbox.edge.proxy.OriginExchange;
import java.util.Map;

/**
 * The ways an exchange can reach the origin, for tests that run one case on each (as vertx-http-proxy's
 * {@code ProxyTestBase} runs its cases on each of its setups).
 */
public enum OriginPath {
  /** Production's: the direct exchange for bodiless HTTP/1.1, vertx-http-proxy for the rest. */
  DIRECT(OriginExchange.Transport.AUTO),
  /** Every exchange through vertx-http-proxy. */
  ENGINE(OriginExchange.Transport.ENGINE);

  private final OriginExchange.Transport transport;

  OriginPath(OriginExchange.Transport transport) {
    this.transport = transport;
  }

  public OriginExchange.Transport transport() {
    return transport;
  }

  /** Settings this path adds to a test edge's environment (test settings win). */
  public Map<String, String> settings() {
    return Map.of();
  }
}
