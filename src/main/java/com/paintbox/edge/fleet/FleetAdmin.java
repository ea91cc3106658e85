package com.paintbox.edge.fleet;

import com.paintbox.edge.config.FleetConfig;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.regex.Pattern;

/**
 * The admin actions that reach every machine: purges always (unless {@code "local": true}), JWKS refreshes when
 * asked ({@code ?fleet=true}).
 *
 * <p>A purge runs in two phases when there is a shield region, as Fastly purges: first the shield region's machines
 * (this one included when it is one of them), awaited, then everyone else (this one included when it is an edge).
 * An edge purged before its shield would refill from the shield's stale copy. Without a shield region there is one
 * phase. Every machine gets the same purge id, generated here unless the body brought one, and the body with
 * {@code "local": true}, so it applies the purge to itself only, once per id ({@link PurgeLedger}).
 *
 * <pre>
 *   POST /cache/purge ─▶ id ─▶ phase 1: shield machines (+ this one if a shield) ─▶ phase 2: the rest (+ this one)
 *                               │ each: bearer token, attempts with backoff, all within EDGE_FLEET_PURGE_DEADLINE │
 *                               └──────────────────────── answer: this machine's purge + each machine's outcome ◀┘
 * </pre>
 *
 * The answer is 200 when every machine applied it, 502 ({@code "outcome": "partial"}) when one failed or could not be
 * tried: the caller should send the purge again (a new id reaches every machine again; purges are idempotent).
 */
public final class FleetAdmin {

  static final String PURGE_PATH = "/cache/purge";
  static final String REFRESH_PATH = "/jwks/refresh";
  /** What a purge id may look like: one header-safe token, so it can be logged and forwarded as is. */
  private static final Pattern ID = Pattern.compile("[A-Za-z0-9._:-]{1,128}");
  private static final int ID_BYTES = 12;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** An answer for the admin port. */
  public record Answer(int status, String outcome, JsonObject body) {}

  /** The fleet's members of a purge body: {@code "local"} and {@code "id"}. */
  public record PurgeOrder(boolean local, String id, JsonObject body) {}

  private final Directory directory;
  private final FleetConfig config;
  private final FanOut fanOut;
  private final PurgeLedger ledger = new PurgeLedger();

  FleetAdmin(Directory directory, FleetConfig config, FanOut fanOut) {
    this.directory = directory;
    this.config = config;
    this.fanOut = fanOut;
  }

  /**
   * Reads {@code "local"} (optional boolean) and {@code "id"} (optional token) from a purge body.
   *
   * @throws IllegalArgumentException naming what is wrong, for a 400
   */
  public PurgeOrder order(JsonObject body) {
    Object local = body.getValue("local", false);
    if (!(local instanceof Boolean)) {
      throw new IllegalArgumentException("\"local\" must be true or false");
    }
    Object id = body.getValue("id");
    if (id != null && !(id instanceof String text && ID.matcher(text).matches())) {
      throw new IllegalArgumentException("\"id\" must be 1 to 128 letters, digits, '.', '_', ':' or '-'");
    }
    return new PurgeOrder((Boolean) local, id == null ? newId() : (String) id, body);
  }

  /**
   * Runs a purge: on this machine only when the order is local, else on the whole fleet in phases.
   *
   * @param local applies the purge here, answering what it purged (runs at most once per id)
   */
  public Future<Answer> purge(PurgeOrder order, Supplier<Future<JsonObject>> local) {
    if (order.local()) {
      return self(order.id(), local).map(mine -> answer(order.id(), mine, null, 0));
    }
    long started = System.nanoTime();
    long deadline = started + config.purgeDeadline().toNanos();
    FanOut.Request forward = new FanOut.Request("purge", PURGE_PATH,
        order.body().copy().put("local", true).put("id", order.id()).toBuffer(), true);
    // Without a shield region the first phase has nobody to send to and ends at once.
    boolean shieldFirst = config.inShieldRegion();
    Future<Mine> early = shieldFirst ? self(order.id(), local) : Future.succeededFuture(null);
    return both(early, fanOut.send(forward, directory.shields(), deadline)).compose(first -> {
      Future<Mine> late = shieldFirst ? Future.succeededFuture(first.mine()) : self(order.id(), local);
      return both(late, fanOut.send(forward, directory.edges(), deadline)).map(second -> {
        List<FanOut.Outcome> outcomes = new ArrayList<>(first.outcomes());
        outcomes.addAll(second.outcomes());
        return answer(order.id(), second.mine(), outcomes, started);
      });
    });
  }

