package com.paintbox.edge.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.config.ConfigLoader;
import com.paintbox.edge.config.FleetConfig;
import com.paintbox.edge.metrics.EdgeMeters;
import com.paintbox.edge.testing.ProxyTestEdge;
import com.paintbox.edge.testing.ProxyTestOrigin;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.junit5.VertxExtension;
import java.net.InetAddress;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Discovery on Fly's private-network DNS, against a DNS server this test runs on loopback ({@link LoopbackDns})
 * answering the {@code .internal} names as fdaa::3 does, through the edge's real resolver client: no mock.
 */
@ExtendWith(VertxExtension.class)
class DnsDiscoveryTest {

  private static final String APP = "paintbox-edge";
  private static final String VMS = "vms." + APP + ".internal";

  private Vertx vertx;
  private LoopbackDns dns;

  @BeforeEach
  void start(Vertx vertx) throws InterruptedException {
    this.vertx = vertx;
    dns = new LoopbackDns();
  }

  @AfterEach
  void stop() {
    dns.close();
  }

  @Test
  void resolve_vmsTxtAndEachMachinesAaaa_listsEveryOtherStartedMachine() throws Exception {
    dns.txt(VMS, "7811e96b lhr,3d8d9de4 iad,e784079b syd,9080a2c1 sin")
        .aaaa("3d8d9de4.vm." + APP + ".internal", "fdaa:0:1:a7b:1::2")
        .aaaa("e784079b.vm." + APP + ".internal", "fdaa:0:1:a7b:2::3")
        .aaaa("7811e96b.vm." + APP + ".internal", "fdaa:0:1:a7b:3::4"); // this machine
    // 9080a2c1 stopped between the list and its address: no AAAA, so it is skipped, not an error

    Directory directory = new Directory(Optional.of("iad"));
    DnsDiscovery discovery = new DnsDiscovery(vertx, fleet("7811e96b", "lhr", Map.of()), 8080, 9091, directory,
        FleetEvents.NONE);
    List<Peer> peers = TestFleet.await(discovery.resolve());
    TestFleet.await(discovery.close());

    assertThat(peers).extracting(Peer::id).containsExactly("3d8d9de4", "e784079b");
    assertThat(peers).extracting(Peer::region).containsExactly("iad", "syd");
    Peer iad = peers.get(0);
    assertThat(InetAddress.getByName(iad.host())).isEqualTo(InetAddress.getByName("fdaa:0:1:a7b:1::2"));
    assertThat(iad.port()).isEqualTo(8080);
    assertThat(iad.admin().getPort()).isEqualTo(9091);
    assertThat(iad.url().getHost()).startsWith("[fdaa:");
  }

  @Test
  void resolve_noMachineListed_isAnEmptyFleetNotAFailure() {
    DnsDiscovery discovery = new DnsDiscovery(vertx, fleet("7811e96b", "lhr", Map.of()), 8080, 9091,
        new Directory(Optional.empty()), FleetEvents.NONE);

    assertThat(TestFleet.await(discovery.resolve())).isEmpty();
    TestFleet.await(discovery.close());
  }

  @Test
  void wholeEdge_onATimer_followsMachinesAsTheyStartAndStopAndKeepsItsListWhileTheResolverIsSilent() {
    dns.txt(VMS, "aaaa1111 lhr,bbbb2222 iad").aaaa("bbbb2222.vm." + APP + ".internal", "fdaa::2");
    ProxyTestOrigin origin = TestFleet.await(new ProxyTestOrigin(vertx).start());
    Map<String, String> env = new HashMap<>(flyEnv("aaaa1111", "lhr"));
    env.put("EDGE_FLEET_REFRESH_SECONDS", "1");
    ProxyTestEdge edge = TestFleet.await(ProxyTestEdge.start(vertx, origin.url(), env));
    try {
      Fleet fleet = edge.edge().fleet();
      awaitTrue(() -> ids(fleet).equals(List.of("bbbb2222")));
      assertThat(fleet.shieldCount()).isEqualTo(1);

      dns.txt(VMS, "aaaa1111 lhr,bbbb2222 iad,cccc3333 syd").aaaa("cccc3333.vm." + APP + ".internal", "fdaa::3");
      awaitTrue(() -> ids(fleet).equals(List.of("bbbb2222", "cccc3333")));

      dns.txt(VMS, "aaaa1111 lhr,cccc3333 syd"); // the shield machine stopped
      awaitTrue(() -> ids(fleet).equals(List.of("cccc3333")));
      assertThat(fleet.shieldCount()).isZero();

      dns.mute(true);
      double failedBefore = edge.count(EdgeMeters.FLEET_DISCOVERY, "outcome", "error");
      awaitTrue(() -> edge.count(EdgeMeters.FLEET_DISCOVERY, "outcome", "error") > failedBefore);
      assertThat(ids(fleet)).as("a silent resolver does not empty the fleet").containsExactly("cccc3333");
      assertThat(edge.count(EdgeMeters.FLEET_DISCOVERY, "outcome", "success")).isGreaterThanOrEqualTo(3);
    } finally {
      TestFleet.await(edge.close().eventually(origin::close));
    }
  }

