package com.paintbox.edge.fleet;

import com.paintbox.edge.http.Fields;
import com.paintbox.edge.proxy.FetchTier;
import com.paintbox.edge.proxy.ForwardedHeaders;
import com.paintbox.edge.proxy.OriginForm;
import io.vertx.core.AsyncResult;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.VertxException;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.net.SocketAddress;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * An edge's cacheable fetches, sent to a shield-region machine's public port over the private network instead of to
 * the origin; the shield answers from its cache or fills from the origin, so the origin sees one fill per URL however
 * many regions miss it (Fastly's shielding, Cloudflare's tiered cache). One per event loop, with its own pool.
 *
 * <pre>
 *   fetch ─▶ already a hop (Via names us)? ─────────────────────────────▶ origin
 *         ─▶ Shields.choose ─ none / all down ──────────────────────────▶ origin (fallback counted)
 *         ─▶ shield: Host = the client's, X-Forwarded-* as the edge keyed, Via, hop marker
 *              ├─ no connection / no head in time / closed ─ mark down ─▶ origin (fallback counted)
 *              ├─ 5xx the shield made itself (no Cache-Status member of its cache) ─▶ origin (counted)
 *              └─ anything else (a hit, a fill, the origin's own 5xx relayed) ─▶ the fill, as if from the origin
 * </pre>
 *
 * The shield sees the Host the client sent, so it keys the request exactly as this edge did; the origin is told the
 * same forwarding headers whichever machine fills. Only machines of the fleet are ever dialled: the shield comes
 * from {@link Shields}, never from the request.
 */
final class ShieldTier implements FetchTier {

  private final Vertx vertx;
  private final HttpClient client;
  private final Shields shields;
  private final HopMarker marker;
  private final FleetEvents events;
  private final long connectTimeoutMillis;
  private final long headTimeoutMillis;

  ShieldTier(Vertx vertx, HttpClient client, Shields shields, HopMarker marker, FleetEvents events,
      long connectTimeoutMillis, long headTimeoutMillis) {
    this.vertx = vertx;
    this.client = client;
    this.shields = shields;
    this.marker = marker;
    this.events = events;
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.headTimeoutMillis = headTimeoutMillis;
  }

  @Override
  public Future<HttpClientResponse> fetch(HttpServerRequest in, HttpMethod method, String uri, MultiMap headers,
      BooleanSupplier wanted, Consumer<HttpClientRequest> sending, Supplier<Future<HttpClientResponse>> origin) {
    HostAndPort authority = in.authority();
    if (authority == null || throughEdgeAlready(in)) {
      return origin.get(); // a hop (or a loop): one shield per request, never a chain
    }
    String target = OriginForm.of(uri);
    Shields.Choice choice = shields.choose(authority + target);
    if (choice.peer() == null) {
      events.shieldFallback(choice.none());
      return origin.get();
    }
    Peer shield = choice.peer();
    Hop hop = new Hop(shield, method, target, authority, headers, wanted, sending, origin);
    RequestOptions options = new RequestOptions().setServer(SocketAddress.inetSocketAddress(shield.port(), shield.host()))
        .setHost(shield.host()).setPort(shield.port()).setConnectTimeout(connectTimeoutMillis);
    return client.request(options).transform(hop::leased);
  }

  /** One fetch through the shield: what it was asked, and where it falls back. */
  private final class Hop {

    private final Peer shield;
    private final HttpMethod method;
    private final String target;
    private final HostAndPort authority;
    private final MultiMap headers;
    private final BooleanSupplier wanted;
    private final Consumer<HttpClientRequest> sending;
    private final Supplier<Future<HttpClientResponse>> origin;

    Hop(Peer shield, HttpMethod method, String target, HostAndPort authority, MultiMap headers,
        BooleanSupplier wanted, Consumer<HttpClientRequest> sending, Supplier<Future<HttpClientResponse>> origin) {
      this.shield = shield;
      this.method = method;
      this.target = target;
      this.authority = authority;
      this.headers = headers;
      this.wanted = wanted;
      this.sending = sending;
      this.origin = origin;
    }

    Future<HttpClientResponse> leased(AsyncResult<HttpClientRequest> leased) {
      if (leased.failed()) {
        return fallback(FleetEvents.Fallback.CONNECT);
      }
      HttpClientRequest out = leased.result();
      if (!wanted.getAsBoolean()) {
        out.reset();
        return Future.failedFuture(new VertxException("nobody waits any more", true));
      }
      out.setMethod(method).setURI(target);
      out.headers().setAll(headers); // a copy: the origin's fallback fetch sends the headers as they were
      out.headers().set(HopMarker.HEADER, marker.sign(method.name(), authority.toString(), target));
      out.authority(authority); // after the lease: the pool stays keyed by the shield's address
      sending.accept(out);
      return send(out).transform(this::answered);
    }

    private Future<HttpClientResponse> answered(AsyncResult<HttpClientResponse> answered) {
      if (answered.failed()) {
        return fallback(timedOut(answered.cause()) ? FleetEvents.Fallback.TIMEOUT : FleetEvents.Fallback.ERROR);
      }
      HttpClientResponse answer = answered.result();
      if (answer.statusCode() >= 500 && !fromShieldCache(answer.headers())) {
        answer.request().reset(); // its own error's body is of no use
        return fallback(FleetEvents.Fallback.STATUS);
      }
      shields.answered(shield);
      events.shieldAnswered();
      return Future.succeededFuture(answer);
    }

    private Future<HttpClientResponse> fallback(FleetEvents.Fallback reason) {
      if (!wanted.getAsBoolean()) {
        return Future.failedFuture(new VertxException("nobody waits any more", true)); // cancelled, not failed
      }
      shields.failed(shield);
      events.shieldFallback(reason);
      return origin.get();
    }
  }

  /** Sends and resets the request when no head comes within the deadline. */
  private Future<HttpClientResponse> send(HttpClientRequest out) {
    Future<HttpClientResponse> answered = out.send();
    long timer = vertx.setTimer(headTimeoutMillis, id -> out.reset(0, new HeadTimeout()));
    return answered.andThen(done -> vertx.cancelTimer(timer));
  }

  /** A reset the deadline asked for arrives wrapped (Vert.x reports {@code reset(code, cause)} as a stream reset). */
  private static boolean timedOut(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof HeadTimeout) {
        return true;
      }
    }
    return false;
  }

  /**
   * True when the request has been through one of our edges already ({@code Via} names us): it is then a hop from
   * another edge (its marker stripped, or not valid here), and it goes to the origin rather than round again.
   */
  static boolean throughEdgeAlready(HttpServerRequest in) {
    for (String via : in.headers().getAll(Fields.VIA)) {
      if (via.contains(ForwardedHeaders.PSEUDONYM)) {
        return true;
      }
    }
    return false;
  }

  /**
   * True when the answer went through the shield's cache, which appends its {@code Cache-Status} member to whatever
   * it relays (RFC 9211); the errors a machine makes itself (502, 504, 503 while draining) carry none.
   */
  static boolean fromShieldCache(MultiMap headers) {
    List<String> lines = headers.getAll(Fields.CACHE_STATUS);
    if (lines.isEmpty()) {
      return false;
    }
    String last = lines.get(lines.size() - 1);
    String member = last.substring(last.lastIndexOf(',') + 1).trim();
    return member.startsWith(ForwardedHeaders.PSEUDONYM + ";") || member.equals(ForwardedHeaders.PSEUDONYM);
  }

  /** Why a shield request was reset: no response head within the deadline. */
  static final class HeadTimeout extends VertxException {
    private static final long serialVersionUID = 1L;

    HeadTimeout() {
      super("the shield sent no response head in time", true);
    }
  }
}
