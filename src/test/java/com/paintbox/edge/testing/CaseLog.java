package com.paintbox.edge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import org.junit.jupiter.api.extension.AfterTestExecutionCallback;
import org.junit.jupiter.api.extension.BeforeTestExecutionCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.TestWatcher;

/**
 * Records every test invocation, with its display name (so each case of a parameterized test is told apart by what
 * it tries, not by an index), its outcome and its duration, to {@code target/reliability-figures/cases.tsv}:
 * {@code docs/reliability-report.sh} builds docs/reliability.md from it. Registered for every test through
 * JUnit's extension auto-detection (src/test/resources); it changes nothing about how tests run.
 */
public final class CaseLog implements BeforeTestExecutionCallback, AfterTestExecutionCallback, TestWatcher {

  private static final Path FILE = Path.of("target", "reliability-figures", "cases.tsv");
  private static final ExtensionContext.Namespace NAMESPACE = ExtensionContext.Namespace.create(CaseLog.class);
  private static boolean started;

  @Override
  public void beforeTestExecution(ExtensionContext context) {
    context.getStore(NAMESPACE).put("start", System.nanoTime());
  }

  @Override
  public void afterTestExecution(ExtensionContext context) {
    Long start = context.getStore(NAMESPACE).get("start", Long.class);
    context.getStore(NAMESPACE).put("millis", start == null ? -1 : (System.nanoTime() - start) / 1_000_000);
  }

  @Override
  public void testSuccessful(ExtensionContext context) {
    record(context, "passed");
  }

  @Override
  public void testFailed(ExtensionContext context, Throwable cause) {
    record(context, "failed");
  }

  @Override
  public void testAborted(ExtensionContext context, Throwable cause) {
    record(context, "skipped");
  }

  @Override
  public void testDisabled(ExtensionContext context, Optional<String> reason) {
    record(context, "skipped");
  }

  private static synchronized void record(ExtensionContext context, String outcome) {
    Long millis = context.getStore(NAMESPACE).get("millis", Long.class);
    String line = String.join("\t", context.getRequiredTestClass().getSimpleName(),
        context.getRequiredTestMethod().getName(), clean(context.getDisplayName()), outcome,
        Long.toString(millis == null ? -1 : millis)) + "\n";
    try {
      Files.createDirectories(FILE.getParent());
      if (!started) {
        Files.deleteIfExists(FILE); // one file per test run
        started = true;
      }
      Files.writeString(FILE, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Display names of raw-socket cases hold CR, LF, tabs and NULs; the file is one line per case. */
  private static String clean(String name) {
    StringBuilder out = new StringBuilder(name.length());
    for (char c : name.toCharArray()) {
      switch (c) {
        case '\r' -> out.append("\\r");
        case '\n' -> out.append("\\n");
        case '\t' -> out.append("\\t");
        default -> out.append(c < 0x20 || c == 0x7f ? String.format("\\u%04x", (int) c) : String.valueOf(c));
      }
    }
    return out.toString();
  }
}
