package com.paintbox.edge.logging;

import java.util.function.Supplier;

/**
 * Where a log line finds the trace it was written in. Tracing installs the lookup when it is on; until then, and
 * for good when it is off, there is none, and logging loads nothing of OpenTelemetry.
 *
 * <p>Read when the line is encoded: the console appender encodes on the thread that logs, so that thread's current
 * span is the span the line was written in.
 */
public final class TraceFields {

  private static volatile Supplier<String[]> lookup;

  private TraceFields() {}

  /** @param ids the current span's {@code {trace_id, span_id}}, or null outside a span */
  public static void install(Supplier<String[]> ids) {
    lookup = ids;
  }

  /** {@code {trace_id, span_id}} of the span this thread is in, or null. */
  static String[] current() {
    Supplier<String[]> ids = lookup;
    return ids == null ? null : ids.get();
  }
}