  /**
   * Two whole edges found by DNS alone: lhr on 127.0.0.1 and the shield, iad, on 127.0.0.2, on the same ports as
   * machines on Fly are (their AAAA records are IPv4-mapped, which is all loopback offers two of). lhr's miss goes to
   * iad, which fills from the origin; a purge at lhr reaches iad at the address DNS gave.
   */
  @Test
  void twoEdgesFoundByDns_missGoesToTheShieldAndAPurgeReachesIt() {
    dns.txt(VMS, "aaaa1111 lhr,bbbb2222 iad")
        .aaaa("aaaa1111.vm." + APP + ".internal", "127.0.0.1")
        .aaaa("bbbb2222.vm." + APP + ".internal", "127.0.0.2");
    ProxyTestOrigin origin = TestFleet.await(new ProxyTestOrigin(vertx).start());
    origin.handle(request -> request.response().putHeader("Cache-Control", "public, max-age=600")
        .putHeader("Surrogate-Key", "found").end("found by dns"));
    int[] ports = TestFleet.freePorts(2);
    Map<String, String> lhrEnv = new HashMap<>(flyEnv("aaaa1111", "lhr"));
    Map<String, String> iadEnv = new HashMap<>(flyEnv("bbbb2222", "iad"));
    for (Map<String, String> env : List.of(lhrEnv, iadEnv)) {
      env.put("EDGE_PORT", Integer.toString(ports[0]));
      env.put("EDGE_ADMIN_PORT", Integer.toString(ports[1]));
    }
    iadEnv.put("EDGE_BIND", "127.0.0.2");
    iadEnv.put("EDGE_ADMIN_BIND", "127.0.0.2");
    ProxyTestEdge iad = TestFleet.await(ProxyTestEdge.start(vertx, origin.url(), iadEnv));
    ProxyTestEdge lhr = TestFleet.await(ProxyTestEdge.start(vertx, origin.url(), lhrEnv));
    var client = vertx.createHttpClient();
    try {
      awaitTrue(() -> lhr.edge().fleet().shieldCount() == 1);
      String viaLhr = get(client, "127.0.0.1", ports[0], "/found");
      String atIad = get(client, "127.0.0.2", ports[0], "/found");
      assertThat(origin.seen()).hasSize(1);
      assertThat(viaLhr).startsWith("paintbox-edge; fwd=uri-miss").contains(", paintbox-edge; fwd=uri-miss");
      assertThat(atIad).startsWith("paintbox-edge; hit");

      JsonObject purge = TestFleet.await(client.request(new io.vertx.core.http.RequestOptions()
              .setMethod(HttpMethod.POST).setHost("127.0.0.1").setPort(ports[1]).setURI("/cache/purge")
              .addHeader("Authorization", "Bearer " + TestFleet.TOKEN))
          .compose(request -> request.send(new JsonObject().put("surrogate_keys", new JsonArray().add("found"))
              .toBuffer()).compose(response -> response.body().map(JsonObject::new))));
      assertThat(purge.getString("outcome")).as(purge.encode()).isEqualTo("success");
      JsonObject machine = purge.getJsonObject("fleet").getJsonArray("machines").getJsonObject(0);
      assertThat(machine.getString("machine")).isEqualTo("bbbb2222");
      assertThat(machine.getString("role")).isEqualTo("shield");
      assertThat(machine.getJsonObject("answer").getJsonObject("purged").getInteger("urls")).isEqualTo(1);
    } finally {
      TestFleet.await(client.close().eventually(lhr::close).eventually(iad::close).eventually(origin::close));
    }
  }

  /** A whole edge's settings for a Fly machine of {@link #APP} whose resolver is the loopback server. */
  private Map<String, String> flyEnv(String machine, String region) {
    Map<String, String> env = new HashMap<>();
    env.put("FLY_APP_NAME", APP);
    env.put("FLY_MACHINE_ID", machine);
    env.put("FLY_REGION", region);
    env.put("EDGE_FLEET_DNS", dns.address());
    env.put("EDGE_SHIELD_REGION", "iad");
    env.put("EDGE_ADMIN_TOKEN", TestFleet.TOKEN);
    env.put("EDGE_DRAIN_SECONDS", "1");
    return env;
  }

  private FleetConfig fleet(String machine, String region, Map<String, String> more) {
    Map<String, String> env = new HashMap<>(flyEnv(machine, region));
    env.putAll(more);
    return TestFleet.await(ConfigLoader.load(vertx, env)).fleet();
  }

  private static String get(io.vertx.core.http.HttpClient client, String address, int port, String path) {
    return TestFleet.await(client.request(new io.vertx.core.http.RequestOptions()
            .setServer(io.vertx.core.net.SocketAddress.inetSocketAddress(port, address))
            .setHost(TestFleet.HOST).setPort(80).setURI(path))
        .compose(request -> request.send()
            .compose(response -> response.body().map(body -> response.getHeader("Cache-Status")))));
  }

  private static List<String> ids(Fleet fleet) {
    return fleet.peers().stream().map(Peer::id).sorted().toList();
  }

  private static void awaitTrue(BooleanSupplier condition) {
    long deadline = System.currentTimeMillis() + 20_000;
    while (!condition.getAsBoolean()) {
      if (System.currentTimeMillis() > deadline) {
        throw new AssertionError("timed out waiting");
      }
      try {
        Thread.sleep(50);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
