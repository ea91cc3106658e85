package com.paintbox.edge.testing;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import com.paintbox.edge.logging.JsonLineEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.slf4j.LoggerFactory;

/**
 * Every log line the process writes while open, rendered by the production {@link JsonLineEncoder}, so a test
 * greps exactly the bytes an operator's log pipeline would receive. The edge's own loggers ({@code com.paintbox})
 * are lowered to DEBUG meanwhile, so a leak at a verbose level is caught too; libraries keep the levels production
 * gives them. (Lowering the root instead would leave every JDK HTTP client created meanwhile logging at DEBUG for
 * the rest of the run: the JDK decides once, per client.)
 */
public final class LogCapture extends AppenderBase<ILoggingEvent> implements AutoCloseable {

  private final JsonLineEncoder encoder = new JsonLineEncoder();
  private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
  private final Logger root;
  private final Logger edge;
  private final Level before;

  private LogCapture() {
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    root = context.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    edge = context.getLogger("com.paintbox");
    before = edge.getLevel();
    setContext(context);
    setName("test-capture");
    encoder.setContext(context);
    encoder.start();
  }

  /** Attaches to the root logger until {@link #close()}. */
  public static LogCapture attach() {
    LogCapture capture = new LogCapture();
    capture.start();
    capture.edge.setLevel(Level.DEBUG);
    capture.root.addAppender(capture);
    return capture;
  }

  @Override
  protected void append(ILoggingEvent event) {
    lines.add(new String(encoder.encode(event), StandardCharsets.UTF_8));
  }

  public List<String> lines() {
    return List.copyOf(lines);
  }

  /** All captured lines as one string, for {@code doesNotContain} checks. */
  public String text() {
    return String.join("", lines);
  }

  @Override
  public void close() {
    root.detachAppender(this);
    edge.setLevel(before); // null again: inherit from the root, as before
    stop();
  }
}
