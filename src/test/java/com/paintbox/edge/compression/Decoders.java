package com.paintbox.edge.compression;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * Decodes what the edge encoded with implementations other than its encoders: the JDK for gzip, Debian's
 * {@code brotli} and {@code zstd} command-line tools for the others (.ci/run installs them). Where a tool is missing
 * (a developer's machine), the library's own decoder stands in, which proves less, so CI sets
 * {@code PAINTBOX_REQUIRE_CODEC_TOOLS=1} and a missing tool then fails the test instead.
 */
final class Decoders {

  private Decoders() {}

  static byte[] decode(Coding coding, byte[] encoded) throws Exception {
    return switch (coding) {
      case IDENTITY -> encoded;
      case GZIP -> {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(encoded))) {
          yield in.readAllBytes();
        }
      }
      case BR -> tool("brotli", encoded, () -> brotliLibrary(encoded));
      case ZSTD -> tool("zstd", encoded, () -> com.github.luben.zstd.Zstd.decompress(encoded,
          (int) com.github.luben.zstd.Zstd.getFrameContentSize(encoded) > 0
              ? (int) com.github.luben.zstd.Zstd.getFrameContentSize(encoded) : 8 << 20));
    };
  }

  /** Which tool decoded, for the test's own record: "cli" or "library". */
  static String decoderOf(Coding coding) {
    return switch (coding) {
      case BR -> onPath("brotli") ? "brotli cli" : "brotli4j";
      case ZSTD -> onPath("zstd") ? "zstd cli" : "zstd-jni";
      default -> "jdk";
    };
  }

  private interface Fallback {
    byte[] decode() throws Exception;
  }

  private static byte[] tool(String name, byte[] encoded, Fallback fallback) throws Exception {
    if (!onPath(name)) {
      if (System.getenv("PAINTBOX_REQUIRE_CODEC_TOOLS") != null) {
        throw new AssertionError(name + " is not installed, and PAINTBOX_REQUIRE_CODEC_TOOLS is set");
      }
      return fallback.decode();
    }
    Path input = Files.createTempFile("edge-body", ".bin");
    try {
      Files.write(input, encoded);
      Process process = new ProcessBuilder(name, "-d", "-c", input.toString()).redirectErrorStream(false).start();
      byte[] decoded;
      try (InputStream out = process.getInputStream(); OutputStream ignored = process.getOutputStream()) {
        decoded = out.readAllBytes();
      }
      if (!process.waitFor(20, TimeUnit.SECONDS) || process.exitValue() != 0) {
        throw new AssertionError(name + " -d failed: " + new String(process.getErrorStream().readAllBytes()));
      }
      return decoded;
    } finally {
      Files.deleteIfExists(input);
    }
  }

  private static byte[] brotliLibrary(byte[] encoded) throws IOException {
    com.aayushatharva.brotli4j.Brotli4jLoader.ensureAvailability();
    com.aayushatharva.brotli4j.decoder.DirectDecompress result =
        com.aayushatharva.brotli4j.decoder.Decoder.decompress(encoded);
    return result.getDecompressedData();
  }

  private static boolean onPath(String name) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (Files.isExecutable(Path.of(dir, name))) {
        return true;
      }
    }
    return false;
  }
}
