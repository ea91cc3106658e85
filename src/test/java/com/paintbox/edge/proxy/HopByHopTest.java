package com.paintbox.edge.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

class HopByHopTest {

  private static MultiMap headers() {
    return MultiMap.caseInsensitiveMultiMap()
        .add("Connection", "keep-alive, X-Foo")
        .add("Connection", " x-bar ,Upgrade")
        .add("X-Foo", "1").add("X-Bar", "2").add("X-Kept", "3")
        .add("Keep-Alive", "timeout=5").add("Proxy-Connection", "keep-alive").add("Proxy-Authorization", "Basic x")
        .add("Proxy-Authenticate", "Basic").add("TE", "trailers").add("Trailer", "X-Sum")
        .add("Transfer-Encoding", "chunked").add("Upgrade", "websocket");
  }

  @Test
  void strip_plainExchange_removesFixedListAndEveryConnectionToken() {
    MultiMap headers = headers();

    HopByHop.strip(headers, false);

    assertThat(headers.names()).containsExactly("X-Kept");
  }

  @Test
  void strip_webSocketHandshake_keepsConnectionAndUpgradeOnly() {
    MultiMap headers = headers();

    HopByHop.strip(headers, true);

    assertThat(headers.names()).containsExactlyInAnyOrder("Connection", "Upgrade", "X-Kept");
  }

  @Test
  void strip_connectionNamesHeaderTheEdgeAddsLater_onlyTheClientsCopyGoes() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Connection", "X-Forwarded-For").add("X-Forwarded-For", "6.6.6.6");

    HopByHop.strip(headers, false);

    assertThat(headers.isEmpty()).isTrue();
  }
}
