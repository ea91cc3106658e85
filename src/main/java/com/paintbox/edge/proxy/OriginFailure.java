package com.paintbox.edge.proxy;

import io.vertx.core.VertxException;

/**
 * Why the edge answers instead of the origin. Raised by {@link OriginRequests} and {@link OriginHead}, and mapped to
 * a status by {@link EdgeAnswer}; anything else that fails before the origin's response head is a 502.
 */
final class OriginFailure extends VertxException {

  private static final long serialVersionUID = 1L;

  enum Kind {
    /** No connection: refused, unresolvable, TLS failure, connect or pool-lease timeout. */
    UNREACHABLE(502, "origin_unreachable", "the origin could not be reached"),
    /** Connected, but no response head within EDGE_ORIGIN_TIMEOUT_SECONDS of the last request byte. */
    TIMEOUT(504, "origin_timeout", "the origin did not answer in time"),
    /** The origin failed the exchange some other way: closed or reset before its response head. */
    ERROR(502, "origin_error", "the origin failed to answer"),
    /** The client left before the origin answered; nobody reads the status. */
    CLIENT_GONE(502, "client_gone", "the client left");

    final int status;
    final String code;
    final String message;

    Kind(int status, String code, String message) {
      this.status = status;
      this.code = code;
      this.message = message;
    }
  }

  private final Kind kind;

  OriginFailure(Kind kind, String message, Throwable cause) {
    super(message, cause, true);
    this.kind = kind;
  }

  Kind kind() {
    return kind;
  }

  /**
   * The kind for any failure of the exchange before the response head. Looks down the cause chain: a reset the edge
   * asked for arrives wrapped (Vert.x reports {@code reset(code, cause)} as a {@code StreamResetException}).
   */
  static Kind kindOf(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
      if (t instanceof OriginFailure known) {
        return known.kind;
      }
    }
    return Kind.ERROR;
  }
}
