package com.paintbox.edge.fleet;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import com.paintbox.edge.jwks.Backoff;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

/**
 * One admin POST sent to many machines at once, each with bounded retries, none past a shared deadline: a machine
 * that is down, slow or silent costs its attempts and never more than the deadline, and the others are not held up
 * by it. Retried: no connection, no answer in time, and (when asked) a 5xx. Not retried: any other answer, which is
 * the machine's word (a 401 means the tokens differ, which retrying will not change).
 */
final class FanOut {

  /** Longest wait for one attempt's answer, in ms (a purge scans memory in milliseconds; a refresh waits on AWS). */
  static final long ATTEMPT_TIMEOUT_MILLIS = 5_000;
  /** First retry delay, in ms; doubled per attempt, capped below, each jittered to between half and all of it. */
  static final long BACKOFF_MIN_MILLIS = 100;
  static final long BACKOFF_MAX_MILLIS = 1_000;
  private static final Backoff BACKOFF = new Backoff(Duration.ofMillis(BACKOFF_MIN_MILLIS),
      Duration.ofMillis(BACKOFF_MAX_MILLIS), () -> ThreadLocalRandom.current().nextDouble());
  /** How much of a machine's answer that is not JSON is kept for the report, in characters. */
  private static final int TEXT_LIMIT = 200;

  /** How one machine's forward ended. */
  record Outcome(Peer peer, String outcome, int attempts, int status, Object answer, String error, long millis) {

    static final String OK = "ok";
    static final String FAILED = "failed";
    static final String SKIPPED = "skipped";

    boolean ok() {
      return OK.equals(outcome);
    }

    JsonObject toJson(String role) {
      JsonObject json = peer.toJson().put("role", role).put("outcome", outcome).put("attempts", attempts)
          .put("ms", millis);
      if (status > 0) {
        json.put("status", status);
      }
      if (answer != null) {
        json.put("answer", answer);
      }
      if (error != null) {
        json.put("error", error);
      }
      return json;
    }
  }

  /** What the fan-out sends: the action (for meters), the path, the body (null: none), whether a 5xx is retried. */
  record Request(String action, String path, Buffer body, boolean retryServerErrors) {}

  private final Vertx vertx;
  private final HttpClient client;
  private final Optional<String> token;
  private final int attempts;
  private final long connectTimeoutMillis;
  private final FleetEvents events;

  FanOut(Vertx vertx, HttpClient client, Optional<String> token, int attempts, long connectTimeoutMillis,
      FleetEvents events) {
    this.vertx = vertx;
    this.client = client;
    this.token = token;
    this.attempts = attempts;
    this.connectTimeoutMillis = connectTimeoutMillis;
    this.events = events;
  }

  /** Sends {@code request} to every one of {@code peers} at once; completes, never fails, by {@code deadlineNanos}. */
  Future<List<Outcome>> send(Request request, List<Peer> peers, long deadlineNanos) {
    List<Future<Outcome>> all = new ArrayList<>();
    for (Peer peer : peers) {
      all.add(attempt(request, peer, 1, System.nanoTime(), deadlineNanos).andThen(done ->
          events.forwarded(request.action(), done.result().outcome())));
    }
    return Future.all(all).map(done -> {
      List<Outcome> outcomes = new ArrayList<>();
      for (int i = 0; i < done.size(); i++) {
        outcomes.add(done.resultAt(i));
      }
      return outcomes;
    });
  }

  private Future<Outcome> attempt(Request request, Peer peer, int attempt, long started, long deadline) {
    long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
    if (left <= 0) {
      return Future.succeededFuture(new Outcome(peer, attempt == 1 ? Outcome.SKIPPED : Outcome.FAILED, attempt - 1,
          0, null, "the fleet deadline passed" + (attempt == 1 ? " before it could be tried" : ""), millis(started)));
    }
    RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST)
        .setAbsoluteURI(peer.admin().resolve(request.path()).toString())
        .setConnectTimeout(Math.min(connectTimeoutMillis, left))
        .setIdleTimeout(Math.min(ATTEMPT_TIMEOUT_MILLIS, left));
    token.ifPresent(t -> options.putHeader(HttpHeaders.AUTHORIZATION, "Bearer " + t));
    if (request.body() != null) {
      options.putHeader(HttpHeaders.CONTENT_TYPE, "application/json");
    }
    return client.request(options)
        .compose(out -> request.body() == null ? out.send() : out.send(request.body()))
        .compose(answer -> answer.body().map(body -> new Reply(answer.statusCode(), body)))
        .transform(done -> {
          Reply reply = done.succeeded() ? done.result() : null;
          if (reply != null && reply.status() / 100 == 2) {
            return Future.succeededFuture(new Outcome(peer, Outcome.OK, attempt, reply.status(), reply.answer(), null,
                millis(started)));
          }
          boolean retry = reply == null || request.retryServerErrors() && reply.status() >= 500;
          String error = reply == null ? String.valueOf(done.cause().getMessage()) : "answered " + reply.status();
          long delay = backoff(attempt);
          if (!retry || attempt >= attempts || System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(delay) >= deadline) {
            return Future.succeededFuture(new Outcome(peer, Outcome.FAILED, attempt,
                reply == null ? 0 : reply.status(), reply == null ? null : reply.answer(), error, millis(started)));
          }
          Promise<Outcome> next = Promise.promise();
          vertx.setTimer(delay, id -> attempt(request, peer, attempt + 1, started, deadline).onComplete(next));
          return next.future();
        });
  }

  /** A doubling delay from the minimum, capped, jittered to between half and all of it (so retries spread). */
  static long backoff(int attempt) {
    return TimeUnit.NANOSECONDS.toMillis(BACKOFF.delayNanos(attempt));
  }

  private static long millis(long startedNanos) {
    return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - startedNanos);
  }

  private record Reply(int status, Buffer body) {

    /** The machine's answer: its JSON when it sent JSON, else the start of its text. */
    Object answer() {
      try {
        return new JsonObject(body);
      } catch (RuntimeException notJson) {
        String text = body.toString();
        return text.length() > TEXT_LIMIT ? text.substring(0, TEXT_LIMIT) : text;
      }
    }
  }
}
