package com.paintbox.edge.fleet;

import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.metrics.EdgeMeters;
import com.paintbox.edge.testing.ProxyTestOrigin;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * How an edge tells the shield's own failure (fall back to the origin) from the origin's answer relayed by the shield
 * (that is the answer), and that without a token there is no shield tier: two machines, iad the shield, lhr an edge.
 */
@ExtendWith(VertxExtension.class)
class ShieldFallbackTest {

  private ProxyTestOrigin origin;
  private TestFleet fleet;

  @AfterEach
  void stop() {
    if (fleet != null) {
      fleet.close();
    }
    TestFleet.await(origin.close());
  }

  @Test
  void shieldsOwn502_theShieldCannotReachTheOrigin_theEdgeFallsBackToTheOrigin(Vertx vertx) {
    origin = TestFleet.await(new ProxyTestOrigin(vertx).start());
    origin.handle(request -> request.response().putHeader("Cache-Control", "public, max-age=60").end("from origin"));
    int closed = TestFleet.freePorts(1)[0];
    fleet = TestFleet.start(vertx, origin.url(), List.of("iad", "lhr"), "iad", Map.of(),
        Map.of("iad", Map.of("EDGE_ORIGIN_URL", "http://127.0.0.1:" + closed)));

    TestFleet.Reply reply = TestFleet.await(fleet.get("lhr", "/a"));

    assertThat(reply.status()).isEqualTo(200);
    assertThat(reply.body()).isEqualTo("from origin");
    assertThat(reply.members()).hasSize(1);
    assertThat(fleet.machine("lhr").count(EdgeMeters.FLEET_SHIELD_FALLBACKS, "reason", "status")).isEqualTo(1);
    assertThat(origin.seen()).hasSize(1);
  }

  @Test
  void originsOwn503_relayedByTheShield_isTheAnswerNotAFallback(Vertx vertx) {
    origin = TestFleet.await(new ProxyTestOrigin(vertx).start());
    origin.handle(request -> request.response().setStatusCode(503).end("origin busy"));
    fleet = TestFleet.start(vertx, origin.url(), List.of("iad", "lhr"), "iad", Map.of());

    TestFleet.Reply reply = TestFleet.await(fleet.get("lhr", "/b"));

    assertThat(reply.status()).isEqualTo(503);
    assertThat(reply.body()).isEqualTo("origin busy");
    assertThat(reply.members()).hasSize(2);
    assertThat(reply.members().get(0)).contains("fwd-status=503");
    assertThat(origin.seen()).as("once, through the shield").hasSize(1);
    assertThat(fleet.machine("lhr").count(EdgeMeters.FLEET_SHIELD_FETCHES)).isEqualTo(1);
  }

  @Test
  void noAdminToken_noShieldTier_edgesFillFromTheOrigin(Vertx vertx) {
    origin = TestFleet.await(new ProxyTestOrigin(vertx).start());
    origin.handle(request -> request.response().putHeader("Cache-Control", "public, max-age=60").end("page"));
    fleet = TestFleet.start(vertx, origin.url(), List.of("iad", "lhr"), "iad", Map.of(),
        Map.of("iad", Map.of("EDGE_ADMIN_TOKEN", ""), "lhr", Map.of("EDGE_ADMIN_TOKEN", "")));

    TestFleet.Reply reply = TestFleet.await(fleet.get("lhr", "/c"));

    assertThat(reply.members()).hasSize(1);
    assertThat(fleet.machine("lhr").fleet().shielded()).isFalse();
    assertThat(fleet.machine("lhr").count(EdgeMeters.FLEET_SHIELD_FETCHES)).isZero();
    assertThat(String.join(", ", origin.last().headers().getAll("Via"))).isEqualTo("1.1 paintbox-edge");
  }
}
