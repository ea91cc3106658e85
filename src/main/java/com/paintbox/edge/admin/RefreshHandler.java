package com.paintbox.edge.admin;

import com.paintbox.edge.config.AdminConfig;
import com.paintbox.edge.fleet.FleetAdmin;
import com.paintbox.edge.http.EdgeResponses;
import com.paintbox.edge.jwks.JwksCache;
import com.paintbox.edge.jwks.JwksDocument;
import com.paintbox.edge.secrets.FetchFailure;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Handler;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code POST /jwks/refresh}: forces one coalesced refresh after a key rotation. 403 when no token is configured,
 * 401 on a wrong or missing one, 429 within the minimum interval of the last forced refresh (so the endpoint can
 * never be used to hammer AWS), else the refresh's outcome as JSON: 200 with the published kids, or 502 with the
 * error type when the fetch failed (the JWKS being served is unchanged). Refreshes stay per machine (each region
 * reads its nearest replica of the secret); with {@code ?fleet=true} this machine's refresh is followed by one on
 * every other machine, and the answer adds their outcomes (issue 13).
 */
final class RefreshHandler implements Handler<RoutingContext> {

  private static final Logger log = LoggerFactory.getLogger(RefreshHandler.class);

  private final JwksCache cache;
  private final BearerToken token;
  private final long minIntervalNanos;
  private final LongSupplier nanoTime;
  /** When the last accepted refresh started; Long.MIN_VALUE / 2 so the first is always accepted. */
  private final AtomicLong lastAccepted = new AtomicLong(Long.MIN_VALUE / 2);
  private final MeterRegistry registry;
  private final FleetAdmin fleet;

  RefreshHandler(JwksCache cache, AdminConfig config, MeterRegistry registry, LongSupplier nanoTime,
      FleetAdmin fleet) {
    this.fleet = fleet;
    this.cache = cache;
    this.token = new BearerToken(config.token());
    this.minIntervalNanos = config.refreshInterval().toNanos();
    this.nanoTime = nanoTime;
    this.registry = registry;
  }

  @Override
  public void handle(RoutingContext context) {
    String refused = token.refuse(context);
    if (refused != null) {
      count(refused);
      return;
    }
    long now = nanoTime.getAsLong();
    long last = lastAccepted.get();
    long wait = last + minIntervalNanos - now;
    if (wait > 0 || !lastAccepted.compareAndSet(last, now)) {
      long retryAfter = Math.max(1, Duration.ofNanos(Math.max(wait, 0)).toSeconds() + 1);
      context.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(retryAfter));
      respond(context, 429, "rate_limited", EdgeResponses.errorBody(429, "rate_limited",
          "a refresh was forced less than the minimum interval ago; retry after " + retryAfter + " s")
          .put("retry_after_seconds", retryAfter));
      return;
    }
    cache.refreshNow().onComplete(done -> {
      if (done.succeeded()) {
        JwksDocument document = done.result();
        log.atInfo().addKeyValue("kids", document.kids()).log("admin refresh succeeded");
        respond(context, 200, "success", new JsonObject().put("kids", document.kids())
            .put("versions", new JsonObject(new java.util.HashMap<>(document.versions()))));
      } else {
        FetchFailure failure = FetchFailure.of(done.cause());
        log.atWarn().addKeyValue("error_type", failure.type().label()).log("admin refresh failed");
        respond(context, 502, failure.type() == FetchFailure.Type.INVALID ? "invalid" : "error",
            EdgeResponses.errorBody(502, "refresh_failed", String.valueOf(failure.getMessage()))
                .put("error_type", failure.type().label())
                .put("serving", cache.current().map(d -> (Object) d.kids()).orElse(null)));
      }
    });
  }

  private void respond(RoutingContext context, int status, String outcome, JsonObject body) {
    count(outcome);
    body.put("outcome", outcome);
    if (status != 429 && "true".equals(context.request().getParam("fleet"))) { // fleet hook: ?fleet=true
      fleet.refresh(status, body).onComplete(done -> EdgeResponses.json(context.response(),
          done.succeeded() ? done.result().status() : status, done.succeeded() ? done.result().body() : body));
      return;
    }
    EdgeResponses.json(context.response(), status, body);
  }

  private void count(String outcome) {
    Counter.builder(com.paintbox.edge.metrics.EdgeMeters.ADMIN_REFRESHES).tag("outcome", outcome)
        .description("Admin refresh requests by outcome").register(registry).increment();
  }
}
