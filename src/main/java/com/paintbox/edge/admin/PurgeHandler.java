package com.paintbox.edge.admin;

import com.paintbox.edge.cache.OriginCache;
import com.paintbox.edge.cache.Purge;
import com.paintbox.edge.config.AdminConfig;
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
 * the origin cache is off. The scan runs on a worker thread, off the event loops.
 */
final class PurgeHandler implements Handler<RoutingContext> {

  private static final Logger log = LoggerFactory.getLogger(PurgeHandler.class);
  /** The largest purge body read, in bytes: thousands of URLs, far below anything that could hurt. */
  static final int MAX_BODY_BYTES = 1 << 20;

  private final Optional<OriginCache> cache;
  private final BearerToken token;
  private final MeterRegistry registry;

  PurgeHandler(Optional<OriginCache> cache, AdminConfig config, MeterRegistry registry) {
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
    try {
      purge = Purge.fromJson(new JsonObject(context.body().asString()));
    } catch (DecodeException | IllegalArgumentException | NullPointerException | ClassCastException bad) {
      count("invalid");
      EdgeResponses.error(context.response(), 400, "bad_purge",
          bad instanceof IllegalArgumentException && !(bad instanceof DecodeException) ? bad.getMessage()
              : "the body must be a JSON object: {\"urls\":[...]}, {\"prefix\":\"/...\"} or {\"surrogate_keys\":[...]}");
      return;
    }
    context.vertx().executeBlocking(() -> cache.get().purge(purge), false).onComplete(done -> {
      if (done.failed()) {
        count("error");
        EdgeResponses.error(context.response(), 500, "purge_failed", String.valueOf(done.cause().getMessage()));
        return;
      }
      Purge.Result result = done.result();
      count("success");
      log.atInfo().addKeyValue("urls", result.urls()).addKeyValue("responses", result.responses())
          .addKeyValue("soft", result.soft()).log("purged");
      EdgeResponses.json(context.response(), 200, new JsonObject().put("outcome", "success")
          .put("purged", result.toJson()));
    });
  }

  private void count(String outcome) {
    Counter.builder(EdgeMeters.CACHE_PURGES).tag("outcome", outcome)
        .description("Admin purge requests by outcome").register(registry).increment();
  }
}
