package com.paintbox.edge.testing;

import com.nimbusds.jose.jwk.JWK;
import com.paintbox.edge.secrets.FetchFailure;
import com.paintbox.edge.secrets.KeySet;
import com.paintbox.edge.secrets.KeySource;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Map;

/** A key source whose fetches the test completes by hand, one at a time, in the order they were started. */
public final class ScriptedKeySource implements KeySource {

  private final Deque<Promise<KeySet>> pending = new ArrayDeque<>();
  private int fetches;

  @Override
  public synchronized Future<KeySet> fetch() {
    fetches++;
    Promise<KeySet> promise = Promise.promise();
    pending.add(promise);
    return promise.future();
  }

  public synchronized int fetches() {
    return fetches;
  }

  public synchronized int inFlight() {
    return pending.size();
  }

  /** Completes the oldest fetch in flight with these keys. */
  public void succeed(List<JWK> keys) {
    next().complete(new KeySet(keys, Map.of("AWSCURRENT", "v" + fetches)));
  }

  /** Fails the oldest fetch in flight. */
  public void fail(FetchFailure.Type type) {
    next().fail(new FetchFailure(type, "scripted " + type.label(), null));
  }

  private synchronized Promise<KeySet> next() {
    if (pending.isEmpty()) {
      throw new IllegalStateException("no fetch in flight");
    }
    return pending.poll();
  }
}
