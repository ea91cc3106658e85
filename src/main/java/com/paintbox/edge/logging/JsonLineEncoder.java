package com.paintbox.edge.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.IThrowableProxy;
import ch.qos.logback.classic.spi.StackTraceElementProxy;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import org.slf4j.event.KeyValuePair;

/**
 * One JSON object per line, flat, for Fly's log shipping: {@code ts}, {@code level}, {@code logger},
 * {@code msg}, then the event's key-value pairs (SLF4J's fluent {@code addKeyValue}) as top-level fields,
 * {@code trace_id} and {@code span_id} when the line is written inside a traced span ({@link TraceFields}), and
 * {@code error} with a short stack when there is a throwable. Smaller and steadier than logback's own
 * JsonEncoder, whose nested layout changes between versions.
 */
public final class JsonLineEncoder extends EncoderBase<ILoggingEvent> {

  /** Enough frames to locate a fault without flooding the log pipeline. */
  private static final int MAX_FRAMES = 12;
  private static final byte[] EMPTY = new byte[0];

  @Override
  public byte[] headerBytes() {
    return EMPTY;
  }

  @Override
  public byte[] footerBytes() {
    return EMPTY;
  }

  @Override
  public byte[] encode(ILoggingEvent event) {
    StringBuilder line = new StringBuilder(256);
    line.append("{\"ts\":\"").append(Instant.ofEpochMilli(event.getTimeStamp())).append('"');
    field(line, "level", event.getLevel().toString());
    field(line, "logger", shortName(event.getLoggerName()));
    field(line, "msg", event.getFormattedMessage());
    if (event.getKeyValuePairs() != null) {
      for (KeyValuePair pair : event.getKeyValuePairs()) {
        value(line, pair.key, pair.value);
      }
    }
    String[] trace = TraceFields.current(); // tracing hook: null unless tracing is on and this thread is in a span
    if (trace != null) {
      field(line, "trace_id", trace[0]);
      field(line, "span_id", trace[1]);
    }
    if (event.getThrowableProxy() != null) {
      field(line, "error", describe(event.getThrowableProxy()));
    }
    return line.append("}\n").toString().getBytes(StandardCharsets.UTF_8);
  }

  private static void value(StringBuilder line, String key, Object value) {
    if (value instanceof Number || value instanceof Boolean) {
      line.append(",\"");
      escape(line, key);
      line.append("\":").append(value);
    } else if (value instanceof Iterable<?> items) {
      line.append(",\"");
      escape(line, key);
      line.append("\":[");
      boolean first = true;
      for (Object item : items) {
        line.append(first ? "\"" : ",\"");
        escape(line, String.valueOf(item));
        line.append('"');
        first = false;
      }
      line.append(']');
    } else {
      field(line, key, String.valueOf(value));
    }
  }

  private static void field(StringBuilder line, String key, String value) {
    line.append(",\"");
    escape(line, key);
    line.append("\":\"");
    escape(line, value);
    line.append('"');
  }

  private static String describe(IThrowableProxy throwable) {
    StringBuilder text = new StringBuilder();
    for (IThrowableProxy t = throwable; t != null; t = t.getCause()) {
      if (t != throwable) {
        text.append(" | caused by ");
      }
      text.append(t.getClassName()).append(": ").append(t.getMessage());
      StackTraceElementProxy[] frames = t.getStackTraceElementProxyArray();
      for (int i = 0; i < Math.min(frames.length, MAX_FRAMES); i++) {
        text.append(" at ").append(frames[i].getStackTraceElement());
      }
    }
    return text.toString();
  }

  private static String shortName(String logger) {
    return logger.startsWith("com.paintbox.edge.") ? logger.substring("com.paintbox.edge.".length()) : logger;
  }

  private static void escape(StringBuilder out, String text) {
    if (text == null) {
      out.append("null");
      return;
    }
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      switch (c) {
        case '"' -> out.append("\\\"");
        case '\\' -> out.append("\\\\");
        case '\n' -> out.append("\\n");
        case '\r' -> out.append("\\r");
        case '\t' -> out.append("\\t");
        default -> {
          if (c < 0x20) {
            out.append(String.format("\\u%04x", (int) c));
          } else {
            out.append(c);
          }
        }
      }
    }
  }
}
