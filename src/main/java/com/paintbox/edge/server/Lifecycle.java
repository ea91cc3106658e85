package com.paintbox.edge.server;

import com.paintbox.edge.http.EdgeResponses;
import com.paintbox.edge.jwks.JwksCache;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Objects;

/**
 * Health and readiness, and their one writer, shared by the public and admin ports: alive while the process
 * serves; ready once a JWKS is servable and until draining starts, so the load balancer stops sending work before
 * we stop accepting it.
 */
public final class Lifecycle {

  private final JwksCache cache;
  private volatile boolean draining;

  public Lifecycle(JwksCache cache) {
    Objects.requireNonNull(cache, "cache");
    this.cache = cache;
  }

  public boolean ready() {
    return !draining && cache.ready();
  }

  public boolean draining() {
    return draining;
  }

  public void startDraining() {
    draining = true;
  }

  /** Answers a health check: 200 while the process serves. */
  public void health(HttpServerResponse response) {
    EdgeResponses.json(response, 200, new JsonObject().put("status", "ok"));
  }

  /** Answers a readiness check: 200 when ready, else 503, with what the JWKS is doing. */
  public void readiness(HttpServerResponse response) {
    String status = draining ? "draining" : cache.ready() ? "ready" : "not_ready";
    EdgeResponses.json(response, ready() ? 200 : 503, new JsonObject().put("status", status)
        .put("jwks", cache.state().name().toLowerCase(Locale.ROOT)));
  }
}
