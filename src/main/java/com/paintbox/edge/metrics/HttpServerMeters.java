package com.paintbox.edge.metrics;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.spi.metrics.HttpServerMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;
import com.paintbox.edge.metrics.ExchangeMeters.Exchange;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@code vertx_http_server_*} series, named, labelled ({@code method}, {@code code}) and described as
 * vertx-micrometer-metrics does with the labels the edge enables, so dashboards and the contract's "Vert.x HTTP
 * server metrics" are unchanged; only the per-request cost differs (see {@link ExchangeMeters}). One instance serves
 * every HTTP server of a Vert.x: like vertx-micrometer's, the series carry no per-server label.
 */
final class HttpServerMeters extends ConnectionMeters implements HttpServerMetrics<ExchangeMeters.Exchange, LongAdder, Object> {

  private static final String PREFIX = "vertx.http.server.";

  private final ExchangeMeters exchanges;

  HttpServerMeters(MeterRegistry registry) {
    super(registry, PREFIX, Tags.empty(), "Number of opened connections to the server",
        "Number of bytes received by the server", "Number of bytes sent by the server");
    exchanges = new ExchangeMeters(method -> {
      Tags tags = Tags.of("method", method);
      return new ExchangeMeters.Method(
          ExchangeMeters.gauge(registry, PREFIX + "active.requests", "Number of requests being processed", tags),
          ExchangeMeters.summary(registry, PREFIX + "request.bytes", "Size of requests in bytes", tags),
          null,
          ExchangeMeters.counter(registry, PREFIX + "request.resets", "Number of request resets", tags),
          code -> {
            Tags coded = tags.and("code", code);
            return new ExchangeMeters.Status(
                ExchangeMeters.counter(registry, PREFIX + "requests", "Number of processed requests", coded),
                ExchangeMeters.timer(registry, PREFIX + "response.time", "Request processing time", coded),
                ExchangeMeters.summary(registry, PREFIX + "response.bytes", "Size of responses in bytes", coded));
          });
    });
  }

  @Override
  public Exchange requestBegin(Object connection, HttpRequest request) {
    return begin(exchanges.of(request.method()));
  }

  @Override
  public Exchange responsePushed(Object connection, io.vertx.core.http.HttpMethod method, String uri,
      HttpResponse response) {
    return begin(exchanges.of(method));
  }

  @Override
  public void requestEnd(Exchange exchange, HttpRequest request, long bytesRead) {
    exchange.requestEnded(bytesRead);
  }

  @Override
  public void requestReset(Exchange exchange) {
    exchange.reset();
  }

  @Override
  public void responseEnd(Exchange exchange, HttpResponse response, long bytesWritten) {
    exchange.responseEnded(response.statusCode(), bytesWritten);
  }

  @Override
  public LongAdder connected(Object connection, Exchange exchange, ServerWebSocket serverWebSocket) {
    return webSocketOpened();
  }

  private static Exchange begin(ExchangeMeters.Method method) {
    method.active.increment();
    return new Exchange(method);
  }
}
