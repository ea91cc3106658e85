package com.paintbox.edge.admin;

import com.paintbox.edge.cache.OriginCache;
import com.paintbox.edge.cache.Purge;
import com.paintbox.edge.config.AdminConfig;
import com.paintbox.edge.fleet.FleetAdmin;
import com.paintbox.edge.http.EdgeResponses;
import com.paintbox.edge.metrics.EdgeMeters;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /cache/purge}: removes (or, with {@code "soft": true}, marks stale) what the body names, by URL,
 * prefix or surrogate key, and answers what it purged. The same bearer token as the forced refresh: 403 when none is
 * configured, 401 when missing or wrong; 400 for a body that names nothing or is not the documented JSON; 404 when
 * the origin cache is off. The scan runs on a worker thread, off the event loops. Unless the body says
 * {@code "local": true}, the fleet forwards the purge to every other machine ({@link FleetAdmin}, issue 13) and the
 * answer adds their outcomes.
 */
final class PurgeHandler implements Handler<RoutingContext> {

  private static final Logger log = LoggerFactory.getLogger(PurgeHandler.class);
  /** The largest purge body read, in bytes: thousands of URLs, far below anything that could hurt. */
  static final int MAX_BODY_BYTES = 1 << 20;

  private final Optional<OriginCache> cache;
  private final BearerToken token;
  private final MeterRegistry registry;
  private final FleetAdmin fleet;

  PurgeHandler(Optional<OriginCache> cache, AdminConfig config, MeterRegistry registry, FleetAdmin fleet) {
    this.fleet = fleet;
    this.cache = cache;
    this.token = new BearerToken(config.token());
    this.registry = registry;
  }

  @Override
  public void handle(RoutingContext context) {
    String refused = token.refuse(context);
    if (refused != null) {
      count(refused);
      return;
    }
    if (cache.isEmpty()) {
      count("disabled");
      EdgeResponses.error(context.response(), 404, "cache_disabled", "EDGE_CACHE_ENABLED is false");
      return;
    }
    Purge purge;
    FleetAdmin.PurgeOrder order;
    try {
      JsonObject body = new JsonObject(context.body().asString());
      purge = Purge.fromJson(body);
      order = fleet.order(body); // fleet hook: "local" and the purge id
    } catch (DecodeException | IllegalArgumentException | NullPointerException | ClassCastException bad) {
      count("invalid");
      EdgeResponses.error(context.response(), 400, "bad_purge",
          bad instanceof IllegalArgumentException && !(bad instanceof DecodeException) ? bad.getMessage()
              : "the body must be a JSON object: {\"urls\":[...]}, {\"prefix\":\"/...\"} or {\"surrogate_keys\":[...]}");
      return;
    }
    // Fleet hook: the fleet runs this machine's purge (once per id) and, unless local, every other machine's.
    fleet.purge(order, () -> context.vertx().executeBlocking(() -> cache.get().purge(purge), false).map(result -> {
      log.atInfo().addKeyValue("id", order.id()).addKeyValue("urls", result.urls())
          .addKeyValue("responses", result.responses()).addKeyValue("soft", result.soft()).log("purged");
      return result.toJson();
    })).onComplete(done -> {
      if (done.failed()) {
        count("error");
        EdgeResponses.error(context.response(), 500, "purge_failed", String.valueOf(done.cause().getMessage()));
        return;
      }
      FleetAdmin.Answer answer = done.result();
      count(answer.outcome());
      EdgeResponses.json(context.response(), answer.status(), answer.body());
    });
  }

  private void count(String outcome) {
    Counter.builder(EdgeMeters.CACHE_PURGES).tag("outcome", outcome)
        .description("Admin purge requests by outcome").register(registry).increment();
  }
}
