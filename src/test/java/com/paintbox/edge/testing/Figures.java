package com.paintbox.edge.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;

/**
 * Figures a test measured (counts, durations, memory), written to {@code target/reliability-figures/<test>.properties}
 * for {@code docs/reliability-report.sh}, which puts them next to the test's result in docs/reliability.md. They
 * are reported, never asserted as speeds.
 */
public final class Figures {

  private static final Path DIR = Path.of("target", "reliability-figures");

  private final String test;
  private final Map<String, String> values = new TreeMap<>();

  public Figures(String test) {
    this.test = test;
  }

  public Figures put(String key, Object value) {
    values.put(key, String.valueOf(value));
    return this;
  }

  /** Writes the figures; a test's assertions come after, so a failing run still leaves what it measured. */
  public void write() {
    StringBuilder text = new StringBuilder();
    values.forEach((key, value) -> text.append(key).append('=').append(value).append('\n'));
    try {
      Files.createDirectories(DIR);
      Files.writeString(DIR.resolve(test + ".properties"), text);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
