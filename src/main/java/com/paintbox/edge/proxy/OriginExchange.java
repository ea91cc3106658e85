package com.paintbox.edge.proxy;

import com.paintbox.edge.compression.Codecs;
import com.paintbox.edge.config.OriginConfig;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyOptions;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * The origin side of one event loop: a pooled {@link HttpClient} to the configured origin and the two transports
 * that use it, behind one set of {@link ForwardingRules}.
 *
 * <pre>
 *   pass-through ─┬─▶ DirectExchange ─┐   (HTTP/1.1, no body)
 *                 └─▶ EngineExchange ─┤   (bodies, 1.0, h2, WebSocket: vertx-http-proxy)
 *   cache fill ───────▶ fetch ────────┴─▶ OriginClient ─▶ pool ─▶ origin
 *                                          (fixed address, timeouts, OriginHead)
 *   answers ◀─ Relay (ForwardingRules, body pipe) │ EdgeAnswer (502/504)
 * </pre>
 *
 * Why vertx-http-proxy at all: it streams request bodies through {@code Pipe}s with back-pressure, resets the origin
 * request when the client leaves, and detects WebSocket upgrades. The proxy's own cache stays off
 * ({@link ProxyOptions#getCacheOptions()} is null unless set): the edge's is {@code com.paintbox.edge.cache}.
 */
public final class OriginExchange {

  /** Which transport takes a pass-through exchange. */
  public enum Transport {
    /** Production: the direct exchange where it applies, the engine for the rest. */
    AUTO,
    /** Every exchange through vertx-http-proxy: for tests that run one case on both transports. */
    ENGINE
  }

  /** Response head size accepted from the origin; Next.js pages with CSP, Link and cookies exceed Vert.x's 8 KiB. */
  private static final int ORIGIN_MAX_HEADER_BYTES = 65_536;
  /**
   * The {@code client_name} of the origin client's {@code vertx_http_client_*} meters; its connection pool reports
   * as {@code vertx_pool_*{pool_type="http", pool_name="<origin host:port>"}}.
   */
  static final String METRICS_NAME = "origin";
  /**
   * The largest piece of an origin body handed on at once. Each piece is one write, and one flush, to the client
   * (the client's connection is not reading, so Vert.x flushes at once): at Vert.x's 8 KiB a 100 KiB page took
   * 13 writes; at 64 KiB a piece is whatever one socket read returned.
   */
  private static final int BODY_CHUNK_BYTES = 65_536;

  private final OriginClient client;
  private final HttpProxy engine;
  private final EngineExchange engineRules;
  private final DirectExchange direct;
  private final OriginEvents events;
  private final Transport transport;
  private final boolean trustForwarded;
  private final Codecs codecs;
  private final FetchTier tier;

  /**
   * @param codecs how answers are compressed on the fly for clients that accept it
   */
  public OriginExchange(Vertx vertx, OriginConfig origin, OriginEvents events, ExchangeListener listener,
      Transport transport, Codecs codecs) {
    this(vertx, origin, events, listener, transport, codecs, FetchTier.ORIGIN);
  }

  /** As above, cacheable fetches going through {@code tier} (fleet hook, issue 13: the shield region). */
  public OriginExchange(Vertx vertx, OriginConfig origin, OriginEvents events, ExchangeListener listener,
      Transport transport, Codecs codecs, FetchTier tier) {
    this.tier = Objects.requireNonNull(tier, "tier");
    HttpClient http = vertx.createHttpClient(clientOptions(origin), poolOptions(origin));
    this.client = new OriginClient(vertx, origin, http, events);
    this.events = Objects.requireNonNull(events, "events");
    this.transport = Objects.requireNonNull(transport, "transport");
    this.trustForwarded = origin.trustForwarded();
    this.codecs = Objects.requireNonNull(codecs, "codecs");
    this.engineRules = new EngineExchange(events, listener, trustForwarded, codecs);
    this.engine = HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(true), http)
        .origin(client)
        .addInterceptor(engineRules, true);
    this.direct = new DirectExchange(client, events, listener, trustForwarded, codecs);
  }

  /**
   * Passes {@code in} through to the origin and its answer back, appending {@code cacheStatus} (null for none) to
   * the answer's {@code Cache-Status}. The request guard has run.
   */
  public void forward(HttpServerRequest in, CharSequence cacheStatus) {
    forward(in, CacheStatusMember.constant(cacheStatus));
  }

  /** As above, with no Cache-Status member (the cache is off, or not the request's business: a WebSocket). */
  public void forward(HttpServerRequest in) {
    forward(in, (CacheStatusMember) null);
  }

  /** As above, the Cache-Status member made once the answer's status is known (null for none). */
  public void forward(HttpServerRequest in, CacheStatusMember cacheStatus) {
    if (transport == Transport.AUTO && DirectExchange.applies(in)) {
      direct.forward(in, cacheStatus);
    } else {
      engineRules.forward(engine, in, cacheStatus);
    }
  }

  /** The headers a request on behalf of {@code in} carries to the origin, by the forwarding rules. */
  public MultiMap requestHeaders(HttpServerRequest in) {
    MultiMap headers = HttpHeaders.headers();
    ForwardingRules.request(in, headers, false, trustForwarded);
    return headers;
  }

  /**
   * A bodiless request to the origin on behalf of {@code in} (whose authority it takes when the origin is told the
   * client's Host), not bound to {@code in}'s client: whether it is still wanted once a connection is leased is
   * {@code wanted}'s call, and {@code sending} gets the request as it goes out, so its owner can cancel it. The
   * future holds a head that may be relayed, or fails with the failure {@link #fail} answers. Its answer may be
   * stored (a miss or a revalidation), so it goes through the fleet's shield tier, which falls back on the origin.
   */
  public Future<HttpClientResponse> fetch(HttpServerRequest in, HttpMethod method, String uri, MultiMap headers,
      BooleanSupplier wanted, Consumer<HttpClientRequest> sending) {
    return tier.fetch(in, method, uri, headers, wanted, sending,
        () -> fetchFromOrigin(in, method, uri, headers, wanted, sending));
  }

  private Future<HttpClientResponse> fetchFromOrigin(HttpServerRequest in, HttpMethod method, String uri,
      MultiMap headers, BooleanSupplier wanted, Consumer<HttpClientRequest> sending) {
    return client.lease(in, false).compose(out -> {
      if (!wanted.getAsBoolean()) {
        events.clientGone(); // everyone it was for left while it waited for a connection
        out.reset();
        return Future.failedFuture(new OriginFailure(OriginFailure.Kind.CLIENT_GONE, "nobody waits any more", null));
      }
      out.setMethod(method);
      out.setURI(OriginForm.of(uri));
      out.headers().setAll(headers);
      sending.accept(out);
      return client.send(out);
    });
  }

  /** Relays the origin's {@code answer} to {@code in}'s client, appending {@code cacheStatus} (may be null). */
  public Future<Void> relay(HttpServerRequest in, HttpClientResponse answer, CharSequence cacheStatus) {
    return Relay.answer(in, answer, CacheStatusMember.constant(cacheStatus), codecs);
  }

  /** How answers are compressed on the fly. */
  public Codecs codecs() {
    return codecs;
  }

  /** Answers {@code in} for an exchange that failed before the origin's head (502/504), unless its client left. */
  public void fail(HttpServerRequest in, Throwable failure) {
    EdgeAnswer.send(in, failure, events);
  }

  /** Releases the connections to the origin. */
  public Future<Void> close() {
    return client.close();
  }

  static HttpClientOptions clientOptions(OriginConfig origin) {
    return new HttpClientOptions()
        .setMetricsName(METRICS_NAME)
        .setProtocolVersion(HttpVersion.HTTP_1_1)
        .setSsl(origin.ssl())
        .setDefaultHost(origin.host())
        .setDefaultPort(origin.port())
        .setKeepAlive(true)
        .setKeepAliveTimeout((int) origin.idleTimeout().toSeconds())
        // Connection-level: closes a connection silent this long, which is what aborts a stalled origin body.
        .setIdleTimeout((int) origin.bodyIdleTimeout().toSeconds())
        .setConnectTimeout((int) origin.connectTimeout().toMillis())
        .setMaxHeaderSize(ORIGIN_MAX_HEADER_BYTES)
        .setMaxChunkSize(BODY_CHUNK_BYTES)
        // Bodies pass through as the origin encoded them.
        .setDecompressionSupported(false)
        .setPipelining(false);
  }

  static PoolOptions poolOptions(OriginConfig origin) {
    return new PoolOptions().setHttp1MaxSize(origin.poolSize());
  }
}
