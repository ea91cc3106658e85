package com.paintbox.edge.fleet;

import com.paintbox.edge.config.FleetConfig;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.dns.DnsClient;
import io.vertx.core.dns.DnsClientOptions;
import io.vertx.core.dns.DnsException;
import io.vertx.core.dns.DnsResponseCode;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The fleet on Fly, from its private-network DNS (superfly/docs, private-networking): {@code vms.<app>.internal}
 * (TXT) lists the started machines as comma-separated {@code <machine id> <region>} pairs, and
 * {@code <id>.vm.<app>.internal} (AAAA) is each one's 6PN address. Stopped machines are not listed, so they are
 * neither peers nor errors; a listed machine whose address does not resolve is skipped until the next round. A
 * round that fails as a whole (the resolver silent, SERVFAIL) keeps the last list: a DNS hiccup must not make a
 * fleet forget itself.
 *
 * <p>Rounds run on a timer ({@code EDGE_FLEET_REFRESH_SECONDS}), one at a time. 6PN addresses change when a machine
 * restarts, which is why they are resolved again and not kept.
 */
final class DnsDiscovery {

  private static final Logger log = LoggerFactory.getLogger(DnsDiscovery.class);
  /** One query's wait for the resolver, in milliseconds: fdaa::3 answers in single-digit ms on a machine. */
  private static final long QUERY_TIMEOUT_MILLIS = 2_000;

  private final Vertx vertx;
  private final DnsClient dns;
  private final String app;
  private final Optional<String> self;
  private final int publicPort;
  private final int adminPort;
  private final Directory directory;
  private final FleetEvents events;
  private final long refreshMillis;
  private long timer = -1;
  private boolean running;

  DnsDiscovery(Vertx vertx, FleetConfig config, int publicPort, int adminPort, Directory directory,
      FleetEvents events) {
    this.vertx = vertx;
    this.dns = vertx.createDnsClient(new DnsClientOptions().setHost(config.dnsHost()).setPort(config.dnsPort())
        .setQueryTimeout(QUERY_TIMEOUT_MILLIS).setRecursionDesired(true));
    this.app = config.app().orElseThrow();
    this.self = config.machineId();
    this.publicPort = publicPort;
    this.adminPort = adminPort;
    this.directory = directory;
    this.events = events;
    this.refreshMillis = config.refresh().toMillis();
  }

  /** Resolves now and then on the timer. */
  void start() {
    timer = vertx.setPeriodic(refreshMillis, id -> round());
    round();
  }

  Future<Void> close() {
    vertx.cancelTimer(timer);
    return dns.close();
  }

  private void round() {
    if (running) {
      return;
    }
    running = true;
    resolve().onComplete(done -> {
      running = false;
      events.discovered(done.succeeded());
      if (done.succeeded()) {
        if (directory.replace(done.result())) {
          log.atInfo().addKeyValue("peers", done.result().stream().map(p -> p.id() + " " + p.region()).toList())
              .log("fleet changed");
        }
      } else {
        log.atWarn().addKeyValue("cause", String.valueOf(done.cause())).log("fleet discovery failed; keeping the last list");
      }
    });
  }

  /** One round: the TXT list, then every other machine's address. */
  Future<List<Peer>> resolve() {
    return dns.resolveTXT("vms." + app + ".internal").recover(DnsDiscovery::noMachines).compose(txt -> {
      List<Future<Peer>> found = new ArrayList<>();
      machines(String.join("", txt)).forEach((id, region) -> {
        if (self.isEmpty() || !self.get().equals(id)) {
          found.add(address(id, region));
        }
      });
      return Future.all(found).map(all -> {
        List<Peer> peers = new ArrayList<>();
        for (int i = 0; i < all.size(); i++) {
          Peer peer = all.resultAt(i);
          if (peer != null) {
            peers.add(peer);
          }
        }
        return List.copyOf(peers);
      });
    });
  }

  /** NXDOMAIN for the list means no machine is started (a fleet of none), not a failed round. */
  private static Future<List<String>> noMachines(Throwable failure) {
    return failure instanceof DnsException dns && dns.code() == DnsResponseCode.NXDOMAIN
        ? Future.succeededFuture(List.of()) : Future.failedFuture(failure);
  }

  /** A machine's first 6PN address as a peer, or null when it does not resolve (stopped since the list was read). */
  private Future<Peer> address(String id, String region) {
    return dns.resolveAAAA(id + ".vm." + app + ".internal").map(addresses -> {
      if (addresses.isEmpty()) {
        return null;
      }
      String address = addresses.get(0); // an IPv4-mapped AAAA comes back as IPv4
      String host = address.contains(":") ? "[" + address + "]" : address;
      return new Peer(id, region, URI.create("http://" + host + ":" + publicPort),
          URI.create("http://" + host + ":" + adminPort));
    }).otherwise((Peer) null);
  }

  /**
   * The {@code vms} TXT value as id → region, in order: comma-separated pairs separated by a space. Anything else
   * is skipped: ids and regions are DNS labels, so nothing odd ever becomes part of a name or a URL.
   */
  static Map<String, String> machines(String txt) {
    Map<String, String> machines = new LinkedHashMap<>();
    for (String pair : txt.split(",")) {
      String[] parts = pair.trim().split("\\s+");
      if (parts.length == 2 && parts[0].matches("[a-z0-9]{1,63}") && parts[1].matches("[a-z0-9-]{2,16}")) {
        machines.put(parts[0], parts[1]);
      }
    }
    return machines;
  }
}
