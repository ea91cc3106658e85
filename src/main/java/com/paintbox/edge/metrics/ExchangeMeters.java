package com.paintbox.edge.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.vertx.core.http.HttpMethod;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * The per-exchange meters of one side (HTTP server or HTTP client), resolved once per {@code method} and once per
 * {@code (method, code)}: a request costs an identity check or a map read, an array read and the increments, never
 * the {@code Tags} merge and registry lookup that vertx-micrometer-metrics does five times per request
 * (docs/vertx-gaps.md #21).
 *
 * <p>Methods outside the standard set are counted as {@code OTHER}: a method is any token, and a label value per
 * token a client makes up would let it grow the registry without bound.
 */
final class ExchangeMeters {

  /** Status codes are three digits (RFC 9110 §15); anything else shares the last slot. */
  private static final int STATUS_SLOTS = 1000;
  static final String OTHER_METHOD = "OTHER";
  private static final List<HttpMethod> STANDARD = HttpMethod.values();

  private final Function<String, Method> build;
  private final Method get;
  private final Method head;
  private final Map<String, Method> others = new ConcurrentHashMap<>();

  /**
   * @param build the meters of one method label; called once per label
   */
  ExchangeMeters(Function<String, Method> build) {
    this.build = build;
    this.get = build.apply(HttpMethod.GET.name());
    this.head = build.apply(HttpMethod.HEAD.name());
  }

  /** The meters of {@code method}; GET and HEAD, nearly all of an edge's traffic, without a map read. */
  Method of(HttpMethod method) {
    if (method == HttpMethod.GET) {
      return get;
    }
    if (method == HttpMethod.HEAD) {
      return head;
    }
    String label = STANDARD.contains(method) ? method.name() : OTHER_METHOD;
    return others.computeIfAbsent(label, build);
  }

  /** Meters for one method label, and per status code, built on first use. */
  static final class Method {

    final LongAdder active;
    final DistributionSummary requestBytes;
    final Counter requests;
    final Counter resets;
    private final Function<String, Status> status;
    private final AtomicReferenceArray<Status> byCode = new AtomicReferenceArray<>(STATUS_SLOTS);

    Method(LongAdder active, DistributionSummary requestBytes, Counter requests, Counter resets,
        Function<String, Status> status) {
      this.active = active;
      this.requestBytes = requestBytes;
      this.requests = requests;
      this.resets = resets;
      this.status = status;
    }

    Status status(int code) {
      int slot = code >= 0 && code < STATUS_SLOTS ? code : STATUS_SLOTS - 1;
      Status meters = byCode.get(slot);
      if (meters == null) {
        // Racing threads build the same meters: the registry hands both the one it holds.
        meters = status.apply(String.valueOf(code));
        byCode.set(slot, meters);
      }
      return meters;
    }
  }

  /**
   * One request and its response, begun and ended on its connection's event loop. The active-request gauge goes
   * down once: when both sides have ended, or at a reset.
   */
  static final class Exchange {

    private final Method method;
    private final long startNanos = System.nanoTime();
    private boolean requestEnded;
    private boolean responseEnded;
    private boolean reset;
    /** The status of a client exchange, known at its response head, recorded at its end. */
    int status;

    Exchange(Method method) {
      this.method = method;
    }

    void requestEnded(long bytes) {
      method.requestBytes.record(bytes);
      requestEnded = true;
      if (responseEnded && !reset) {
        method.active.decrement();
      }
    }

    void responseEnded(int code, long bytes) {
      Status meters = method.status(code);
      meters.count().increment();
      meters.time().record(System.nanoTime() - startNanos, TimeUnit.NANOSECONDS);
      meters.bytes().record(bytes);
      responseEnded = true;
      if (requestEnded && !reset) {
        method.active.decrement();
      }
    }

    void reset() {
      if (method.resets != null) {
        method.resets.increment();
      }
      if (!reset && !(requestEnded && responseEnded)) {
        method.active.decrement();
      }
      reset = true;
    }
  }

  /** What is recorded when a response ends. */
  record Status(Counter count, Timer time, DistributionSummary bytes) {}

  /** A gauge over a {@link LongAdder}, held strongly by the registry so it lives as long as the process. */
  static LongAdder gauge(MeterRegistry registry, String name, String description, Tags tags) {
    LongAdder value = new LongAdder();
    io.micrometer.core.instrument.Gauge.builder(name, value, LongAdder::doubleValue)
        .description(description).tags(tags).strongReference(true).register(registry);
    return value;
  }

  static Counter counter(MeterRegistry registry, String name, String description, Tags tags) {
    return Counter.builder(name).description(description).tags(tags).register(registry);
  }

  static DistributionSummary summary(MeterRegistry registry, String name, String description, Tags tags) {
    return DistributionSummary.builder(name).description(description).tags(tags).register(registry);
  }

  static Timer timer(MeterRegistry registry, String name, String description, Tags tags) {
    return Timer.builder(name).description(description).tags(tags).register(registry);
  }
}
