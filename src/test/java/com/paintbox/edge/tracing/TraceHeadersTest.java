package com.paintbox.edge.tracing;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.MultiMap;
import org.junit.jupiter.api.Test;

class TraceHeadersTest {

  @Test
  void isTraceHeader_w3cAndBaggageInAnyCase_true() {
    assertThat(TraceHeaders.isTraceHeader("traceparent")).isTrue();
    assertThat(TraceHeaders.isTraceHeader("TraceState")).isTrue();
    assertThat(TraceHeaders.isTraceHeader("baggage")).isTrue();
    assertThat(TraceHeaders.isTraceHeader("accept-encoding")).isFalse();
  }

  @Test
  void strip_outsideATracingVertx_leavesHeadersAsTheyAre() {
    MultiMap headers = MultiMap.caseInsensitiveMultiMap().add("traceparent", "00-1-2-01").add("accept", "*/*");
    TraceHeaders.strip(headers);
    assertThat(headers.get("traceparent")).isEqualTo("00-1-2-01");
  }
}
