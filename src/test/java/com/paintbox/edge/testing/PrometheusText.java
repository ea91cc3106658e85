package com.paintbox.edge.testing;

import java.util.Map;
import java.util.OptionalDouble;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Just enough of the Prometheus text format to read samples back in tests. */
public final class PrometheusText {

  private static final Pattern SAMPLE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(\\{[^}]*})?\\s+(\\S+)", Pattern.MULTILINE);
  private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\"");

  private final String text;

  public PrometheusText(String text) {
    this.text = text;
  }

  /** The value of the one sample named {@code name} whose labels include {@code labels}; empty if none. */
  public OptionalDouble value(String name, Map<String, String> labels) {
    Matcher sample = SAMPLE.matcher(text);
    while (sample.find()) {
      if (sample.group(1).equals(name) && hasLabels(sample.group(2), labels)) {
        return OptionalDouble.of(Double.parseDouble(sample.group(3)));
      }
    }
    return OptionalDouble.empty();
  }

  /** The sum of every sample named {@code name} whose labels include {@code labels}; empty if there is none. */
  public OptionalDouble sum(String name, Map<String, String> labels) {
    Matcher sample = SAMPLE.matcher(text);
    double total = 0;
    boolean found = false;
    while (sample.find()) {
      if (sample.group(1).equals(name) && hasLabels(sample.group(2), labels)) {
        total += Double.parseDouble(sample.group(3));
        found = true;
      }
    }
    return found ? OptionalDouble.of(total) : OptionalDouble.empty();
  }

  public double valueOrZero(String name, Map<String, String> labels) {
    return value(name, labels).orElse(0);
  }

  /** Every metric family name with at least one sample. */
  public Set<String> names() {
    Set<String> names = new TreeSet<>();
    Matcher sample = SAMPLE.matcher(text);
    while (sample.find()) {
      names.add(sample.group(1));
    }
    return names;
  }

  private static boolean hasLabels(String block, Map<String, String> wanted) {
    if (wanted.isEmpty()) {
      return true;
    }
    if (block == null) {
      return false;
    }
    Map<String, String> found = new java.util.HashMap<>();
    Matcher label = LABEL.matcher(block);
    while (label.find()) {
      found.put(label.group(1), label.group(2));
    }
    return wanted.entrySet().stream().allMatch(e -> e.getValue().equals(found.get(e.getKey())));
  }

  @Override
  public String toString() {
    return text;
  }
}
