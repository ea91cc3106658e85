package com.paintbox.edge;

import com.paintbox.edge.jwks.JwksCache;

/**
 * What health and readiness report, shared by the public and admin ports: alive while the process serves; ready
 * once a JWKS is servable and until draining starts, so the load balancer stops sending work before we stop
 * accepting it.
 */
public final class Lifecycle {

  private final JwksCache cache;
  private volatile boolean draining;

  public Lifecycle(JwksCache cache) {
    this.cache = cache;
  }

  public boolean ready() {
    return !draining && cache.ready();
  }

  public boolean draining() {
    return draining;
  }

  void startDraining() {
    draining = true;
  }

  /** The JSON body of a readiness answer. */
  public String readinessJson() {
    String status = draining ? "draining" : cache.ready() ? "ready" : "not_ready";
    return "{\"status\":\"" + status + "\",\"jwks\":\"" + cache.state().name().toLowerCase(java.util.Locale.ROOT) + "\"}";
  }
}
