package com.paintbox.edge.fleet;

import com.paintbox.edge.config.EdgeConfig;
import com.paintbox.edge.config.FleetConfig;
import com.paintbox.edge.proxy.FetchTier;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet: one machine per Fly region, each with its own cache, made to act as one CDN on Fly's own primitives
 * (the private network and its DNS), not a cluster protocol of our own.
 *
 * <pre>
 *   discovery   EDGE_FLEET_PEERS (static) │ vms.&lt;app&gt;.internal TXT + &lt;id&gt;.vm.&lt;app&gt;.internal AAAA (Fly)
 *                  └──────────────▶ Directory (the other machines; never this one)
 *   purges      admin POST /cache/purge ─▶ FleetAdmin ─▶ shield region's machines, then the rest (FanOut)
 *   shield tier edge: Fill ─▶ OriginExchange.fetch(cacheable) ─▶ ShieldTier ─▶ shield's public port ─┐
 *               shield: TierGate (valid hop marker) ─▶ hop route (trusts X-Forwarded-*, no tier) ◀───┘
 *                                                     ─▶ origin
 * </pre>
 *
 * What it needs: the same {@code EDGE_ADMIN_TOKEN} on every machine (it authorises forwarded purges and keys the hop
 * marker; without one there is no shield tier), the public and admin ports reachable on the private network
 * ({@code EDGE_BIND=::}, {@code EDGE_ADMIN_BIND=::} on Fly), and this machine's region.
 */
public final class Fleet {

  private static final Logger log = LoggerFactory.getLogger(Fleet.class);
  /** The {@code client_name} of the shield client's {@code vertx_http_client_*} meters. */
  static final String SHIELD_CLIENT = "shield";
  /** The {@code client_name} of the admin forwards' client. */
  static final String ADMIN_CLIENT = "fleet-admin";
  /** Keep-alive of the admin client's connections, in seconds: purges come in bursts, machines come and go. */
  private static final int ADMIN_KEEP_ALIVE_SECONDS = 10;
  private static final int SHIELD_MAX_HEADER_BYTES = 65_536;
  private static final int SHIELD_CHUNK_BYTES = 65_536;

  private final EdgeConfig config;
  private final FleetConfig fleet;
  private final FleetEvents events;
  private final Directory directory;
  private final Shields shields;
  private final HopMarker marker;
  private final HttpClient adminClient;
  private final FleetAdmin admin;
  private DnsDiscovery discovery;

  private Fleet(Vertx vertx, EdgeConfig config, FleetEvents events) {
    this.config = config;
    this.fleet = config.fleet();
    this.events = events;
    this.directory = new Directory(fleet.shieldRegion());
    this.shields = new Shields(directory, System::nanoTime);
    this.marker = config.admin().token()
        .map(token -> new HopMarker(token, fleet.region().orElse("none"), () -> System.currentTimeMillis() / 1000))
        .orElse(null);
    this.adminClient = vertx.createHttpClient(new HttpClientOptions().setMetricsName(ADMIN_CLIENT)
        .setKeepAliveTimeout(ADMIN_KEEP_ALIVE_SECONDS)
        .setConnectTimeout((int) fleet.connectTimeout().toMillis()), new PoolOptions().setHttp1MaxSize(4));
    this.admin = new FleetAdmin(directory, fleet, new FanOut(vertx, adminClient, config.admin().token(),
        fleet.purgeAttempts(), fleet.connectTimeout().toMillis(), events));
  }

  /** Builds the fleet and starts discovery; peers found by DNS arrive after start-up, without holding it up. */
  public static Fleet start(Vertx vertx, EdgeConfig config, FleetEvents events) {
    Fleet fleet = new Fleet(vertx, config, events);
    FleetConfig settings = config.fleet();
    if (!settings.staticPeers().isEmpty()) {
      List<Peer> peers = new ArrayList<>();
      settings.staticPeers().forEach(p -> peers.add(new Peer(p.admin().getAuthority(), p.region(), p.url(), p.admin())));
      fleet.directory.replace(peers);
    } else if (settings.dnsDiscovery()) {
      fleet.discovery = new DnsDiscovery(vertx, settings, config.port(), config.admin().port(), fleet.directory,
          events);
      fleet.discovery.start();
    }
    fleet.logSummary();
    return fleet;
  }

