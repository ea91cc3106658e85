package com.paintbox.edge.config;

import java.net.URI;
import java.time.Duration;
import java.util.Objects;

/**
 * The one origin the edge forwards to.
 *
 * @param url scheme, host and port of the origin; nothing else is ever dialled
 * @param responseTimeout longest wait for the origin's response headers before answering 504
 * @param connectTimeout longest wait for a TCP (and TLS) connection before answering 502
 * @param poolSize most connections to the origin per event loop
 * @param idleTimeout how long an idle pooled connection is kept
 * @param preserveHost send the client's {@code Host} instead of the origin's authority
 * @param bodyIdleTimeout longest silence on an origin connection once a response has begun (a stalled body); the
 *     connection is then closed and the client's response aborted
 * @param trustForwarded keep an incoming {@code X-Forwarded-Proto} (http or https) instead of setting the scheme of
 *     the edge's own hop: for deployments where a proxy in front (Fly's) terminates TLS and always sets it
 */
public record OriginConfig(
    URI url,
    Duration responseTimeout,
    Duration connectTimeout,
    int poolSize,
    Duration idleTimeout,
    boolean preserveHost,
    Duration bodyIdleTimeout,
    boolean trustForwarded) {

  public OriginConfig {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(responseTimeout, "responseTimeout");
    Objects.requireNonNull(connectTimeout, "connectTimeout");
    Objects.requireNonNull(idleTimeout, "idleTimeout");
    Objects.requireNonNull(bodyIdleTimeout, "bodyIdleTimeout");
  }

  /**
   * This origin with {@code X-Forwarded-Proto} trusted: for requests from the fleet's own edges (a tier hop, issue
   * 13), which set it exactly as their cache keyed the request.
   */
  public OriginConfig trusting() {
    return new OriginConfig(url, responseTimeout, connectTimeout, poolSize, idleTimeout, preserveHost, bodyIdleTimeout,
        true);
  }

  public boolean ssl() {
    return "https".equalsIgnoreCase(url.getScheme());
  }

  public String host() {
    return url.getHost();
  }

  public int port() {
    return url.getPort() != -1 ? url.getPort() : ssl() ? 443 : 80;
  }

  /** The authority as a client would write it in {@code Host}: the port only when it is not the default. */
  public String authority() {
    return url.getPort() == -1 ? url.getHost() : url.getHost() + ":" + url.getPort();
  }
}
