package com.paintbox.edge.proxy;

import com.paintbox.edge.http.Fields;
import com.paintbox.edge.http.HttpDate;
import com.paintbox.edge.tracing.TraceHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.util.AsciiString;
import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;

/**
 * The one set of forwarding rules, for every transport (the direct exchange, vertx-http-proxy, the origin cache's
 * fills): what crosses the edge on the way to the origin and on the way back.
 *
 * <pre>
 *   request leg:  client's end-to-end headers (hop-by-hop, Connection-listed, Host, Expect, the client's own
 *                 claims about the hop and Next.js's internal markers left out) + X-Forwarded-For/-Proto/-Host + Via
 *   response leg: origin's end-to-end headers (hop-by-hop, Connection-listed and paintbox-edge-cache-control
 *                 left out) + Via + Date when the origin sent none; status and a custom reason phrase as sent
 * </pre>
 *
 * {@code x-middleware-subrequest} is Next.js's internal marker that skips middleware, authentication included
 * (CVE-2025-29927), and {@code x-now-route-matches} one that poisons its cache (CVE-2024-46982): no client may send
 * them. {@code Forwarded}, {@code X-Forwarded-Port}/{@code -Prefix}/{@code -Server} and {@code X-Host} are a
 * client's claims about the hop, which frameworks build absolute URLs from: the edge says what the hop was
 * ({@code X-Forwarded-*}) and nothing else does, so no client can make the origin write another host into a page
 * the cache then shares. {@code paintbox-edge-cache-control} is targeted at this edge alone
 * (RFC 9213 §2) and goes no further. The origin's {@code Date} and {@code Warning} pass as sent, as nginx does.
 */
public final class ForwardingRules {

  private static final AsciiString[] NOT_FORWARDED = {
      AsciiString.of("host"), AsciiString.of("expect"), AsciiString.of("x-middleware-subrequest"),
      AsciiString.of("x-now-route-matches"), AsciiString.of("forwarded"), AsciiString.of("x-forwarded-port"),
      AsciiString.of("x-forwarded-prefix"), AsciiString.of("x-forwarded-server"), AsciiString.of("x-host")};
  private static final AsciiString[] NOT_RETURNED = {AsciiString.of("paintbox-edge-cache-control")};

  private ForwardingRules() {}

  /** The request leg: {@code in}'s headers as the origin must see them, added to {@code out}. */
  static void request(HttpServerRequest in, MultiMap out, boolean upgrade, boolean trustForwarded) {
    HopByHop.copy(in.headers(), out, upgrade, NOT_FORWARDED);
    TraceHeaders.strip(out); // tracing hook: the edge's client span sends its own traceparent (off: no-op)
    ForwardedHeaders.add(out, in, trustForwarded);
  }

  /**
   * The response leg's headers: the origin's {@code headers} as the client must see them, added to {@code out}.
   * The origin cache stores exactly this.
   */
  public static void response(MultiMap origin, HttpVersion originVersion, MultiMap out, boolean upgrade) {
    HopByHop.copy(origin, out, upgrade, NOT_RETURNED);
    out.add(Fields.VIA, ForwardedHeaders.via(originVersion));
    if (!out.contains(HttpHeaders.DATE)) {
      out.set(HttpHeaders.DATE, HttpDate.now()); // RFC 9110 §6.6.1: a recipient with a clock adds one
    }
  }

  /** The response leg: status line and headers of {@code answer} onto {@code out}. */
  static void response(HttpClientResponse answer, HttpServerResponse out, boolean upgrade) {
    status(out, answer.statusCode(), answer.statusMessage());
    response(answer.headers(), answer.version(), out.headers(), upgrade);
  }

  /** Sets {@code status}, and {@code reason} only when it is not the standard phrase (that one costs nothing). */
  public static void status(HttpServerResponse out, int status, String reason) {
    out.setStatusCode(status);
    if (reason != null && !reason.equals(HttpResponseStatus.valueOf(status).reasonPhrase())) {
      out.setStatusMessage(reason);
    }
  }

  /**
   * Appends the edge's {@code Cache-Status} member after any upstream's (RFC 9211 §2: the list grows towards the
   * client, so the last member is always the cache that answered). One field line, so a client that reads only
   * the first still sees the whole list.
   */
  public static void cacheStatus(MultiMap headers, CharSequence member) {
    if (member == null) {
      return;
    }
    if (!headers.contains(Fields.CACHE_STATUS)) {
      headers.set(Fields.CACHE_STATUS, member);
      return;
    }
    StringBuilder list = new StringBuilder();
    for (String upstream : headers.getAll(Fields.CACHE_STATUS)) {
      list.append(upstream).append(", ");
    }
    headers.set(Fields.CACHE_STATUS, list.append(member).toString());
  }
}