  /** True when this machine sends its cacheable misses to the shield region: it is an edge, and it can sign hops. */
  public boolean shielded() {
    return fleet.shieldRegion().isPresent() && !fleet.inShieldRegion() && marker != null;
  }

  /** True when requests with a valid hop marker can exist here (a token is configured to check them with). */
  public boolean acceptsHops() {
    return marker != null;
  }

  /**
   * The tier one event loop's cacheable fetches go through: the shield, or none. Call it on that loop, from its
   * verticle's start: the shield client then belongs to the verticle and closes with it.
   */
  public FetchTier tier(Vertx loop) {
    if (!shielded()) {
      return FetchTier.ORIGIN;
    }
    HttpClient client = loop.createHttpClient(new HttpClientOptions()
        .setMetricsName(SHIELD_CLIENT)
        .setProtocolVersion(HttpVersion.HTTP_1_1)
        .setKeepAlive(true)
        .setKeepAliveTimeout((int) config.origin().idleTimeout().toSeconds())
        .setIdleTimeout((int) config.origin().bodyIdleTimeout().toSeconds()) // as for the origin: a stalled body
        .setConnectTimeout((int) fleet.connectTimeout().toMillis())
        .setMaxHeaderSize(SHIELD_MAX_HEADER_BYTES)
        .setMaxChunkSize(SHIELD_CHUNK_BYTES)
        .setDecompressionSupported(false)
        .setPipelining(false), new PoolOptions().setHttp1MaxSize(config.origin().poolSize()));
    // The shield waits on the origin for up to the origin timeout itself; the edge gives it a connection's worth more.
    long headTimeout = config.origin().responseTimeout().plus(fleet.connectTimeout()).toMillis();
    return new ShieldTier(loop, client, shields, marker, events, fleet.connectTimeout().toMillis(), headTimeout);
  }

  /**
   * The origin route of one event loop behind the tier gate: {@code hops} takes requests with a valid hop marker,
   * {@code clients} everything else, markers removed.
   */
  public Handler<HttpServerRequest> gate(Handler<HttpServerRequest> clients, Handler<HttpServerRequest> hops) {
    return new TierGate(marker, clients, hops, events); // without a token no marker is valid: all go to clients
  }

  /** Purges and refreshes for the whole fleet. */
  public FleetAdmin admin() {
    return admin;
  }

  /** The other machines, as last discovered. */
  public List<Peer> peers() {
    return directory.peers();
  }

  /** How many machines of the shield region are known (this one not counted). */
  public int shieldCount() {
    return directory.shields().size();
  }

  public Future<Void> close() {
    Future<Void> dns = discovery == null ? Future.succeededFuture() : discovery.close();
    return dns.eventually(adminClient::close);
  }

  private void logSummary() {
    String mode = !fleet.staticPeers().isEmpty() ? "static" : fleet.dnsDiscovery() ? "dns" : "none";
    String role = fleet.shieldRegion().isEmpty() ? "no shield region" : fleet.inShieldRegion() ? "shield" : "edge";
    log.atInfo().addKeyValue("discovery", mode)
        .addKeyValue("region", fleet.region().orElse("(none)"))
        .addKeyValue("shield_region", fleet.shieldRegion().orElse("(none)"))
        .addKeyValue("role", role)
        .addKeyValue("peers", directory.peers().stream().map(p -> p.id() + " " + p.region()).toList())
        .addKeyValue("dns", mode.equals("dns") ? dnsName() : "(unused)")
        .log("fleet");
    if (fleet.shieldRegion().isPresent() && !fleet.inShieldRegion() && marker == null) {
      log.warn("EDGE_SHIELD_REGION={} is set but EDGE_ADMIN_TOKEN is not: no shield tier (hops could not be "
          + "signed), this machine fills from the origin", fleet.shieldRegion().get());
    }
  }

  private String dnsName() {
    String host = fleet.dnsHost().contains(":") ? "[" + fleet.dnsHost() + "]" : fleet.dnsHost();
    return "vms." + fleet.app().orElse("?") + ".internal @ " + host + ":" + fleet.dnsPort();
  }
}
