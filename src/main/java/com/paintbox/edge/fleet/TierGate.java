package com.paintbox.edge.fleet;

import io.vertx.core.Handler;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;

/**
 * In front of the origin route of every machine: a request with a valid {@link HopMarker} is a tier hop from one of
 * the fleet's edges and takes the hop route (which trusts its forwarding headers and never goes to a shield again);
 * anything else is a client's request, its marker (forged, stale, or sent with no token configured here) removed
 * before anything reads or forwards it.
 */
final class TierGate implements Handler<HttpServerRequest> {

  private final HopMarker marker;
  private final Handler<HttpServerRequest> clients;
  private final Handler<HttpServerRequest> hops;
  private final FleetEvents events;

  /**
   * @param marker null when no token is configured: then no request is a hop
   */
  TierGate(HopMarker marker, Handler<HttpServerRequest> clients, Handler<HttpServerRequest> hops,
      FleetEvents events) {
    this.marker = marker;
    this.clients = clients;
    this.hops = hops;
    this.events = events;
  }

  @Override
  public void handle(HttpServerRequest in) {
    String value = in.headers().get(HopMarker.HEADER);
    if (value == null) {
      clients.handle(in);
      return;
    }
    in.headers().remove(HopMarker.HEADER);
    HostAndPort authority = in.authority();
    boolean valid = marker != null && authority != null
        && marker.verify(value, in.method().name(), authority.toString(), in.uri());
    events.hop(valid);
    (valid ? hops : clients).handle(in);
  }
}
