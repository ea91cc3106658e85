package com.paintbox.edge.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The fleet's settings: defaults, Fly's variables, and each refusal naming its key (exit 2 at start-up). */
class FleetConfigTest {

  private static final String PEERS = "[{\"region\":\"lhr\",\"url\":\"http://10.0.0.2:8080\","
      + "\"admin\":\"http://10.0.0.2:9091\"},{\"region\":\"iad\",\"url\":\"http://[fdaa::3]:8080\","
      + "\"admin\":\"http://[fdaa::3]:9091\"}]";

  private static Vertx vertx;

  @BeforeAll
  static void startVertx() {
    vertx = Vertx.vertx();
  }

  @AfterAll
  static void stopVertx() {
    vertx.close().await();
  }

  private static FleetConfig load(Map<String, String> env) {
    return ConfigLoader.load(vertx, env).await().fleet();
  }

  private static ConfigException failure(Map<String, String> env) {
    Throwable cause = ConfigLoader.load(vertx, env).transform(done -> Future.succeededFuture(done.cause())).await();
    assertThat(cause).isInstanceOf(ConfigException.class);
    return (ConfigException) cause;
  }

  @Test
  void load_nothingSet_aFleetOfOneWithFlysResolverReady() {
    FleetConfig fleet = load(Map.of());

    assertThat(fleet.staticPeers()).isEmpty();
    assertThat(fleet.dnsDiscovery()).isFalse();
    assertThat(fleet.shieldRegion()).isEmpty();
    assertThat(fleet.dnsHost()).isEqualTo("fdaa::3");
    assertThat(fleet.dnsPort()).isEqualTo(53);
    assertThat(fleet.refresh()).isEqualTo(Duration.ofSeconds(30));
    assertThat(fleet.purgeAttempts()).isEqualTo(3);
    assertThat(fleet.purgeDeadline()).isEqualTo(Duration.ofSeconds(10));
  }

  @Test
  void load_onFly_discoversByDnsAndKnowsItsMachineAndRegionWithoutAnOverlay() {
    FleetConfig fleet = load(Map.of("FLY_APP_NAME", "paintbox-edge", "FLY_MACHINE_ID", "3d8d9de4c96798",
        "FLY_REGION", "zzz", "EDGE_SHIELD_REGION", "iad"));

    assertThat(fleet.dnsDiscovery()).isTrue();
    assertThat(fleet.app()).hasValue("paintbox-edge");
    assertThat(fleet.machineId()).hasValue("3d8d9de4c96798");
    assertThat(fleet.region()).hasValue("zzz");
    assertThat(fleet.inShieldRegion()).isFalse();
  }

  @Test
  void load_staticPeers_winOverDnsAndParseBothAddressForms() {
    FleetConfig fleet = load(Map.of("EDGE_FLEET_PEERS", PEERS, "FLY_APP_NAME", "paintbox-edge",
        "EDGE_REGION", "iad", "EDGE_SHIELD_REGION", "iad"));

    assertThat(fleet.dnsDiscovery()).isFalse();
    assertThat(fleet.staticPeers()).containsExactly(
        new FleetConfig.StaticPeer("lhr", URI.create("http://10.0.0.2:8080"), URI.create("http://10.0.0.2:9091")),
        new FleetConfig.StaticPeer("iad", URI.create("http://[fdaa::3]:8080"), URI.create("http://[fdaa::3]:9091")));
    assertThat(fleet.inShieldRegion()).isTrue();
  }

  @Test
  void load_resolverForms_hostAndPort() {
    assertThat(load(Map.of("EDGE_FLEET_DNS", "[fdaa::3]:5353")).dnsPort()).isEqualTo(5353);
    assertThat(load(Map.of("EDGE_FLEET_DNS", "127.0.0.1:5353")).dnsHost()).isEqualTo("127.0.0.1");
    assertThat(load(Map.of("EDGE_FLEET_DNS", "::1")).dnsHost()).isEqualTo("::1");
  }

  @Test
  void load_badPeers_areRefusedNamingTheKey() {
    for (String bad : new String[] {"not json", "{\"region\":\"lhr\"}", "[{\"region\":\"lhr\"}]",
        "[{\"region\":\"lhr\",\"url\":\"http://a:8080\",\"admin\":\"http://a:9091\",\"token\":\"x\"}]",
        "[{\"region\":\"LHR!\",\"url\":\"http://a:8080\",\"admin\":\"http://a:9091\"}]",
        "[{\"region\":\"lhr\",\"url\":\"https://a:8080\",\"admin\":\"http://a:9091\"}]",
        "[{\"region\":\"lhr\",\"url\":\"http://a:8080/x\",\"admin\":\"http://a:9091\"}]",
        "[{\"region\":\"lhr\",\"url\":\"http://a:8080\",\"admin\":\"http://a:9091\"},"
            + "{\"region\":\"syd\",\"url\":\"http://a:8080\",\"admin\":\"http://b:9091\"}]"}) {
      ConfigException error = failure(Map.of("EDGE_FLEET_PEERS", bad));
      assertThat(error.key()).as(bad).isEqualTo("EDGE_FLEET_PEERS");
      assertThat(error.getMessage()).as(bad).contains("expected a JSON array of {\"region\"");
    }
  }

  @Test
  void load_shieldRegionWithoutThisMachinesRegion_isRefused() {
    ConfigException error = failure(Map.of("EDGE_SHIELD_REGION", "iad"));

    assertThat(error.key()).isEqualTo("EDGE_SHIELD_REGION");
    assertThat(error.getMessage()).contains("EDGE_REGION or FLY_REGION");
  }

  @Test
  void load_otherBadValues_areRefusedNamingTheKey() {
    assertThat(failure(Map.of("EDGE_SHIELD_REGION", "../x", "EDGE_REGION", "iad")).key())
        .isEqualTo("EDGE_SHIELD_REGION");
    assertThat(failure(Map.of("EDGE_FLEET_DNS", "dns.google")).key()).isEqualTo("EDGE_FLEET_DNS");
    assertThat(failure(Map.of("EDGE_FLEET_DNS", "[fdaa::3]:99999")).key()).isEqualTo("EDGE_FLEET_DNS");
    assertThat(failure(Map.of("FLY_APP_NAME", "paintbox.edge")).key()).isEqualTo("FLY_APP_NAME");
    assertThat(failure(Map.of("FLY_MACHINE_ID", "x y")).key()).isEqualTo("FLY_MACHINE_ID");
    assertThat(failure(Map.of("EDGE_FLEET_PURGE_ATTEMPTS", "0")).key()).isEqualTo("EDGE_FLEET_PURGE_ATTEMPTS");
    assertThat(failure(Map.of("EDGE_FLEET_REFRESH_SECONDS", "0")).key()).isEqualTo("EDGE_FLEET_REFRESH_SECONDS");
    assertThat(failure(Map.of("EDGE_FLEET_PEER", PEERS)).getMessage()).contains("no such setting");
  }
}
