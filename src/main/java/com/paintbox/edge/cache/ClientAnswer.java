package com.paintbox.edge.cache;

import com.paintbox.edge.compression.Codecs;
import com.paintbox.edge.compression.OnTheFly;
import com.paintbox.edge.http.Framing;
import com.paintbox.edge.proxy.ForwardingRules;
import com.paintbox.edge.proxy.OriginExchange;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One client's answer from a {@link Fill}: the head its request is owed (the leader's full head, or the shared one
 * without fields the origin kept for one user), then the body as the fill reads it, written with the client's own
 * back-pressure. A client whose own conditional matches gets a 304 and leaves the fill; so does a HEAD request,
 * after the head. Everything here runs on the client's event loop.
 */
final class ClientAnswer implements Fill.Subscriber {

  private final ShieldHandler shield;
  private final OriginExchange exchange;
  private final CacheEvents events;
  private final HttpServerRequest in;
  private final Context context;
  private final Thread thread;
  private final boolean leader;
  private final CacheEvents.Result result;
  private final int attempt;
  private final AtomicLong pending = new AtomicLong();
  private Fill fill;
  private boolean done;
  private boolean closeDelimited;
  private Codecs.StreamEncoder encoder;

  /**
   * @param leader the request that starts the fill (not one that waits on it); once the fill has answered with a
   *     fresh origin response, the leader counts as a miss and the others as collapsed
   * @param attempt how many times the request has been sent back through the flow already
   */
  ClientAnswer(ShieldHandler shield, OriginExchange exchange, CacheEvents events, HttpServerRequest in,
      boolean leader, int attempt) {
    this.shield = shield;
    this.exchange = exchange;
    this.events = events;
    this.in = in;
    this.context = Vertx.currentContext();
    this.thread = Thread.currentThread();
    this.leader = leader;
    this.result = leader ? CacheEvents.Result.MISS : CacheEvents.Result.COLLAPSED;
    this.attempt = attempt;
  }

  /** Subscribes to {@code fill}; false when it takes no one new. */
  boolean subscribe(Fill fill) {
    this.fill = fill;
    if (!fill.join(this)) {
      return false;
    }
    in.response().closeHandler(closed -> {
      if (!done) {
        done = true;
        fill.leave(this);
      }
    });
    return true;
  }

  @Override
  public Context context() {
    return context;
  }

  @Override
  public Thread thread() {
    return thread;
  }

  @Override
  public MultiMap requestHeaders() {
    return in.headers();
  }

  @Override
  public boolean leader() {
    return leader;
  }

  @Override
  public long pending() {
    return pending.get();
  }

  @Override
  public void head(Fill.Head head) {
    if (done || gone()) {
      return;
    }
    events.answered(result);
    HttpServerResponse response = in.response();
    MultiMap headers = leader ? head.leaderHeaders() : head.sharedHeaders();
    CacheStatus status = CacheStatus.forwarded(head.fwd()).fwdStatus(head.status());
    status = leader ? status.stored() : status.collapsed();
    status.ttl(head.ttl());
    if (head.status() == 200 && Conditionals.present(in.headers())
        && Conditionals.notModified(in.headers(), headers.get(HttpHeaders.ETAG), headers.get("last-modified"))) {
      Conditionals.notModifiedHeaders(headers, response.headers());
      ForwardingRules.cacheStatus(response.headers(), status.toString());
      finish(response.setStatusCode(304));
      return;
    }
    ForwardingRules.status(response, head.status(), head.reason());
    response.headers().addAll(headers);
    ForwardingRules.cacheStatus(response.headers(), status.toString());
    encoder = OnTheFly.begin(in, exchange.codecs()); // the stored copy is compressed later, once, at its own levels
    if (in.method() == HttpMethod.HEAD) {
      finish(response);
      return;
    }
    closeDelimited = Framing.prepare(in);
  }

  @Override
  public void chunk(Buffer chunk) {
    if (done) {
      return;
    }
    if (gone()) {
      leave();
      return;
    }
    Buffer out = encoder == null ? chunk : encoder.encode(chunk);
    if (out.length() == 0) {
      return;
    }
    int length = out.length();
    pending.addAndGet(length);
    in.response().write(out).onComplete(written -> {
      if (pending.addAndGet(-length) <= Fill.LOW_WATER_BYTES && fill.paused()) {
        fill.resumeIfDrained();
      }
    });
  }

  @Override
  public void end() {
    if (done) {
      return;
    }
    done = true;
    Future<Void> ended = encoder == null ? in.response().end() : in.response().end(encoder.finish());
    ended.onComplete(written -> {
      if (closeDelimited) {
        in.connection().close();
      }
    });
  }

  @Override
  public void retry(boolean pass) {
    if (!done && !gone()) {
      done = true;
      shield.retry(in, pass, attempt + 1);
    }
  }

  @Override
  public void relay(HttpClientResponse answer, CacheStatus status) {
    done = true;
    events.answered(CacheEvents.Result.MISS); // only the leader relays the origin's answer itself
    if (gone()) {
      answer.request().reset();
      return;
    }
    exchange.relay(in, answer, status.toString());
  }

  @Override
  public void failed(Throwable failure) {
    done = true;
    events.answered(result);
    exchange.fail(in, failure);
  }

  @Override
  public void cut() {
    if (!done) {
      done = true;
      if (encoder != null) {
        encoder.abandon();
      }
      in.response().reset();
    }
  }

  @Override
  public void serve(StoredResponse response, CacheStatus status, CacheEvents.Result served) {
    done = true;
    events.answered(served);
    if (!gone()) {
      StoredAnswers.serve(in, response, shield.now(), status);
    }
  }

  private boolean gone() {
    return in.response().closed();
  }

  private void finish(HttpServerResponse response) {
    response.end();
    leave();
  }

  private void leave() {
    done = true;
    if (encoder != null) {
      encoder.abandon();
      encoder = null;
    }
    fill.leave(this);
  }
}
