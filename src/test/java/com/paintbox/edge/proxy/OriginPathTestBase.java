package com.paintbox.edge.proxy;

import com.paintbox.edge.testing.OriginPath;
import com.paintbox.edge.testing.ProxyTestEdge;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.junit5.VertxExtension;
import java.util.Map;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The base of every pass-through test: each case runs once per {@link OriginPath}, so a rule that holds on one
 * transport and not the other fails by name ({@code [ENGINE]}), as vertx-http-proxy's {@code ProxyTestBase} runs
 * its cases on each setup. Tests start their edges through {@link #startEdge}.
 */
@ExtendWith(VertxExtension.class)
@ParameterizedClass(name = "[{0}]")
@EnumSource(OriginPath.class)
abstract class OriginPathTestBase {

  @Parameter
  protected OriginPath path;

  protected Future<ProxyTestEdge> startEdge(Vertx vertx, String originUrl) {
    return startEdge(vertx, originUrl, Map.of());
  }

  protected Future<ProxyTestEdge> startEdge(Vertx vertx, String originUrl, Map<String, String> settings) {
    return startEdge(vertx, new PrometheusMeterRegistry(PrometheusConfig.DEFAULT), originUrl, settings);
  }

  protected Future<ProxyTestEdge> startEdge(Vertx vertx, PrometheusMeterRegistry registry, String originUrl,
      Map<String, String> settings) {
    return ProxyTestEdge.start(vertx, registry, originUrl, settings, path);
  }
}
