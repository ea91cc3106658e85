package com.paintbox.edge.dev;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.tracing.TracingPolicy;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A Secrets Manager endpoint on loopback speaking the AWS JSON 1.1 protocol, for {@code --dev} and the tests: the
 * real SDK client signs and sends real requests to it. It implements the operations the edge and its tests use
 * ({@code GetSecretValue}, {@code CreateSecret}, {@code PutSecretValue}, {@code UpdateSecretVersionStage}) with
 * AWS's staging rules, and fault switches for tests: latency, 5xx, throttling, access denied, garbage, truncated
 * bodies, connection resets, and call counters per version stage.
 */
public final class SecretsManagerEmulator {

  private static final String JSON_11 = "application/x-amz-json-1.1";
  private static final String TARGET_PREFIX = "secretsmanager.";

  private final Vertx vertx;
  private final SecretStore store = new SecretStore();
  private final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  private final AtomicReference<Fault> fault = new AtomicReference<>(Fault.NONE);
  private final AtomicInteger faultBudget = new AtomicInteger(-1);
  private final AtomicLong latencyMillis = new AtomicLong();
  private final Map<String, Long> stageLatencyMillis = new ConcurrentHashMap<>();
  private HttpServer server;

  public SecretsManagerEmulator(Vertx vertx) {
    Objects.requireNonNull(vertx, "vertx");
    this.vertx = vertx;
  }

