package com.paintbox.edge.proxy;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Large bodies for the streaming tests, generated and hashed on the fly so no test ever holds one in memory: a
 * seeded pseudo-random stream written with back-pressure, and the helpers to hash what arrives and to wait for a
 * paused transfer to stop moving.
 */
final class GeneratedBody {

  static final long MIB = 1L << 20;
  private static final int CHUNK_BYTES = 64 * 1024;
  private static final long SEED = 0x5EED_ED6EL;

  private GeneratedBody() {}

  /**
   * Writes {@code total} bytes to {@code out}, never while its write queue is full, then ends it. Call on the
   * stream's context.
   *
   * @param written bytes handed to the stream so far, for the test thread to watch
   * @param queueFull set once the stream pushed back (its write queue was full)
   * @return the SHA-256, hex, of everything written
   */
  static Future<String> write(WriteStream<Buffer> out, long total, AtomicLong written, AtomicBoolean queueFull) {
    Promise<String> done = Promise.promise();
    MessageDigest sha = sha256();
    Random random = new Random(SEED);
    Runnable[] pump = new Runnable[1];
    pump[0] = () -> {
      while (written.get() < total) {
        if (out.writeQueueFull()) {
          queueFull.set(true);
          out.drainHandler(drained -> pump[0].run());
          return;
        }
        byte[] bytes = new byte[(int) Math.min(CHUNK_BYTES, total - written.get())];
        random.nextBytes(bytes);
        sha.update(bytes);
        out.write(Buffer.buffer(bytes));
        written.addAndGet(bytes.length);
      }
      out.end().onComplete(ended -> {
        if (ended.succeeded()) {
          done.complete(HexFormat.of().formatHex(sha.digest()));
        } else {
          done.fail(ended.cause());
        }
      });
    };
    pump[0].run();
    return done.future();
  }

  static MessageDigest sha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }

  /**
   * Waits until {@code counter} has not moved for {@code stable}, at most {@code max}, and returns its value: the
   * point where a paused transfer has filled every buffer between the two ends and stopped.
   */
  static long awaitPlateau(AtomicLong counter, Duration stable, Duration max) throws InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    long last = -1;
    long since = System.nanoTime();
    while (System.nanoTime() < deadline) {
      long now = counter.get();
      if (now != last) {
        last = now;
        since = System.nanoTime();
      } else if (System.nanoTime() - since >= stable.toNanos()) {
        return now;
      }
      Thread.sleep(50);
    }
    return counter.get();
  }
}
