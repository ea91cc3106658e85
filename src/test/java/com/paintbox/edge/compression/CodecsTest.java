package com.paintbox.edge.compression;

import static org.assertj.core.api.Assertions.assertThat;

import com.paintbox.edge.testing.TestCodecs;
import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The encoders on their own: what a streaming origin's small pieces cost, decoded by Debian's tools. */
class CodecsTest {

  private static final Codecs CODECS = TestCodecs.defaults();
  private static final String PAGE = CompressionTest.page(60 * 1024);

  @Test
  void streamedZstd_pieceByPiece_oneFrameWithItsHistory_notAFramePerPiece() throws Exception {
    Buffer oneShot = streamed(Coding.ZSTD, 1);
    Buffer pieces = streamed(Coding.ZSTD, 2048); // a Next.js origin streams HTML in small pieces

    assertThat(new String(Decoders.decode(Coding.ZSTD, pieces.getBytes()), StandardCharsets.UTF_8)).isEqualTo(PAGE);
    // Each flush ends a block, not the frame: a few bytes per piece, never the 55 % a frame per piece cost.
    assertThat(pieces.length()).isLessThan((int) (oneShot.length() * 1.25));
  }

  @Test
  void storedZstd_aBodyAboveTheBlockSize_isOneFrameAsSmallAsTheToolMakesIt() throws Exception {
    Buffer stored = CODECS.compress(Coding.ZSTD, Buffer.buffer(CompressionTest.page(300 * 1024)));

    assertThat(com.github.luben.zstd.Zstd.getFrameContentSize(stored.getBytes())).isEqualTo(300 * 1024);
    assertThat(new String(Decoders.decode(Coding.ZSTD, stored.getBytes()), StandardCharsets.UTF_8))
        .isEqualTo(CompressionTest.page(300 * 1024));
  }

  @Test
  void streamedBrotliAndGzip_pieceByPiece_decodeToTheBody() throws Exception {
    for (Coding coding : new Coding[] {Coding.BR, Coding.GZIP}) {
      assertThat(new String(Decoders.decode(coding, streamed(coding, 4096).getBytes()), StandardCharsets.UTF_8))
          .as(coding.token()).isEqualTo(PAGE);
    }
  }

  private static Buffer streamed(Coding coding, int pieceBytes) {
    Codecs.StreamEncoder encoder = CODECS.stream(coding);
    Buffer out = Buffer.buffer();
    byte[] page = PAGE.getBytes(StandardCharsets.UTF_8);
    int piece = pieceBytes == 1 ? page.length : pieceBytes;
    for (int from = 0; from < page.length; from += piece) {
      out.appendBuffer(encoder.encode(Buffer.buffer(java.util.Arrays.copyOfRange(page, from,
          Math.min(page.length, from + piece)))));
    }
    return out.appendBuffer(encoder.finish());
  }
}