  /** Listens on 127.0.0.1 and an ephemeral port. */
  public Future<SecretsManagerEmulator> start() {
    // Tracing hook: the AWS SDK sends no traceparent, so with the default policy every call would start a trace of its
    // own beside the edge's span for it; a span only for a caller that sends a trace context.
    return vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0)
            .setTracingPolicy(TracingPolicy.PROPAGATE))
        .requestHandler(this::handle)
        .listen()
        .map(listening -> {
          server = listening;
          return this;
        });
  }

  public Future<Void> close() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  public URI endpoint() {
    return URI.create("http://127.0.0.1:" + server.actualPort());
  }

  /** The secrets held, for seeding and rotating without going through the wire. */
  public SecretStore secrets() {
    return store;
  }

  // ---- fault switches ------------------------------------------------------------------------------------------

  /** Applies {@code fault} to every GetSecretValue from now on. */
  public void fail(Fault fault) {
    this.faultBudget.set(-1);
    this.fault.set(fault);
  }

  /** Applies {@code fault} to the next {@code count} GetSecretValue calls only. */
  public void failNext(int count, Fault fault) {
    this.faultBudget.set(count);
    this.fault.set(fault);
  }

  public void heal() {
    fail(Fault.NONE);
    latencyMillis.set(0);
    stageLatencyMillis.clear();
  }

  /** Delays every answer (faults included) by {@code latency}. */
  public void latency(Duration latency) {
    latencyMillis.set(latency.toMillis());
  }

  /**
   * Delays GetSecretValue answers for one version stage by {@code latency}, on top of {@link #latency(Duration)}.
   * The stored value is read when the answer is written, so a test can move a stage while reads are in flight.
   */
  public void latency(String stage, Duration latency) {
    stageLatencyMillis.put(stage, latency.toMillis());
  }

  /** GetSecretValue calls received for one stage, faulted ones included. */
  public int getSecretValueCalls(String stage) {
    return calls.getOrDefault("GetSecretValue/" + stage, new AtomicInteger()).get();
  }

  /** GetSecretValue calls received for every stage. */
  public int getSecretValueCalls() {
    return calls.entrySet().stream().filter(e -> e.getKey().startsWith("GetSecretValue/"))
        .mapToInt(e -> e.getValue().get()).sum();
  }

  public void resetCounters() {
    calls.clear();
  }

  // ---- protocol ------------------------------------------------------------------------------------------------

  private void handle(HttpServerRequest request) {
    request.body().onSuccess(body -> {
      long delay = latencyMillis.get() + stageLatency(body);
      if (delay > 0) {
        vertx.setTimer(delay, id -> dispatch(request, body));
      } else {
        dispatch(request, body);
      }
    });
  }

  private long stageLatency(Buffer body) {
    if (stageLatencyMillis.isEmpty()) {
      return 0;
    }
    try {
      return stageLatencyMillis.getOrDefault(new JsonObject(body).getString("VersionStage", "AWSCURRENT"), 0L);
    } catch (DecodeException notJson) {
      return 0; // dispatch answers it with SerializationException
    }
  }

  private void dispatch(HttpServerRequest request, Buffer body) {
    String target = request.getHeader("X-Amz-Target");
    String authorization = request.getHeader("Authorization");
    if (!"POST".equals(request.method().name()) || target == null || !target.startsWith(TARGET_PREFIX)) {
      error(request, 400, "UnknownOperationException", "expected POST / with X-Amz-Target: secretsmanager.<Operation>");
      return;
    }
    if (authorization == null || !authorization.startsWith("AWS4-HMAC-SHA256 Credential=")
        || !authorization.contains("/secretsmanager/aws4_request")) {
      error(request, 400, "MissingAuthenticationTokenException", "requests must be SigV4-signed for secretsmanager");
      return;
    }
    JsonObject input;
    try {
      input = new JsonObject(body);
    } catch (DecodeException e) {
      error(request, 400, "SerializationException", "body is not JSON");
      return;
    }
    String operation = target.substring(TARGET_PREFIX.length());
    try {
      switch (operation) {
        case "GetSecretValue" -> getSecretValue(request, input);
        case "CreateSecret" -> ok(request, store.create(input));
        case "PutSecretValue" -> ok(request, store.put(input));
        case "UpdateSecretVersionStage" -> ok(request, store.updateStage(input));
        default -> error(request, 400, "UnknownOperationException", "operation " + operation + " is not emulated");
      }
    } catch (SecretStore.AwsError e) {
      error(request, 400, e.type(), e.getMessage());
    }
  }

  private void getSecretValue(HttpServerRequest request, JsonObject input) {
    String stage = input.getString("VersionStage", input.getString("VersionId") == null ? "AWSCURRENT" : "(by id)");
    calls.computeIfAbsent("GetSecretValue/" + stage, k -> new AtomicInteger()).incrementAndGet();
    Fault active = activeFault();
    switch (active) {
      case NONE -> ok(request, store.get(input));
      case SERVER_ERROR -> error(request, 500, "InternalServiceError", "emulated internal error");
      case THROTTLING -> error(request, 400, "ThrottlingException", "Rate exceeded");
      case ACCESS_DENIED -> error(request, 400, "AccessDeniedException", "emulated: not authorized to GetSecretValue");
      case NOT_FOUND -> error(request, 400, "ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
      case GARBAGE -> request.response().setStatusCode(200).putHeader("Content-Type", JSON_11)
          .end("<html>this is not what you asked for</html>");
      case TRUNCATED -> {
        String whole = store.get(input).encode();
        request.response().setStatusCode(200).putHeader("Content-Type", JSON_11)
            .putHeader("Content-Length", Integer.toString(whole.length()))
            .write(whole.substring(0, whole.length() / 2))
            .onComplete(written -> request.connection().close());
      }
      case RESET -> request.connection().close();
      case HANG -> { } // never answers; the client's attempt timeout must fire
    }
  }

  private Fault activeFault() {
    Fault current = fault.get();
    if (current == Fault.NONE) {
      return current;
    }
    int budget = faultBudget.get();
    if (budget < 0) {
      return current;
    }
    if (budget > 0 && faultBudget.compareAndSet(budget, budget - 1)) {
      return current;
    }
    return Fault.NONE;
  }

  private static void ok(HttpServerRequest request, JsonObject output) {
    request.response().setStatusCode(200).putHeader("Content-Type", JSON_11).end(output.toBuffer());
  }

  private static void error(HttpServerRequest request, int status, String type, String message) {
    request.response().setStatusCode(status)
        .putHeader("Content-Type", JSON_11)
        .putHeader("x-amzn-ErrorType", type + ":http://internal.amazon.com/coral/com.amazonaws.secretsmanager/")
        .end(new JsonObject().put("__type", "com.amazonaws.secretsmanager#" + type).put("message", message).toBuffer());
  }

  /** What GetSecretValue does instead of answering normally. */
  public enum Fault {
    NONE, SERVER_ERROR, THROTTLING, ACCESS_DENIED, NOT_FOUND, GARBAGE, TRUNCATED, RESET, HANG
  }
}
