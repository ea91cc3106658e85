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

  private static MultiMap copied(MultiMap from, boolean upgrade) {
    MultiMap to = MultiMap.caseInsensitiveMultiMap();
    HopByHop.copy(from, to, upgrade);
    return to;
  }

  @Test
  void copy_plainExchange_leavesOutFixedListAndEveryConnectionToken() {
    assertThat(copied(headers(), false).names()).containsExactly("X-Kept");
  }

  @Test
  void copy_webSocketHandshake_keepsConnectionAndUpgradeOnly() {
    assertThat(copied(headers(), true).names()).containsExactlyInAnyOrder("Connection", "Upgrade", "X-Kept");
  }

  @Test
  void copy_skipList_leavesOutTheNamedFieldsWhateverTheirCase() {
    MultiMap from = MultiMap.caseInsensitiveMultiMap().add("Host", "a").add("X-Middleware-Subrequest", "x")
        .add("X-Kept", "1");
    MultiMap to = MultiMap.caseInsensitiveMultiMap();

    HopByHop.copy(from, to, false, io.netty.util.AsciiString.of("host"),
        io.netty.util.AsciiString.of("x-middleware-subrequest"));

    assertThat(to.names()).containsExactly("X-Kept");
  }

  @Test
  void copy_connectionNamesHeaderTheEdgeAddsLater_onlyTheClientsCopyGoes() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap()
        .add("Connection", "X-Forwarded-For").add("X-Forwarded-For", "6.6.6.6");
    MultiMap to = copied(headers, false);
    to.add("X-Forwarded-For", "127.0.0.1"); // what ForwardedHeaders adds afterwards survives

    assertThat(to.getAll("X-Forwarded-For")).containsExactly("127.0.0.1");
  }
}