  /**
   * Sends a JWKS refresh to every other machine, after this one's ({@code status}, {@code body}), and adds their
   * outcomes. One phase: each machine reads its own region's replica of the secret. A 5xx is not retried (it is
   * AWS failing there, and each machine has a minimum interval between refreshes anyway).
   */
  public Future<Answer> refresh(int status, JsonObject body) {
    long started = System.nanoTime();
    long deadline = started + config.purgeDeadline().toNanos();
    return fanOut.send(new FanOut.Request("refresh", REFRESH_PATH, null, false), directory.peers(), deadline)
        .map(outcomes -> {
          boolean all = outcomes.stream().allMatch(FanOut.Outcome::ok);
          JsonObject fleet = fleet(outcomes, started).put("outcome", all ? "success" : "partial");
          String outcome = body.getString("outcome");
          int answered = status / 100 != 2 ? status : all ? status : 502;
          return new Answer(answered, outcome, body.copy().put("fleet", fleet));
        });
  }

  /** This machine's purge: its result, or a duplicate (null result), or its failure as an error. */
  private record Mine(JsonObject purged, boolean duplicate, String error) {}

  private record Phase(Mine mine, List<FanOut.Outcome> outcomes) {}

  private Future<Mine> self(String id, Supplier<Future<JsonObject>> local) {
    if (!ledger.claim(id)) {
      return Future.succeededFuture(new Mine(null, true, null));
    }
    return local.get().transform(done -> {
      if (done.failed()) {
        ledger.release(id); // not applied: a retry with this id must still apply it
        return Future.succeededFuture(new Mine(null, false, String.valueOf(done.cause().getMessage())));
      }
      return Future.succeededFuture(new Mine(done.result(), false, null));
    });
  }

  private static Future<Phase> both(Future<Mine> mine, Future<List<FanOut.Outcome>> outcomes) {
    return Future.all(mine, outcomes).map(done -> new Phase(mine.result(), outcomes.result()));
  }

  /** The purge's answer; {@code outcomes} null for a local purge. */
  private Answer answer(String id, Mine mine, List<FanOut.Outcome> outcomes, long started) {
    boolean peersOk = outcomes == null || outcomes.stream().allMatch(FanOut.Outcome::ok);
    String outcome = mine.error() != null ? "error" : !peersOk ? "partial"
        : mine.duplicate() && outcomes == null ? "duplicate" : "success";
    JsonObject body = new JsonObject().put("outcome", outcome).put("id", id).put("purged", mine.purged());
    if (mine.duplicate()) {
      body.put("duplicate", true);
    }
    if (mine.error() != null) {
      body.put("error", mine.error());
    }
    if (outcomes != null) {
      body.put("fleet", fleet(outcomes, started));
    }
    int status = mine.error() != null ? 500 : peersOk ? 200 : 502;
    return new Answer(status, outcome, body);
  }

  private JsonObject fleet(List<FanOut.Outcome> outcomes, long started) {
    JsonArray machines = new JsonArray();
    outcomes.forEach(o -> machines.add(o.toJson(directory.shield(o.peer()) ? "shield" : "edge")));
    return new JsonObject()
        .put("ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
        .put("shield_region", config.shieldRegion().orElse(null))
        .put("machines", machines);
  }

  private static String newId() {
    byte[] bytes = new byte[ID_BYTES];
    RANDOM.nextBytes(bytes);
    return "purge-" + HexFormat.of().formatHex(bytes);
  }
}
