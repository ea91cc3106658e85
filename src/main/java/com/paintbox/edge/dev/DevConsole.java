package com.paintbox.edge.dev;

import org.jspecify.annotations.Nullable;
import java.io.Console;
import java.io.PrintStream;
import java.lang.reflect.Method;
import java.util.Locale;
import java.util.Optional;

/**
 * Where {@code --dev} talks to a person. Standard output on a terminal gets a short banner and text logs; anything
 * else (a file, a pipe, a CI log, the deploy and bench scripts that read the JSON lines) keeps the JSON lines
 * production writes.
 */
public final class DevConsole {

  /** Overrides the detection, {@code true} or {@code false}: for tests, and for terminals Java cannot see. */
  public static final String TERMINAL_PROPERTY = "paintbox.edge.terminal";

  private DevConsole() {}

  /** Standard output when it is a terminal (or {@link #TERMINAL_PROPERTY} says so), else empty. */
  // The banner is for the person at the terminal, not a log line: the one place the edge writes stdout directly.
  public static Optional<PrintStream> terminal() {
    return isTerminal(System.getProperty(TERMINAL_PROPERTY), System.console()) ? Optional.of(System.out)
        : Optional.empty();
  }

  /**
   * True when {@code override} says so, else when the JVM has a console that is a terminal. Up to JDK 21 a console
   * exists only when both standard streams are a terminal; from JDK 22 one always exists, and
   * {@code Console.isTerminal()} (looked up by reflection: this is Java 17 bytecode) tells.
   */
  static boolean isTerminal(@Nullable String override, @Nullable Console console) {
    if (override != null && !override.isBlank()) {
      return Boolean.parseBoolean(override.trim().toLowerCase(Locale.ROOT));
    }
    if (console == null) {
      return false;
    }
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return (Boolean) isTerminal.invoke(console);
    } catch (NoSuchMethodException beforeJdk22) {
      return true;
    } catch (ReflectiveOperationException | RuntimeException unknowable) {
      return false;
    }
  }
}
