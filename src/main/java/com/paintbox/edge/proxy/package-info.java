/**
 * The origin exchange: one set of forwarding rules ({@code ForwardingRules}: request leg, response leg) used by two
 * thin transports, {@code DirectExchange} (bodiless HTTP/1.1) and {@code EngineExchange} (vertx-http-proxy, for
 * bodies, HTTP/1.0, h2 and WebSocket upgrades), over one pooled client per event loop ({@code OriginClient}:
 * the configured origin's address only, connect and response-head deadlines, {@code OriginHead}'s checks), with
 * {@code Relay} writing every answer and {@code EdgeAnswer} the edge's own 502/504. Invariants: nothing a client
 * sends changes where the edge connects; hop-by-hop fields never cross; an answer that breaks off mid-body is cut,
 * never completed. The gaps in Vert.x it works around are listed in docs/vertx-gaps.md.
 */
package com.paintbox.edge.proxy;
