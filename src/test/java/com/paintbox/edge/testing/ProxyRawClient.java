package com.paintbox.edge.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A blocking raw-socket HTTP client for the tests that must control or read every byte: framing attacks, odd
 * request-targets, aborted responses. Runs on the test thread, never on an event loop.
 */
public final class ProxyRawClient implements AutoCloseable {

  /** What came back: the bytes, and whether the edge closed the connection (EOF) before the read timeout. */
  public record Reply(String text, boolean eof) {
    public String statusLine() {
      int end = text.indexOf("\r\n");
      return end < 0 ? text : text.substring(0, end);
    }

    public int status() {
      String[] parts = statusLine().split(" ");
      return parts.length > 1 ? Integer.parseInt(parts[1]) : -1;
    }

    public String body() {
      int start = text.indexOf("\r\n\r\n");
      return start < 0 ? "" : text.substring(start + 4);
    }

    /** The head, lower-cased, for header assertions that should not care about case. */
    public String head() {
      int end = text.indexOf("\r\n\r\n");
      return (end < 0 ? text : text.substring(0, end)).toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** How long a read waits for the first byte of an answer. */
  public static final Duration FIRST_BYTE_TIMEOUT = Duration.ofSeconds(10);

  private final Socket socket;

  public ProxyRawClient(int port) throws IOException {
    socket = new Socket("127.0.0.1", port);
    socket.setSoTimeout(5_000);
  }

  public ProxyRawClient send(String text) throws IOException {
    socket.getOutputStream().write(text.getBytes(StandardCharsets.ISO_8859_1));
    socket.getOutputStream().flush();
    return this;
  }

  /**
   * Reads until the edge closes the connection or, once bytes have started to arrive, nothing more arrives for
   * {@code quiet}. The first byte may take up to {@link #FIRST_BYTE_TIMEOUT} (a cold JVM answers its first request
   * slowly); an edge that never answers and never closes yields an empty reply.
   */
  public Reply read(Duration quiet) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    InputStream in = socket.getInputStream();
    byte[] chunk = new byte[16_384];
    boolean eof = false;
    socket.setSoTimeout((int) Math.max(quiet.toMillis(), FIRST_BYTE_TIMEOUT.toMillis()));
    try {
      int n;
      while ((n = in.read(chunk)) >= 0) {
        out.write(chunk, 0, n);
        socket.setSoTimeout((int) quiet.toMillis());
      }
      eof = true;
    } catch (SocketTimeoutException quietLongEnough) {
      // no more bytes for now; the connection is still open
    } catch (IOException reset) {
      eof = true;
    }
    return new Reply(out.toString(StandardCharsets.ISO_8859_1), eof);
  }

  /** Reads until at least {@code bytes} bytes arrived, the connection closed, or {@code timeout} passed. */
  public Reply readAtLeast(int bytes, Duration timeout) throws IOException {
    socket.setSoTimeout((int) timeout.toMillis());
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] chunk = new byte[16_384];
    boolean eof = false;
    try {
      while (out.size() < bytes) {
        int n = socket.getInputStream().read(chunk);
        if (n < 0) {
          eof = true;
          break;
        }
        out.write(chunk, 0, n);
      }
    } catch (SocketTimeoutException tooSlow) {
      // return what arrived
    }
    return new Reply(out.toString(StandardCharsets.ISO_8859_1), eof);
  }

  /** Sends {@code request} on a fresh connection and reads the reply. */
  public static Reply exchange(int port, String request, Duration quiet) throws IOException {
    try (ProxyRawClient client = new ProxyRawClient(port)) {
      return client.send(request).read(quiet);
    }
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
