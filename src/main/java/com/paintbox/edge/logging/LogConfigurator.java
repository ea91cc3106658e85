package com.paintbox.edge.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logging set up in code, found by Logback through {@code META-INF/services}: parsing an XML configuration cost a
 * quarter of the main thread's start-up and 400 classes, on a path that decides how fast a stopped machine answers.
 *
 * <p>{@code EDGE_LOG_FORMAT=json} (default) writes one JSON object per line for Fly's log shipping;
 * {@code text} is for humans. {@code EDGE_LOG_LEVEL} sets the root level (default INFO).
 */
public final class LogConfigurator extends ContextAwareBase implements Configurator {

  private static final String CONSOLE = "console";
  private static final String FORMAT_VARIABLE = "EDGE_LOG_FORMAT";
  private static final String TEXT_PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{20} %msg %kvp%n";
  /** Libraries whose INFO chatter is not the operator's business, and two that are handled elsewhere. */
  private static final Map<String, Level> QUIET = Map.of(
      // Fetch failures are logged once, by the edge, with their type and retry; Caffeine would log them again.
      "com.github.benmanes.caffeine", Level.ERROR,
      // vertx-micrometer-metrics re-registers gauges on purpose and Micrometer warns each time (docs/vertx-gaps.md #22).
      "io.micrometer.core.instrument.MeterRegistry", Level.ERROR,
      "io.netty", Level.WARN,
      "software.amazon.awssdk", Level.WARN,
      "io.vertx", Level.WARN);

  /**
   * Switches the console to text lines, unless {@code EDGE_LOG_FORMAT} chose a format: {@code --dev} on a terminal,
   * where a person reads the log. Logback is configured by the first logger anyone asks for, before {@code main} can
   * say anything, so this re-dresses the console afterwards.
   */
  public static void textUnlessChosen(Map<String, String> env) {
    if (env.get(FORMAT_VARIABLE) != null) {
      return;
    }
    LoggerContext context = (LoggerContext) LoggerFactory.getILoggerFactory();
    Appender<ILoggingEvent> appender = context.getLogger(Logger.ROOT_LOGGER_NAME).getAppender(CONSOLE);
    if (appender instanceof ConsoleAppender<ILoggingEvent> console) {
      console.stop();
      console.setEncoder(encoder(context, "text"));
      console.start();
    }
  }

  @Override
  public ExecutionStatus configure(LoggerContext context) {
    ConsoleAppender<ILoggingEvent> console = new ConsoleAppender<>();
    console.setContext(context);
    console.setName(CONSOLE);
    console.setEncoder(encoder(context, System.getenv().getOrDefault(FORMAT_VARIABLE, "json")));
    console.start();
    ch.qos.logback.classic.Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
    root.setLevel(Level.toLevel(System.getenv().getOrDefault("EDGE_LOG_LEVEL", "INFO"), Level.INFO));
    root.addAppender(console);
    QUIET.forEach((name, level) -> context.getLogger(name).setLevel(level));
    return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
  }

  private static Encoder<ILoggingEvent> encoder(LoggerContext context, String format) {
    if (format.toLowerCase(Locale.ROOT).equals("text")) {
      PatternLayoutEncoder text = new PatternLayoutEncoder();
      text.setContext(context);
      text.setPattern(TEXT_PATTERN);
      text.start();
      return text;
    }
    JsonLineEncoder json = new JsonLineEncoder();
    json.setContext(context);
    json.start();
    return json;
  }
}
