package com.paintbox.edge.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * What a newcomer reads first stays short and true: the README starts with the two commands and stays under 8 KiB,
 * ARCHITECTURE.md names every package, every package says its job, links between the docs resolve, and the scripts
 * keep one naming rule with every benchmark listed.
 */
final class NewcomerDocsTest {

  private static final Path MAIN = Path.of("src/main/java/com/paintbox/edge");
  private static final Path README = Path.of("README.md");
  private static final Path ARCHITECTURE = Path.of("ARCHITECTURE.md");
  /** The README's budget, in bytes. */
  private static final long README_MAX_BYTES = 8 * 1024;
  private static final String RUN = "mvn -B -q package -DskipTests && java -jar target/paintbox-edge.jar --dev";
  private static final String TEST = "mvn -B verify";
  /**
   * Packages whose owners were changing them while package-info files were added (issue 16); they add theirs. Remove a
   * name here once its package has one.
   */
  private static final Set<String> PACKAGE_INFO_PENDING = Set.of();
  private static final Pattern LINK = Pattern.compile("\\]\\(([^)#\\s]+)(#[^)]*)?\\)");

  @Test
  void readme_isUnder8KiB() throws IOException {
    assertThat(Files.size(README)).isLessThan(README_MAX_BYTES);
  }

  @Test
  void readme_startsWithTheTwoCommands() throws IOException {
    List<String> lines = Files.readAllLines(README);
    int fence = lines.indexOf("```sh");
    assertThat(fence).as("the first code block").isPositive();
    assertThat(lines.subList(0, fence)).as("nothing but the title before the commands")
        .allSatisfy(line -> assertThat(line.isBlank() || line.startsWith("# ")).isTrue());
    assertThat(lines.get(fence + 1)).startsWith(RUN);
    assertThat(lines.get(fence + 2)).startsWith(TEST + " ");
  }

  @Test
  void architecture_namesEveryPackage() throws IOException {
    String architecture = Files.readString(ARCHITECTURE);
    for (String pkg : packages()) {
      String named = pkg.isEmpty() ? "`com.paintbox.edge`" : "`" + pkg + "/`";
      assertThat(architecture).as("ARCHITECTURE.md names the package %s", named).contains("### " + named);
    }
  }

  @Test
  void everyPackage_saysItsJobInAPackageInfo() throws IOException {
    for (String pkg : packages()) {
      if (PACKAGE_INFO_PENDING.contains(pkg)) {
        continue;
      }
      Path info = MAIN.resolve(pkg).resolve("package-info.java");
      assertThat(info).as("package-info.java of %s", pkg.isEmpty() ? "the root" : pkg).exists();
      assertThat(Files.readString(info)).contains("/**");
    }
  }

  @Test
  void docs_relativeLinksResolve() throws IOException {
    List<Path> pages;
    try (Stream<Path> docs = Files.list(Path.of("docs"))) {
      pages = Stream.concat(Stream.of(README, ARCHITECTURE, Path.of("bench/README.md")),
          docs.filter(path -> path.toString().endsWith(".md"))).toList();
    }
    Path root = Path.of("").toAbsolutePath();
    for (Path page : pages) {
      Matcher link = LINK.matcher(Files.readString(page));
      while (link.find()) {
        String target = link.group(1);
        if (target.contains("://") || target.startsWith("mailto:")) {
          continue;
        }
        Path resolved = page.toAbsolutePath().getParent().resolve(target).normalize();
        if (!resolved.startsWith(root)) {
          continue; // outside the repository (the shared contract): not ours to check
        }
        assertThat(resolved).as("%s links to %s", page, target).exists();
      }
    }
  }

  @Test
  void scripts_allEndInSh_andBenchReadmeListsEveryTool() throws IOException {
    String benchReadme = Files.readString(Path.of("bench/README.md"));
    for (Path dir : List.of(Path.of("bench"), Path.of("deploy"))) {
      try (Stream<Path> files = Files.list(dir)) {
        for (Path file : files.filter(Files::isRegularFile).toList()) {
          String name = file.getFileName().toString();
          if (Files.readString(file).startsWith("#!")) {
            assertThat(name).as("a script's name").endsWith(".sh");
          }
          if (dir.endsWith("bench") && name.endsWith(".sh")) {
            assertThat(benchReadme).as("bench/README.md lists %s", name).contains(name);
          }
        }
      }
    }
    assertThat(benchReadme).contains("jmh/", "k6/");
  }

  /** Every package under {@code MAIN} that holds Java, as a path relative to it ("" for the root). */
  private static List<String> packages() throws IOException {
    try (Stream<Path> dirs = Files.walk(MAIN)) {
      return dirs.filter(Files::isDirectory).filter(NewcomerDocsTest::holdsJava)
          .map(dir -> MAIN.relativize(dir).toString().replace('\\', '/')).sorted().toList();
    }
  }

  private static boolean holdsJava(Path dir) {
    try (Stream<Path> files = Files.list(dir)) {
      return files.anyMatch(file -> file.toString().endsWith(".java"));
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
