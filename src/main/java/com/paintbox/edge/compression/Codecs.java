package com.paintbox.edge.compression;

import com.aayushatharva.brotli4j.encoder.Encoder;
import com.paintbox.edge.config.CompressionConfig;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.compression.Brotli;
import io.netty.handler.codec.compression.BrotliEncoder;
import io.netty.handler.codec.compression.ZlibCodecFactory;
import io.netty.handler.codec.compression.ZlibWrapper;
import io.netty.handler.codec.compression.Zstd;
import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The edge's encoders: Netty's compression codecs for Brotli (through brotli4j) and gzip (the JDK's zlib), driven in
 * an {@link EmbeddedChannel} as Netty's own HTTP compressor drives them, and zstd-jni directly for Zstandard (Netty's
 * encoder makes a frame per block and per flush, which costs 6 to 55 %); at one level for
 * bodies compressed once and kept (the JWKS, stored responses: high, since it is paid once) and another for bodies
 * compressed on the fly (fast). Which codings are offered is decided once, at start-up: Brotli and Zstandard need
 * their native libraries, and where one cannot load the edge says so in one warning and offers the others.
 *
 * <p>What is compressed ({@link #compressible}): a final answer with a body (not a 204, 206 or 304) the origin sent
 * without {@code Content-Encoding}, of a compressible media type, at least {@code EDGE_COMPRESS_MIN_BYTES} long when
 * its length is known, and without {@code Cache-Control: no-transform} (RFC 9111 §5.2.2.6).
 */
public final class Codecs {

  private static final Logger log = LoggerFactory.getLogger(Codecs.class);
  /** Brotli's window, log2 bytes: 22 (4 MiB), the format's default. */
  private static final int BROTLI_WINDOW = 22;

  /** Compression off: nothing is offered but identity. */
  public static final Codecs OFF = new Codecs(null, List.of(Coding.IDENTITY));

  private final CompressionConfig config;
  private final List<Coding> offered;

  private Codecs(CompressionConfig config, List<Coding> offered) {
    this.config = config;
    this.offered = List.copyOf(offered);
  }

  /** The codecs {@code config} asks for that this machine can run (a warning for each it cannot). */
  public static Codecs load(CompressionConfig config) {
    Objects.requireNonNull(config, "config");
    if (!config.enabled()) {
      return OFF;
    }
    List<Coding> offered = new ArrayList<>();
    if (Brotli.isAvailable()) {
      offered.add(Coding.BR);
    } else {
      log.atWarn().addKeyValue("cause", String.valueOf(Brotli.cause()))
          .log("Brotli's native library cannot load here; br is not offered");
    }
    if (Zstd.isAvailable()) {
      offered.add(Coding.ZSTD);
    } else {
      log.atWarn().addKeyValue("cause", String.valueOf(Zstd.cause()))
          .log("Zstandard's native library cannot load here; zstd is not offered");
    }
    offered.add(Coding.GZIP);
    offered.add(Coding.IDENTITY);
    return new Codecs(config, offered);
  }

  /** True when compression is on. */
  public boolean enabled() {
    return config != null;
  }

  /** Every coding offered, best first, identity last. */
  public List<Coding> offered() {
    return offered;
  }

  /** Codings offered besides identity. */
  public List<Coding> encodings() {
    return offered.subList(0, offered.size() - 1);
  }

  /**
   * True when an answer with this status and these headers should be compressed for a client that accepts it.
   *
   * @param length the body's length when known, else a negative number
   */
  public boolean compressible(int status, MultiMap headers, long length) {
    if (config == null || status < 200 || status == 204 || status == 206 || status == 304) {
      return false;
    }
    if (length >= 0 && length < config.minBytes()) {
      return false;
    }
    String encoding = headers.get(HttpHeaders.CONTENT_ENCODING);
    if (encoding != null && !encoding.trim().equalsIgnoreCase("identity")) {
      return false;
    }
    for (String cacheControl : headers.getAll(HttpHeaders.CACHE_CONTROL)) {
      if (cacheControl.toLowerCase(Locale.ROOT).contains("no-transform")) {
        return false;
      }
    }
    return typeMatches(headers.get(HttpHeaders.CONTENT_TYPE));
  }

  private boolean typeMatches(String contentType) {
    if (contentType == null) {
      return false;
    }
    int semicolon = contentType.indexOf(';');
    String type = (semicolon < 0 ? contentType : contentType.substring(0, semicolon)).trim().toLowerCase(Locale.ROOT);
    for (String pattern : config.types()) {
      if (pattern.endsWith("/*") ? type.startsWith(pattern.substring(0, pattern.length() - 1)) : type.equals(pattern)) {
        return true;
      }
    }
    return false;
  }

  /**
   * {@code body} compressed with {@code coding} at the level for kept bodies, in one piece: Zstandard as one frame
   * through zstd-jni (Netty's encoder starts a new, unrelated frame every 64 KiB, 9 % larger on a JS bundle).
   */
  public Buffer compress(Coding coding, Buffer body) {
    int level = config.storedLevels().get(coding.token());
    if (coding == Coding.ZSTD) {
      return Buffer.buffer(com.github.luben.zstd.Zstd.compress(body.getBytes(), level));
    }
    StreamEncoder encoder = new ChannelEncoder(encoder(coding, level));
    Buffer head = encoder.encode(body);
    return head.appendBuffer(encoder.finish());
  }

  /**
   * A streaming encoder for {@code coding} at the on-the-fly level. Zstandard keeps one frame and its history across
   * flushes (zstd-jni's stream): a streaming origin's small pieces would otherwise each be a frame of their own.
   */
  public StreamEncoder stream(Coding coding) {
    int level = config.streamedLevels().get(coding.token());
    return coding == Coding.ZSTD ? new ZstdStreamEncoder(level) : new ChannelEncoder(encoder(coding, level));
  }

  private static ChannelHandler encoder(Coding coding, int level) {
    return switch (coding) {
      case BR -> new BrotliEncoder(new Encoder.Parameters().setQuality(level).setWindow(BROTLI_WINDOW));
      case ZSTD -> throw new IllegalArgumentException("zstd is encoded through zstd-jni's own stream");
      case GZIP -> ZlibCodecFactory.newZlibEncoder(ZlibWrapper.GZIP, level);
      case IDENTITY -> throw new IllegalArgumentException("identity is not an encoder");
    };
  }

  /** One body on its way through an encoder; not thread-safe, one per body. */
  public abstract static sealed class StreamEncoder permits ChannelEncoder, ZstdStreamEncoder {

    /** Encodes {@code chunk} and flushes, so what is written so far can be sent now (streamed HTML stays live). */
    public abstract Buffer encode(Buffer chunk);

    /** Ends the stream: the encoder's last bytes (trailer, final block). */
    public abstract Buffer finish();

    /** Drops the stream (the body broke off); frees the encoder's native memory. */
    public abstract void abandon();
  }

  /** Netty's encoder in an EmbeddedChannel, as its HTTP compressor drives it: each write is flushed. */
  static final class ChannelEncoder extends StreamEncoder {

    private final EmbeddedChannel channel;

    ChannelEncoder(ChannelHandler encoder) {
      this.channel = new EmbeddedChannel(encoder);
    }

    @Override
    public Buffer encode(Buffer chunk) {
      channel.writeOutbound(Unpooled.wrappedBuffer(chunk.getBytes()));
      return drain();
    }

    @Override
    public Buffer finish() {
      channel.finish();
      return drain();
    }

    @Override
    public void abandon() {
      channel.finishAndReleaseAll();
    }

    private Buffer drain() {
      Buffer out = Buffer.buffer();
      ByteBuf piece;
      while ((piece = channel.readOutbound()) != null) {
        try {
          byte[] bytes = new byte[piece.readableBytes()];
          piece.readBytes(bytes);
          out.appendBytes(bytes);
        } finally {
          piece.release();
        }
      }
      return out;
    }
  }

  /** Zstandard through zstd-jni's stream: one frame, flushed (not ended) with every chunk. */
  static final class ZstdStreamEncoder extends StreamEncoder {

    private final java.io.ByteArrayOutputStream sink = new java.io.ByteArrayOutputStream();
    private final com.github.luben.zstd.ZstdOutputStreamNoFinalizer stream;

    ZstdStreamEncoder(int level) {
      try {
        this.stream = new com.github.luben.zstd.ZstdOutputStreamNoFinalizer(sink, level);
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }

    @Override
    public Buffer encode(Buffer chunk) {
      try {
        stream.write(chunk.getBytes());
        stream.flush();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return drain();
    }

    @Override
    public Buffer finish() {
      try {
        stream.close();
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return drain();
    }

    @Override
    public void abandon() {
      try {
        stream.close();
      } catch (java.io.IOException ignored) {
        // the body broke off; what the stream still held is of no use
      }
    }

    private Buffer drain() {
      Buffer out = Buffer.buffer(sink.toByteArray());
      sink.reset();
      return out;
    }
  }
}
