package com.paintbox.edge.proxy;

import static com.paintbox.edge.proxy.PassThroughTest.await;
import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.testing.ProxyRawClient;
import com.paintbox.edge.testing.ProxyTestEdge;
import com.paintbox.edge.testing.ProxyTestOrigin;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code EDGE_TRUST_FORWARDED}: behind Fly's proxy, which terminates TLS and sends {@code X-Forwarded-Proto: https},
 * the origin must learn the client's scheme, not the plain-HTTP hop between Fly and the edge. Off by default,
 * because a client that reaches the edge directly could otherwise claim any scheme.
 */
class ForwardedTrustTest extends OriginPathTestBase {

  private ProxyTestOrigin origin;

  @BeforeEach
  void start(Vertx vertx) {
    origin = await(new ProxyTestOrigin(vertx).start());
  }

  @AfterEach
  void stop() {
    await(origin.close());
  }

  @Test
  void trustForwarded_default_protoIsTheEdgesOwnHop(Vertx vertx) throws Exception {
    ProxyTestOrigin.Seen seen = forward(vertx, Map.of(), "X-Forwarded-Proto: https\r\nX-Forwarded-For: 203.0.113.9");

    assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("http");
    assertThat(seen.header("X-Forwarded-For")).isEqualTo("203.0.113.9, 127.0.0.1");
  }

  @Test
  void trustForwarded_enabled_keepsTheClaimedProtoAndAppendsFor(Vertx vertx) throws Exception {
    ProxyTestOrigin.Seen seen = forward(vertx, Map.of("EDGE_TRUST_FORWARDED", "true"),
        "X-Forwarded-Proto: HTTPS\r\nX-Forwarded-For: 203.0.113.9");

    assertThat(seen.headers().getAll("X-Forwarded-Proto")).containsExactly("https");
    assertThat(seen.header("X-Forwarded-For")).isEqualTo("203.0.113.9, 127.0.0.1");
    assertThat(seen.header("X-Forwarded-Host")).isEqualTo("edge.example");
  }

  @Test
  void trustForwarded_enabledButClaimIsNotAScheme_protoIsTheEdgesOwnHop(Vertx vertx) throws Exception {
    ProxyTestOrigin.Seen seen = forward(vertx, Map.of("EDGE_TRUST_FORWARDED", "true"),
        "X-Forwarded-Proto: javascript");

    assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("http");
  }

  @Test
  void trustForwarded_enabledAndNoClaim_protoIsTheEdgesOwnHop(Vertx vertx) throws Exception {
    ProxyTestOrigin.Seen seen = forward(vertx, Map.of("EDGE_TRUST_FORWARDED", "true"), "X-Other: 1");

    assertThat(seen.header("X-Forwarded-Proto")).isEqualTo("http");
  }

  private ProxyTestOrigin.Seen forward(Vertx vertx, Map<String, String> settings, String headers) throws Exception {
    ProxyTestEdge edge = await(startEdge(vertx, origin.url(), settings));
    try {
      ProxyRawClient.Reply reply = ProxyRawClient.exchange(edge.port(), "GET /page HTTP/1.1\r\nHost: edge.example\r\n"
          + headers + "\r\nConnection: close\r\n\r\n", Duration.ofMillis(300));
      assertThat(reply.status()).isEqualTo(200);
      return origin.last();
    } finally {
      await(edge.close());
    }
  }
}
