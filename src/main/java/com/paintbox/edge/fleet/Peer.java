package com.paintbox.edge.fleet;

import io.vertx.core.json.JsonObject;
import java.net.URI;

/**
 * Another machine of the fleet, as configuration or the private network's DNS named it: never as a request did.
 *
 * @param id the Fly machine id, or the admin URL's authority for a peer named in {@code EDGE_FLEET_PEERS}
 * @param region its region code
 * @param url its public port (the shield tier fetches there)
 * @param admin its admin port (purges and refreshes are forwarded there)
 */
public record Peer(String id, String region, URI url, URI admin) {

  /** The public port's host as a socket address takes it: an IPv6 literal without its brackets. */
  String host() {
    return bare(url.getHost());
  }

  int port() {
    return url.getPort() == -1 ? 80 : url.getPort();
  }

  /** How an answer names it. */
  JsonObject toJson() {
    return new JsonObject().put("machine", id).put("region", region);
  }

  static String bare(String host) {
    return host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
  }
}
