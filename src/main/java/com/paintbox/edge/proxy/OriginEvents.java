package com.paintbox.edge.proxy;

/**
 * What the origin path reports: the seam between the proxy and its meters (see
 * {@code com.paintbox.edge.metrics.OriginTelemetry}), so tests can count without a registry. Called on event
 * loops; implementations must not block.
 */
public interface OriginEvents {

  /** The origin answered with {@code status}; {@code headNanos} from sending the request to its response head. */
  void originResponded(int status, long headNanos);

  /** The edge answered {@code status} itself on the origin path: refused (400, 405) or failed (502, 504). */
  void edgeAnswered(int status);

  /** The client left before any answer; nothing was sent. */
  default void clientGone() {}

  /** Discards every event; for wiring that does not measure. */
  OriginEvents NONE = new OriginEvents() {
    @Override
    public void originResponded(int status, long headNanos) {}

    @Override
    public void edgeAnswered(int status) {}
  };
}
