package com.paintbox.edge.tracing;

import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import org.slf4j.LoggerFactory;
import org.slf4j.event.Level;

/**
 * Routes the OpenTelemetry SDK's own {@code java.util.logging} output (a failed export, spans dropped from a full
 * queue) to SLF4J. Left alone, the JDK's console handler writes each as two plain-text lines and a stack trace on
 * stderr, among the edge's JSON lines; routed, each is one JSON line like any other. Debug chatter below INFO is
 * not even formatted.
 */
final class SdkLogs extends Handler {

  /** Held for the life of the process: java.util.logging keeps loggers only weakly, and with them this setting. */
  private static final Logger SDK = Logger.getLogger("io.opentelemetry");
  private static final Formatter MESSAGES = new SimpleFormatter();
  private static boolean installed;

  private SdkLogs() {}

  static synchronized void install() {
    if (!installed) {
      SDK.setUseParentHandlers(false);
      SDK.setLevel(java.util.logging.Level.INFO);
      SDK.addHandler(new SdkLogs());
      installed = true;
    }
  }

  @Override
  public void publish(LogRecord record) {
    org.slf4j.Logger log = LoggerFactory.getLogger(record.getLoggerName());
    Level level = level(record.getLevel());
    if (!log.isEnabledForLevel(level)) {
      return;
    }
    var event = log.atLevel(level);
    if (record.getThrown() != null) {
      event = event.setCause(record.getThrown());
    }
    event.log(MESSAGES.formatMessage(record));
  }

  private static Level level(java.util.logging.Level level) {
    int value = level.intValue();
    if (value >= java.util.logging.Level.SEVERE.intValue()) {
      return Level.ERROR;
    }
    if (value >= java.util.logging.Level.WARNING.intValue()) {
      return Level.WARN;
    }
    return value >= java.util.logging.Level.INFO.intValue() ? Level.INFO : Level.DEBUG;
  }

  @Override
  public void flush() {}

  @Override
  public void close() {}
}
