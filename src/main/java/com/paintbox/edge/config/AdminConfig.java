package com.paintbox.edge.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The admin port: metrics, health, forced refresh.
 *
 * @param bind address to listen on; loopback unless the deployment exposes it to a scraper
 * @param port admin port
 * @param token bearer token for admin POSTs; absent means those POSTs answer 403
 * @param refreshInterval least time between two forced refreshes, so the endpoint cannot hammer AWS
 */
public record AdminConfig(String bind, int port, Optional<String> token, Duration refreshInterval) {

  public AdminConfig {
    Objects.requireNonNull(bind, "bind");
    Objects.requireNonNull(token, "token");
    Objects.requireNonNull(refreshInterval, "refreshInterval");
  }

  @Override
  public String toString() {
    return "AdminConfig[bind=" + bind + ", port=" + port + ", token=" + (token.isPresent() ? "<set>" : "<unset>")
        + ", refreshInterval=" + refreshInterval + "]";
  }
}
