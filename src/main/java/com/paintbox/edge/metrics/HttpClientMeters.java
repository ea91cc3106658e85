package com.paintbox.edge.metrics;

import com.paintbox.edge.metrics.ExchangeMeters.Exchange;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.vertx.core.http.WebSocket;
import io.vertx.core.net.SocketAddress;
import io.vertx.core.spi.metrics.ClientMetrics;
import io.vertx.core.spi.metrics.HttpClientMetrics;
import io.vertx.core.spi.observability.HttpRequest;
import io.vertx.core.spi.observability.HttpResponse;
import java.util.concurrent.atomic.LongAdder;

/**
 * The {@code vertx_http_client_*} series of one {@code client_name}, as vertx-micrometer-metrics names,
 * labels ({@code client_name}, {@code method}, {@code code}) and describes them, at a fraction of its per-request
 * cost (see {@link ExchangeMeters}). Every HTTP client with that name (the edge has one origin client per event
 * loop) shares the instance, so gauges sum over all of them.
 */
final class HttpClientMeters extends ConnectionMeters implements HttpClientMetrics<Exchange, LongAdder, Object> {

  private static final String PREFIX = "vertx.http.client.";

  private final ExchangeMeters exchanges;
  private final ClientMetrics<Exchange, HttpRequest, HttpResponse> endpoint = new Endpoint();

  /** @param clientName the client's {@code HttpClientOptions.getMetricsName()}; {@code ?} when null, as upstream */
  HttpClientMeters(MeterRegistry registry, String clientName) {
    this(registry, Tags.of("client_name", clientName == null ? "?" : clientName));
  }

  private HttpClientMeters(MeterRegistry registry, Tags client) {
    super(registry, PREFIX, client, "Number of connections to the remote host currently opened",
        "Number of bytes received from the remote host", "Number of bytes sent to the remote host");
    exchanges = new ExchangeMeters(method -> {
      Tags tags = client.and("method", method);
      return new ExchangeMeters.Method(
          ExchangeMeters.gauge(registry, PREFIX + "active.requests", "Number of requests waiting for a response", tags),
          ExchangeMeters.summary(registry, PREFIX + "request.bytes", "Size of requests in bytes", tags),
          ExchangeMeters.counter(registry, PREFIX + "requests", "Number of requests sent", tags),
          null,
          code -> {
            Tags coded = tags.and("code", code);
            return new ExchangeMeters.Status(
                ExchangeMeters.counter(registry, PREFIX + "responses", "Response count with codes", coded),
                ExchangeMeters.timer(registry, PREFIX + "response.time", "Response time", coded),
                ExchangeMeters.summary(registry, PREFIX + "response.bytes", "Size of responses in bytes", coded));
          });
    });
  }

  @Override
  public ClientMetrics<Exchange, HttpRequest, HttpResponse> createEndpointMetrics(SocketAddress remoteAddress,
      int maxPoolSize) {
    return endpoint;
  }

  @Override
  public LongAdder connected(WebSocket webSocket) {
    return webSocketOpened();
  }

  /** Per-request callbacks; the series have no per-endpoint label, so every endpoint shares this one. */
  private final class Endpoint implements ClientMetrics<Exchange, HttpRequest, HttpResponse> {

    @Override
    public Exchange requestBegin(String uri, HttpRequest request) {
      ExchangeMeters.Method method = exchanges.of(request.method());
      method.active.increment();
      method.requests.increment();
      return new Exchange(method);
    }

    @Override
    public void requestEnd(Exchange exchange, long bytesWritten) {
      exchange.requestEnded(bytesWritten);
    }

    @Override
    public void responseBegin(Exchange exchange, HttpResponse response) {
      exchange.status = response.statusCode();
    }

    @Override
    public void requestReset(Exchange exchange) {
      exchange.reset();
    }

    @Override
    public void responseEnd(Exchange exchange, long bytesRead) {
      exchange.responseEnded(exchange.status, bytesRead);
    }
  }
}
