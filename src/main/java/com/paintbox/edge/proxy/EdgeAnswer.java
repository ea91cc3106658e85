package com.paintbox.edge.proxy;

import com.paintbox.edge.http.EdgeResponses;
import io.vertx.core.http.HttpServerRequest;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the edge does when the origin fails an exchange before its response head, on either path: tell a departed
 * client from a failing origin, count it, log it, and answer 502/504 with the edge's JSON.
 */
final class EdgeAnswer {

  private static final Logger log = LoggerFactory.getLogger(EdgeAnswer.class);

  private EdgeAnswer() {}

  /** Counts and logs the failure of {@code in}'s exchange; the kind says what to answer, if anything. */
  static OriginFailure.Kind classify(HttpServerRequest in, Throwable failure, OriginEvents events) {
    OriginFailure.Kind kind = in.response().closed() ? OriginFailure.Kind.CLIENT_GONE : OriginFailure.kindOf(failure);
    if (kind == OriginFailure.Kind.CLIENT_GONE) {
      events.clientGone();
      log.atDebug().addKeyValue("uri", in.uri()).log("client left before the origin answered");
    } else {
      events.edgeAnswered(kind.status);
      log.atWarn().addKeyValue("status", kind.status).addKeyValue("error", kind.code)
          .addKeyValue("method", in.method().name()).addKeyValue("path", in.path())
          .addKeyValue("cause", String.valueOf(rootMessage(failure)))
          .log("origin did not answer; the edge answered instead");
    }
    return kind;
  }

  /** Classifies, then answers {@code in} itself unless its client has gone. */
  static void send(HttpServerRequest in, Throwable failure, OriginEvents events) {
    OriginFailure.Kind kind = classify(in, failure, events);
    if (kind != OriginFailure.Kind.CLIENT_GONE) {
      EdgeResponses.error(in.response(), kind.status, kind.code, kind.message);
    }
  }

  private static String rootMessage(Throwable failure) {
    Throwable root = failure;
    while (root.getCause() != null && root.getCause() != root) {
      root = root.getCause();
    }
    return root == failure ? String.valueOf(failure.getMessage())
        : failure.getMessage() + ": " + root.getClass().getSimpleName() + " " + root.getMessage();
  }
}
