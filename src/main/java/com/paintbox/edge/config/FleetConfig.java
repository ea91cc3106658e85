package com.paintbox.edge.config;

import io.netty.util.NetUtil;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The fleet: the other machines of the app, where they come from, and the shield region.
 *
 * <p>Peers come from {@code EDGE_FLEET_PEERS} when it is set (anywhere, tests included), else, on Fly (when
 * {@code FLY_APP_NAME} is set), from the private network's DNS at {@code EDGE_FLEET_DNS}; otherwise there are none and
 * the machine is a fleet of one.
 *
 * @param region this machine's region: {@code EDGE_REGION}, else {@code FLY_REGION}, whether or not a
 *     {@code regions/} overlay exists for it
 * @param shieldRegion {@code EDGE_SHIELD_REGION}: the region whose machines take the others' cacheable misses
 * @param staticPeers the other machines named by {@code EDGE_FLEET_PEERS}; empty when unset
 * @param app {@code FLY_APP_NAME}: the app whose {@code .internal} names are resolved
 * @param machineId {@code FLY_MACHINE_ID}: this machine, which DNS lists too and the fleet leaves out
 * @param dnsHost the resolver's address, an IP literal ({@code fdaa::3} on Fly)
 * @param dnsPort the resolver's port
 * @param refresh how often the DNS names are resolved again
 * @param connectTimeout longest wait for a connection to another machine (purge forwards, shield fetches)
 * @param purgeAttempts attempts per machine for a forwarded purge, the first included
 * @param purgeDeadline longest a fleet purge (or refresh) takes, every machine and retry included
 */
