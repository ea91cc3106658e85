package com.paintbox.edge.compression;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import org.jspecify.annotations.Nullable;

/**
 * Compression of an answer that is streamed, not served from a stored body (a pass-through, or a miss while it
 * fills the cache): the coding is negotiated per request, the body compressed chunk by chunk at the fast level
 * and flushed with every chunk, so streamed HTML stays streamed.
 *
 * <p>The head changes as nginx's {@code gzip on} changes it: {@code Content-Encoding} is set, the length (now
 * unknown) removed, a strong {@code ETag} becomes weak (the bytes differ from any other compression of the same
 * content, but the content is the same: RFC 9110 §8.8.1), and {@code Vary: Accept-Encoding} is added to every
 * compressible answer, compressed or not. A client that refuses every coding, identity included, still gets
 * identity here: the answer is already on its way, and RFC 9110 §12.5.3 lets a sender ignore Accept-Encoding.
 */
public final class OnTheFly {

  private OnTheFly() {}

  /**
   * Prepares {@code in}'s response, whose status and headers are set, for its body: returns the encoder to push
   * the body through, or null to send it as it is.
   */
  public static Codecs.@Nullable StreamEncoder begin(HttpServerRequest in, Codecs codecs) {
    if (!codecs.enabled()) {
      return null;
    }
    MultiMap headers = in.response().headers();
    int status = in.response().getStatusCode();
    if (!codecs.compressible(status, headers, length(headers))) {
      return null;
    }
    VaryHeader.addAcceptEncoding(headers);
    String header = AcceptEncoding.header(in.headers());
    if (header == null) {
      return null;
    }
    Coding coding = AcceptEncoding.choose(header, codecs.offered(), ignored -> -1);
    if (coding == AcceptEncoding.NOT_ACCEPTABLE || coding == Coding.IDENTITY) {
      return null;
    }
    headers.set(HttpHeaders.CONTENT_ENCODING, coding.token());
    headers.remove(HttpHeaders.CONTENT_LENGTH);
    headers.remove(HttpHeaders.ACCEPT_RANGES); // ranges are of the identity body, which this answer is not
    String etag = headers.get(HttpHeaders.ETAG);
    if (etag != null && !etag.trim().startsWith("W/")) {
      headers.set(HttpHeaders.ETAG, "W/" + etag.trim());
    }
    return in.method() == HttpMethod.HEAD ? null : codecs.stream(coding);
  }

  private static long length(MultiMap headers) {
    String length = headers.get(HttpHeaders.CONTENT_LENGTH);
    if (length == null) {
      return -1;
    }
    try {
      return Long.parseLong(length.trim());
    } catch (NumberFormatException invalid) {
      return -1;
    }
  }
}