public record FleetConfig(
    Optional<String> region,
    Optional<String> shieldRegion,
    List<StaticPeer> staticPeers,
    Optional<String> app,
    Optional<String> machineId,
    String dnsHost,
    int dnsPort,
    Duration refresh,
    Duration connectTimeout,
    int purgeAttempts,
    Duration purgeDeadline) {

  /** A DNS label: what an app name or a machine id must be to sit inside a {@code .internal} name. */
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
  private static final int DNS_PORT = 53;
  private static final String PEERS = "EDGE_FLEET_PEERS";
  private static final String PEERS_EXPECTED = "a JSON array of {\"region\":\"lhr\",\"url\":\"http://host:8080\","
      + "\"admin\":\"http://host:9091\"}, each url an http:// URL with a host and no path, no two alike";

  /** One other machine as {@code EDGE_FLEET_PEERS} names it: its region, public URL and admin URL. */
  public record StaticPeer(String region, URI url, URI admin) {}

  /** True when peers are found on the private network's DNS rather than named in the configuration. */
  public boolean dnsDiscovery() {
    return staticPeers.isEmpty() && app.isPresent();
  }

  /** True when this machine is in the shield region, so it fills from the origin itself. */
  public boolean inShieldRegion() {
    return shieldRegion.isPresent() && shieldRegion.equals(region);
  }

  static FleetConfig from(Settings s, Optional<String> appliedRegion) {
    Optional<String> flyRegion = s.optional("FLY_REGION").map(r -> r.toLowerCase(Locale.ROOT));
    Optional<String> region = appliedRegion.or(() -> flyRegion);
    Optional<String> shield = s.optional("EDGE_SHIELD_REGION").map(r -> r.toLowerCase(Locale.ROOT));
    shield.ifPresent(code -> {
      if (!ConfigLoader.REGION_CODE.matcher(code).matches()) {
        throw new ConfigException("EDGE_SHIELD_REGION", code, "a region code such as iad");
      }
      if (region.isEmpty()) {
        throw new ConfigException("EDGE_SHIELD_REGION", code,
            "this machine's region to be known as well (EDGE_REGION or FLY_REGION), to tell shield from edge");
      }
    });
    Optional<String> app = label(s, "FLY_APP_NAME");
    Optional<String> machine = label(s, "FLY_MACHINE_ID");
    String dns = s.string("EDGE_FLEET_DNS");
    String[] resolver = resolver(dns);
    return new FleetConfig(region, shield, peers(s.optional(PEERS)), app, machine, resolver[0],
        Integer.parseInt(resolver[1]),
        s.seconds("EDGE_FLEET_REFRESH_SECONDS", 1, 3_600),
        s.millis("EDGE_FLEET_CONNECT_TIMEOUT_MILLIS", 10, 60_000),
        s.integer("EDGE_FLEET_PURGE_ATTEMPTS", 1, 10),
        s.seconds("EDGE_FLEET_PURGE_DEADLINE_SECONDS", 1, 300));
  }

  private static Optional<String> label(Settings s, String key) {
    Optional<String> value = s.optional(key).map(v -> v.toLowerCase(Locale.ROOT));
    value.ifPresent(v -> {
      if (!LABEL.matcher(v).matches()) {
        throw new ConfigException(key, v, "a DNS label (letters, digits, hyphens)");
      }
    });
    return value;
  }

  /**
   * The resolver as {host, port}: {@code fdaa::3}, {@code [fdaa::3]:53}, {@code 127.0.0.1} or
   * {@code 127.0.0.1:5353}. An IP literal only: the resolver cannot be found by resolving a name.
   */
  private static String[] resolver(String text) {
    String host = text;
    String port = Integer.toString(DNS_PORT);
    if (text.startsWith("[") && text.contains("]")) {
      host = text.substring(1, text.indexOf(']'));
      String rest = text.substring(text.indexOf(']') + 1);
      port = rest.startsWith(":") ? rest.substring(1) : rest.isEmpty() ? port : "x";
    } else if (text.indexOf(':') == text.lastIndexOf(':') && text.indexOf(':') > 0) {
      host = text.substring(0, text.indexOf(':'));
      port = text.substring(text.indexOf(':') + 1);
    }
    boolean literal = NetUtil.isValidIpV4Address(host) || NetUtil.isValidIpV6Address(host);
    if (!literal || !port.matches("[0-9]{1,5}") || Integer.parseInt(port) < 1 || Integer.parseInt(port) > 65_535) {
      throw new ConfigException("EDGE_FLEET_DNS", text,
          "an IP address with an optional port: fdaa::3, [fdaa::3]:53 or 127.0.0.1:5353");
    }
    return new String[] {host, port};
  }

  private static List<StaticPeer> peers(Optional<String> text) {
    if (text.isEmpty()) {
      return List.of();
    }
    JsonArray array;
    try {
      array = new JsonArray(text.get());
    } catch (DecodeException | ClassCastException notJson) {
      throw new ConfigException(PEERS, text.get(), PEERS_EXPECTED);
    }
    List<StaticPeer> peers = new ArrayList<>();
    Set<URI> seen = new HashSet<>();
    for (Object item : array) {
      StaticPeer peer = peer(item, text.get());
      if (!seen.add(peer.url()) || !seen.add(peer.admin())) {
        throw new ConfigException(PEERS, text.get(), PEERS_EXPECTED + " (" + peer.url() + " twice)");
      }
      peers.add(peer);
    }
    return List.copyOf(peers);
  }

  private static StaticPeer peer(Object item, String text) {
    if (!(item instanceof JsonObject object) || !Set.of("region", "url", "admin").containsAll(object.fieldNames())
        || !(object.getValue("region") instanceof String region) || !ConfigLoader.REGION_CODE.matcher(region).matches()) {
      throw new ConfigException(PEERS, text, PEERS_EXPECTED);
    }
    return new StaticPeer(region, url(object.getValue("url"), text), url(object.getValue("admin"), text));
  }

  private static URI url(Object value, String text) {
    try {
      URI uri = value instanceof String s ? new URI(s) : null;
      boolean pathless = uri != null && (uri.getRawPath() == null || uri.getRawPath().isEmpty()
          || uri.getRawPath().equals("/"));
      if (uri != null && "http".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null && pathless
          && uri.getRawQuery() == null && uri.getRawFragment() == null && uri.getRawUserInfo() == null) {
        return uri;
      }
    } catch (java.net.URISyntaxException ignored) {
      // reported below with what would have been accepted
    }
    throw new ConfigException(PEERS, text, PEERS_EXPECTED);
  }
}
